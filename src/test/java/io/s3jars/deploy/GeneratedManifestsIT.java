package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What quarkus-kubernetes writes at package time (target/kubernetes/kubernetes.yml) is a true
 * deployment of the webhook: HTTPS behind port 443, the chart's exact RBAC, the project's image,
 * TLS from the Secret webhook-config/ makes, and nothing from the build machine.
 */
class GeneratedManifestsIT {

    private static final Path GENERATED = Path.of("target/kubernetes/kubernetes.yml");

    @Test
    void theGeneratedManifestsDeployTheWebhookAsTheChartDoes() throws Exception {
        String yaml = Files.readString(GENERATED);
        Rendered generated = Rendered.parse(yaml);
        assertThat(generated.objects()).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("ServiceAccount",
                "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment");
        assertThat(yaml).doesNotContain("name: view", "vcs-uri", "build-timestamp", System.getProperty("user.dir"));

        Service service = generated.one(Service.class);
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(443);
            assertThat(port.getTargetPort().getIntVal() == null ? port.getTargetPort().getStrVal()
                    : port.getTargetPort().getIntVal().toString()).isIn("8443", "https");
        });

        Deployment deployment = generated.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        Container container = pod.getContainers().get(0);
        assertThat(container.getImage()).startsWith("ghcr.io/s3jars/s3jars:");
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(container.getPorts()).anyMatch(p -> p.getContainerPort() == 8443);
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("S3JARS_TLS_CERT").getValue()).isEqualTo("/etc/s3jars/tls/tls.crt");
        assertThat(env.get("S3JARS_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(pod.getVolumes()).anyMatch(v -> v.getSecret() != null && "s3jars-tls".equals(v.getSecret().getSecretName()));

        // The chart with its Secret-mounted certificate makes the same calls, so it grants the same.
        Rendered chart = Rendered.chart(Map.of("certs.mode", "secret", "certs.caBundle", "Y2E="));
        assertThat(rules(generated.one(ClusterRole.class).getRules())).isEqualTo(rules(chart.all(ClusterRole.class)
                .stream().filter(r -> r.getMetadata().getName().equals("s3jars")).findFirst().orElseThrow().getRules()));
        assertThat(rules(generated.one(Role.class).getRules())).isEqualTo(rules(chart.one(Role.class).getRules()));
        assertThat(generated.one(RoleBinding.class).getRoleRef().getName()).isEqualTo("s3jars");
    }

    /** Rules as comparable sets: api group, resource, name and verb, one tuple each. */
    private static Set<List<String>> rules(List<PolicyRule> rules) {
        return rules.stream().flatMap(rule -> rule.getApiGroups().stream().flatMap(group -> rule.getResources().stream()
                .flatMap(resource -> (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        ? List.of("*") : rule.getResourceNames()).stream()
                        .flatMap(name -> rule.getVerbs().stream().map(verb -> List.of(group, resource, name, verb))))))
                .collect(Collectors.toSet());
    }
}
