package io.s3jars.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /**
     * ConfigMap in {@link #namespace()} where cluster mode records every node mount path any policy
     * declared, so retired paths stay protected across restarts and replicas; the chart creates it.
     */
    @WithDefault("s3jars-node-mount-paths")
    String nodeMountPathRecord();

    /** The validating guard for pods. */
    Guard guard();

    /** How big a pod s3jars reviews; a bigger one is refused (422) before any other work. */
    Limits limits();

    /** Serving certificate files. */
    Tls tls();

    /** csi mode's PersistentVolumes and claims, kept by cluster mode. */
    Csi csi();

    /** Where the serving certificate comes from. */
    Certs certs();

    interface PolicyConfigMap {
        /** Name of the ConfigMap in {@link #namespace()}. */
        @WithDefault("s3jars-policy")
        String name();

        /** Key of the policy document in the ConfigMap. */
        @WithDefault("policy.yaml")
        String key();
    }

    interface Guard {
        /**
         * Pod Security baseline in s3jars namespaces ({@code S3JARS_GUARD_BASELINE}); the chart sets it
         * from {@code webhook.guard.baseline}. Off, those namespaces get the carve-out and the node mount
         * path control only.
         */
        @WithDefault("true")
        boolean baseline();
    }

    interface Limits {
        /**
         * Reviews over 64 KiB answered per second ({@code S3JARS_LIMITS_LARGE_REVIEWS_PER_SECOND}), in
         * bursts of twice that; more are refused with 503 unread. Real pods' reviews are far smaller.
         */
        @WithDefault("1")
        double largeReviewsPerSecond();

        /** Containers, initContainers and ephemeralContainers of a pod together ({@code S3JARS_LIMITS_MAX_CONTAINERS}). */
        @WithDefault("64")
        int maxContainers();

        /** Volumes of a pod ({@code S3JARS_LIMITS_MAX_VOLUMES}). */
        @WithDefault("256")
        int maxVolumes();

        /** Volume mounts over all containers of a pod ({@code S3JARS_LIMITS_MAX_VOLUME_MOUNTS}). */
        @WithDefault("1024")
        int maxVolumeMounts();

        /** JSON Patch operations in one answer ({@code S3JARS_LIMITS_MAX_PATCH_OPERATIONS}). */
        @WithDefault("4096")
        int maxPatchOperations();

        /**
         * Required node affinity terms, tolerations and nodeSelector entries of a pod, each
         * ({@code S3JARS_LIMITS_MAX_SCHEDULING_TERMS}).
         */
        @WithDefault("64")
        int maxSchedulingTerms();
    }

    interface Csi {
        /**
         * Whether cluster mode creates and keeps the volume and claim of each bucket csi mode serves
         * ({@code S3JARS_CSI_MANAGE_VOLUMES}); the chart sets it from {@code csi.manageVolumes}. Both this
         * and the policy's {@code defaults.csi.manageVolumes} must be true.
         */
        @WithDefault("true")
        boolean manageVolumes();

        /** How long a replica holds the Lease without renewing it; another one takes over after that. */
        @WithDefault("15s")
        Duration leaseDuration();

        /** How long the holder keeps trying to renew before it stops writing; shorter than the lease. */
        @WithDefault("10s")
        Duration renewDeadline();

        /** How often replicas try to take or renew the Lease. */
        @WithDefault("2s")
        Duration retryPeriod();

        /** How often every volume and claim is compared with the policy even when nothing changed. */
        @WithDefault("5m")
        Duration resync();
    }

    interface Tls {
        /** PEM certificate chain ({@code S3JARS_TLS_CERT}); generated self-signed for local runs when unset. */
        Optional<Path> cert();

        /** PEM private key ({@code S3JARS_TLS_KEY}). */
        Optional<Path> key();
    }

    /** Where the serving certificate comes from; written {@code files} and {@code self-managed}, anything else stops the start. */
    enum CertsMode {
        /** The files of {@link Tls} (a mounted Secret, cert-manager), re-read periodically. */
        FILES,
        /**
         * Cluster mode keeps a CA and serving certificate in {@link Certs#secret()}, renews them and
         * patches the webhook configurations' caBundle.
         */
        SELF_MANAGED
    }

    interface Certs {
        /** {@code files} or {@code self-managed}, see {@link CertsMode}. */
        @WithDefault("files")
        CertsMode mode();

        /** Secret holding the self-managed certificates, in the webhook's namespace. */
        @WithDefault("s3jars-tls")
        String secret();

        /** Service name the API server calls: the certificate names {@code <service>.<namespace>.svc}. */
        @WithDefault("s3jars")
        String service();

        /**
         * Webhook configurations whose caBundle is kept: {@code mutatingwebhookconfiguration/NAME},
         * {@code validatingwebhookconfiguration/NAME}, or a bare {@code NAME} for both kinds. Each must
         * exist for the webhook to be ready.
         */
        @WithDefault("s3jars")
        List<String> webhookConfigurations();

        /** Renew a serving certificate that expires within this window. */
        @WithDefault("P15D")
        Duration renewBefore();

        /** Lifetime of issued serving certificates. */
        @WithDefault("P90D")
        Duration serverLifetime();

        /** Lifetime of a new CA. */
        @WithDefault("P3650D")
        Duration caLifetime();

        /**
         * How often replicas re-read the Secret and renew when due, once the first check has
         * succeeded; until then they retry after 1 s, doubling up to 30 s.
         */
        @WithDefault("PT1H")
        Duration checkInterval();

        /**
         * How often replicas check that the webhook configurations exist and carry the Secret's CA
         * bundle, restoring it (say, after a reinstall) and adopting a certificate another replica renewed.
         */
        @WithDefault("PT60S")
        Duration caBundleCheckInterval();
    }
}
