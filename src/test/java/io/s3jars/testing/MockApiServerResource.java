package io.s3jars.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.s3jars.selfmanaged.SelfManagedCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link GatedApiServer} for a @QuarkusTest in cluster mode, holding the policy ConfigMap of
 * the test policy. Arguments (from the test profile):
 * <ul>
 * <li>{@code gates}: comma-separated path prefixes refused (403) until the test opens them;</li>
 * <li>{@code nearlyExpiredCertificateIn}: a folder; the resource creates both webhook
 * configurations (without caBundle, as the chart does), a Secret {@code s3jars-tls} whose serving
 * certificate expires in two days (inside the default 15-day renewal window), and writes that
 * certificate and key into the folder ({@code tls.crt}, {@code tls.key}, as the webhook would
 * have) with the CA as {@code ca.crt}.</li>
 * </ul>
 */
public class MockApiServerResource implements QuarkusTestResourceLifecycleManager {

    public static final String NAMESPACE = "s3jars-system";

    public static GatedApiServer api;
    public static KubernetesClient client;
    private Map<String, String> args = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        args = new HashMap<>(initArgs);
    }

    @Override
    public Map<String, String> start() {
        api = new GatedApiServer();
        client = api.createClient();
        client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("s3jars-policy").withNamespace(NAMESPACE).endMetadata()
                .withData(Map.of("policy.yaml", Fixtures.resource("/policy/test-policy.yaml"))).build()).create();
        if (args.containsKey("nearlyExpiredCertificateIn")) {
            nearlyExpiredCertificate(Path.of(args.get("nearlyExpiredCertificateIn")));
        }
        Arrays.stream(args.getOrDefault("gates", "").split(",")).filter(g -> !g.isBlank()).forEach(api::closeGate);
        return Map.of("quarkus.kubernetes-client.api-server-url", api.url(),
                "quarkus.kubernetes-client.namespace", NAMESPACE);
    }

    private static void nearlyExpiredCertificate(Path dir) {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
                new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("s3jars").endMetadata()
                        .addNewWebhook().withName("pods.s3jars.io").withNewClientConfig().withNewService()
                        .withName("s3jars").withNamespace(NAMESPACE).withPath("/mutate").endService().endClientConfig()
                        .endWebhook().build()).create();
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName("s3jars").endMetadata()
                        .addNewWebhook().withName("policy.s3jars.io").withNewClientConfig().withNewService()
                        .withName("s3jars").withNamespace(NAMESPACE).withPath("/validate").endService()
                        .endClientConfig().endWebhook()
                        .addNewWebhook().withName("hostpath-guard.s3jars.io").withNewClientConfig().withNewService()
                        .withName("s3jars").withNamespace(NAMESPACE).withPath("/validate").endService()
                        .endClientConfig().endWebhook().build()).create();
        SelfManagedCertificates.Material material = new SelfManagedCertificates(client,
                new SelfManagedCertificates.Settings(NAMESPACE, "s3jars-tls", "s3jars",
                        SelfManagedCertificates.Settings.configurations(List.of("s3jars")), Duration.ofDays(1),
                        Duration.ofDays(2), Duration.ofDays(3650)), Clock.systemUTC()).ensure();
        try {
            deleteRecursively(dir);
            material.writeTo(dir, "tls.crt", "tls.key");
            Files.writeString(dir.resolve("ca.crt"), secretEntry("ca.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key of the Secret {@code s3jars-tls} as it is now, decoded. */
    public static String secretEntry(String key) {
        String value = client.secrets().inNamespace(NAMESPACE).withName("s3jars-tls").get().getData().get(key);
        return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }
}
