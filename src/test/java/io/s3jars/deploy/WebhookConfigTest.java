package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code webhook-config/} is the chart rendered for users without Helm (certificates from the
 * {@code certs} command). The webhook rules, selectors, RBAC and pod spec must stay identical to the chart's.
 * After an intended chart change, regenerate with {@code -Dwebhook-config.update=true}.
 */
class WebhookConfigTest {

    static final Path DIR = Path.of("webhook-config");
    static final Path RENDERED = DIR.resolve("s3jars.yaml");
    static final String PLACEHOLDER = "REPLACE-WITH-certs-cabundle";
    private static final Map<String, Object> PLAIN = Map.of("certs.mode", "secret", "certs.caBundle", PLACEHOLDER);

    @Test
    void webhooksSelectorsRbacAndPodMatchTheChart() throws IOException {
        Rendered chart = Rendered.chart(PLAIN);
        if (Boolean.getBoolean("webhook-config.update")) {
            Files.writeString(RENDERED, "# Generated from helm/s3jars (certs.mode=secret): run the certs command with\n"
                    + "# --webhook-config webhook-config --out DIR, then apply DIR/webhook-config, which holds these\n"
                    + "# manifests with the caBundle filled in and tls-secret.yaml. Set the image and the policy before\n"
                    + "# applying; regenerate with mvn test -Dtest=WebhookConfigTest -Dwebhook-config.update=true.\n"
                    + withoutHelmLabels(chart.yaml()));
        }
        String text = Files.readString(RENDERED);
        assertThat(text).doesNotContain("managed-by: Helm", "helm.sh/chart");
        Rendered plain = Rendered.parse(text);
        assertThat(webhooks(plain)).isEqualTo(webhooks(chart));
        assertThat(plain.one(ClusterRole.class).getRules()).isEqualTo(chart.one(ClusterRole.class).getRules());
        assertThat(plain.one(Role.class).getRules()).isEqualTo(chart.one(Role.class).getRules());
        // The pod too: its JVM options once lost the class-data sharing archive here and nowhere else.
        assertThat(plain.one(Deployment.class).getSpec().getTemplate().getSpec())
                .isEqualTo(chart.one(Deployment.class).getSpec().getTemplate().getSpec());
        assertThat(plain.objects()).extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrderElementsOf(chart.objects().stream().map(HasMetadata::getKind).toList());
    }

    /**
     * The node agent, rendered with {@code nodeAgent.enabled=true}, in a folder of its own: applied on
     * purpose ({@code kubectl apply -f webhook-config/node-agent/}), never with the webhook's folder.
     */
    @Test
    void theNodeAgentsManifestsAreTheChartsAndApartFromTheWebhooks() throws IOException {
        Map<String, Object> values = new java.util.HashMap<>(PLAIN);
        values.put("nodeAgent.enabled", "true");
        Rendered chart = Rendered.chart(values);
        List<String> agentDocuments = java.util.Arrays.stream(chart.yaml().split("(?m)^---\\s*$"))
                .filter(d -> d.contains("node-agent") && d.lines().anyMatch(l -> l.startsWith("kind:")))
                .map(String::strip).toList();
        Path file = DIR.resolve("node-agent/node-agent.yaml");
        if (Boolean.getBoolean("webhook-config.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# Generated from helm/s3jars (nodeAgent.enabled=true): the node agent (docs/node-agent.md),\n"
                    + "# applied on its own: kubectl apply -f webhook-config/node-agent/. Set the image first;\n"
                    + "# regenerate with mvn test -Dtest=WebhookConfigTest -Dwebhook-config.update=true.\n---\n"
                    + withoutHelmLabels(String.join("\n---\n", agentDocuments)) + "\n");
        }
        Rendered plain = Rendered.parse(Files.readString(file));
        assertThat(plain.objects()).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Namespace",
                "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "DaemonSet",
                "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
        assertThat(plain.one(DaemonSet.class).getSpec().getTemplate().getSpec())
                .isEqualTo(chart.one(DaemonSet.class).getSpec().getTemplate().getSpec());
        assertThat(Rendered.parse(Files.readString(RENDERED)).all(DaemonSet.class)).isEmpty();
    }

    @Test
    void theNamespaceAndSecretPlaceholderAreThere() throws IOException {
        Namespace namespace = Rendered.parse(Files.readString(DIR.resolve("namespace.yaml"))).one(Namespace.class);
        assertThat(namespace.getMetadata().getName()).isEqualTo(Rendered.NAMESPACE);
        Secret secret = Rendered.parse(Files.readString(DIR.resolve("tls-secret.yaml"))).one(Secret.class);
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getMetadata().getName()).isEqualTo("s3jars-tls");
    }

    /** These files are applied with kubectl: labels claiming Helm manages them would mislead Helm and people. */
    static String withoutHelmLabels(String yaml) {
        return yaml.replaceAll("(?m)^\\s*(app\\.kubernetes\\.io/managed-by: Helm|helm\\.sh/chart: .*)\\R", "");
    }

    /** The webhooks without caBundle, which the certs command fills in. */
    private static String webhooks(Rendered rendered) {
        MutatingWebhookConfiguration mutating = rendered.one(MutatingWebhookConfiguration.class);
        ValidatingWebhookConfiguration validating = rendered.one(ValidatingWebhookConfiguration.class);
        mutating.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(null));
        validating.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(null));
        return mutating.getWebhooks().toString() + validating.getWebhooks();
    }
}
