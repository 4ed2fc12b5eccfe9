package io.s3jars.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Runtime settings; each maps to an {@code S3JARS_*} environment variable (e.g. {@code S3JARS_POLICY_FILE}). */
@ConfigMapping(prefix = "s3jars")
public interface S3JarsConfig {

    /** Policy file for local runs. When unset the webhook is in cluster mode and watches the policy ConfigMap. */
    Optional<Path> policyFile();

    /** Nodes (as {@code kubectl get nodes -o yaml} prints them) that local runs treat as the cluster, for auto mode. */
    Optional<Path> nodesFile();

    /** The namespace the webhook runs in; the chart sets it from the downward API. */
    @WithDefault("s3jars-system")
    String namespace();

    /** Where the policy lives in cluster mode. */
    PolicyConfigMap policyConfigMap();

    /** Serving certificate files. */
    Tls tls();

    interface PolicyConfigMap {
        /** Name of the ConfigMap in {@link #namespace()}. */
        @WithDefault("s3jars-policy")
        String name();

        /** Key of the policy document in the ConfigMap. */
        @WithDefault("policy.yaml")
        String key();
    }

    interface Tls {
        /** PEM certificate chain ({@code S3JARS_TLS_CERT}); generated self-signed for local runs when unset. */
        Optional<Path> cert();

        /** PEM private key ({@code S3JARS_TLS_KEY}). */
        Optional<Path> key();
    }
}
