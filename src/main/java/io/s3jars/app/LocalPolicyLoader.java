package io.s3jars.app;

import io.quarkus.runtime.StartupEvent;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Local mode: loads the policy file once at start; an invalid file stops the start with every error listed. */
@ApplicationScoped
public class LocalPolicyLoader {

    private static final Logger LOG = Logger.getLogger(LocalPolicyLoader.class);

    void onStart(@Observes StartupEvent event, S3JarsConfig config, PolicyStore store) {
        config.policyFile().ifPresent(file -> load(file, store));
    }

    static void load(Path file, PolicyStore store) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the policy file " + file.toAbsolutePath(), e);
        }
        PolicyResult result = store.offer(yaml, "file " + file);
        if (result instanceof PolicyResult.Invalid invalid) {
            throw new IllegalStateException("the policy file " + file + " is invalid: " + invalid.summary());
        }
        LOG.infof("policy loaded from %s: %d bucket(s), %d binding(s)", file,
                store.snapshot().orElseThrow().buckets().size(), store.snapshot().orElseThrow().bindings().size());
    }
}
