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
 * deployment of the webhook, the chart's own in what it takes to run it: HTTPS behind port 443 and
 * the management port, the same security contexts, probes, resources and RBAC, the project's image,
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

        // The same pod and Service as the chart's with its Secret-mounted certificate, in what matters
        // to run it: ports, security contexts, probes, resources, volumes.
        Rendered chart = Rendered.chart(Map.of("certs.mode", "secret", "certs.caBundle", "Y2E="));
        // The webhook's port as the chart's; the chart's Service also carries the management port, for
        // its ServiceMonitor, which the plain manifests do not have.
        Service service = generated.one(Service.class);
        assertThat(ports(service)).containsExactly("https 443 -> 8443");
        assertThat(ports(chart.one(Service.class))).contains("https 443 -> 8443");

        Deployment deployment = generated.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        var pod = deployment.getSpec().getTemplate().getSpec();
        var chartPod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext()).isEqualTo(chartPod.getSecurityContext());
        Container container = pod.getContainers().get(0);
        Container chartContainer = chartPod.getContainers().get(0);
        assertThat(container.getSecurityContext()).isEqualTo(chartContainer.getSecurityContext());
        // quarkus-kubernetes always declares the plain HTTP port; nothing listens on it (insecure
        // requests are disabled), and a declared container port opens nothing.
        List<String> chartPorts = new java.util.ArrayList<>(chartContainer.getPorts().stream()
                .map(p -> p.getName() + "=" + p.getContainerPort()).toList());
        chartPorts.add("http=8080");
        assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactlyInAnyOrderElementsOf(chartPorts);
        assertThat(container.getResources()).isEqualTo(chartContainer.getResources());
        for (var probes : List.of(List.of(container.getReadinessProbe(), chartContainer.getReadinessProbe()),
                List.of(container.getLivenessProbe(), chartContainer.getLivenessProbe()),
                List.of(container.getStartupProbe(), chartContainer.getStartupProbe()))) {
            assertThat(probes.get(0).getHttpGet().getPath()).isEqualTo(probes.get(1).getHttpGet().getPath());
            assertThat(probes.get(0).getPeriodSeconds()).isEqualTo(probes.get(1).getPeriodSeconds());
            assertThat(probes.get(0).getFailureThreshold())
                    .isEqualTo(probes.get(1).getFailureThreshold() == null ? 3 : probes.get(1).getFailureThreshold());
        }
        assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly())
                ? " ro" : "")).containsExactlyInAnyOrderElementsOf(chartContainer.getVolumeMounts().stream()
                        .map(m -> m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? " ro" : "")).toList());
        assertThat(container.getImage()).startsWith("ghcr.io/s3jars/s3jars:");
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("S3JARS_TLS_CERT").getValue()).isEqualTo("/etc/s3jars/tls/tls.crt");
        assertThat(env.get("S3JARS_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(pod.getVolumes()).anyMatch(v -> v.getSecret() != null && "s3jars-tls".equals(v.getSecret().getSecretName()));

        // The chart with its Secret-mounted certificate makes the same calls, so it grants the same.
        assertThat(rules(generated.one(ClusterRole.class).getRules())).isEqualTo(rules(chart.all(ClusterRole.class)
                .stream().filter(r -> r.getMetadata().getName().equals("s3jars")).findFirst().orElseThrow().getRules()));
        assertThat(rules(generated.one(Role.class).getRules())).isEqualTo(rules(chart.one(Role.class).getRules()));
        assertThat(generated.one(RoleBinding.class).getRoleRef().getName()).isEqualTo("s3jars");
    }

    /** Service ports as name, port and target port number (the chart names its targets). */
    private static Set<String> ports(Service service) {
        Map<String, Integer> named = Map.of("https", 8443, "management", 9000);
        return service.getSpec().getPorts().stream().map(p -> p.getName() + " " + p.getPort() + " -> "
                + (p.getTargetPort().getIntVal() != null ? p.getTargetPort().getIntVal()
                        : named.get(p.getTargetPort().getStrVal()))).collect(Collectors.toSet());
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
