package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Real {@code helm lint} and {@code helm template} of helm/s3jars, parsed and checked for what matters. */
class HelmChartTest {

    @Test
    void lintIsCleanInStrictMode() {
        LintResult lint = new Helm(Rendered.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultsRenderASafeSelfManagedWebhook() throws Exception {
        Rendered r = Rendered.chart(Map.of());
        Deployment deployment = r.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
        assertThat(pod.getTopologySpreadConstraints()).hasSize(1);
        Container container = pod.getContainers().get(0);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getResources().getLimits()).doesNotContainKey("cpu");
        assertThat(container.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "10");
        assertThat(env(container).get("QUARKUS_SHUTDOWN_TIMEOUT").getValue()).isEqualTo("20s");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(35L).isGreaterThan(10L + 20);
        // The chart and a plain run of the image start the JVM alike: the image's defaults are the chart's.
        assertThat(env(container).get("JAVA_OPTS_APPEND").getValue()).isEqualTo(imageJavaOpts())
                .contains("-XX:SharedArchiveFile=/deployments/s3jars.jsa", "-XX:+ExitOnOutOfMemoryError");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
        assertThat(container.getPorts()).anyMatch(p -> p.getName().equals("management") && p.getContainerPort() == 9000)
                .anyMatch(p -> p.getName().equals("https") && p.getContainerPort() == 8443);
        Map<String, EnvVar> env = env(container);
        assertThat(env.get("S3JARS_CERTS_MODE").getValue()).isEqualTo("self-managed");
        assertThat(env.get("S3JARS_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(env).doesNotContainKey("S3JARS_TLS_CERT");
        assertThat(env.get("S3JARS_CERTS_WEBHOOK_CONFIGURATIONS").getValue())
                .isEqualTo("mutatingwebhookconfiguration/s3jars,validatingwebhookconfiguration/s3jars");
        assertThat(env.get("S3JARS_CERTS_CA_BUNDLE_CHECK_INTERVAL").getValue()).isEqualTo("PT60S");
        assertThat(r.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);

        Service service = r.one(Service.class);
        MutatingWebhook mutate = r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
        assertThat(mutate.getClientConfig().getService().getName()).isEqualTo(service.getMetadata().getName());
        assertThat(mutate.getClientConfig().getService().getNamespace()).isEqualTo(Rendered.NAMESPACE);
        assertThat(mutate.getClientConfig().getService().getPath()).isEqualTo("/mutate");
        assertThat(mutate.getClientConfig().getService().getPort()).isEqualTo(service.getSpec().getPorts().get(0).getPort());
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("https");
        assertThat(mutate.getRules().get(0).getOperations()).containsExactly("CREATE");
        assertThat(mutate.getRules().get(0).getResources()).containsExactly("pods");
        assertThat(mutate.getSideEffects()).isEqualTo("None");
        assertThat(mutate.getReinvocationPolicy()).isEqualTo("IfNeeded");
        assertThat(mutate.getMatchPolicy()).isEqualTo("Equivalent");
        assertThat(mutate.getFailurePolicy()).isEqualTo("Fail");
        assertThat(mutate.getTimeoutSeconds()).isEqualTo(5);
        assertThat(mutate.getAdmissionReviewVersions()).containsExactly("v1");
        assertThat(mutate.getObjectSelector().getMatchLabels()).containsExactly(Map.entry("s3jars.io/inject", "true"));
        assertThat(expressions(mutate.getNamespaceSelector().getMatchExpressions())).containsExactly(
                "s3jars.io/injection In [enabled]", "kubernetes.io/metadata.name NotIn [kube-system, s3jars-system]");
        assertThat(mutate.getMatchConditions().get(0).getExpression()).contains("'spark-role'");

        List<ValidatingWebhook> validating = r.one(ValidatingWebhookConfiguration.class).getWebhooks();
        assertThat(validating).extracting(ValidatingWebhook::getName)
                .containsExactly("policy.s3jars.io", "baseline-guard.s3jars.io", "hostpath-guard.s3jars.io");
        assertThat(validating).allMatch(w -> w.getClientConfig().getService().getPath().equals("/validate"));
        ValidatingWebhook policy = validating.get(0);
        assertThat(policy.getRules().get(0).getResources()).containsExactly("configmaps");
        assertThat(policy.getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.entry("kubernetes.io/metadata.name", Rendered.NAMESPACE));
        assertThat(policy.getMatchConditions().get(0).getExpression())
                .isEqualTo("has(object.metadata.name) && object.metadata.name == 's3jars-policy'");
        assertThat(policy.getFailurePolicy()).isEqualTo("Ignore");
        ValidatingWebhook baseline = validating.get(1);
        assertThat(baseline.getObjectSelector()).isNull();
        assertThat(baseline.getMatchConditions()).extracting(c -> c.getExpression()).satisfiesExactly(
                images -> assertThat(images).startsWith("request.operation != 'UPDATE' ||")
                        .contains("oldObject.spec.containers.map(c, c.image)"),
                exec -> assertThat(exec).contains("object.container.startsWith('s3jars-')"));
        assertThat(baseline.getRules()).extracting(rule -> rule.getOperations() + " " + rule.getResources())
                .containsExactly("[CREATE] [pods]", "[UPDATE] [pods/ephemeralcontainers]",
                        "[CONNECT] [pods/exec, pods/attach]", "[UPDATE] [pods]");
        assertThat(expressions(baseline.getNamespaceSelector().getMatchExpressions())).containsExactly(
                "s3jars.io/injection In [enabled]", "kubernetes.io/metadata.name NotIn [kube-system, s3jars-system]",
                "s3jars.io/guard NotIn [exempt]");
        assertThat(baseline.getFailurePolicy()).isEqualTo("Fail");
        ValidatingWebhook guard = validating.get(2);
        assertThat(guard.getObjectSelector()).isNull();
        assertThat(guard.getRules().get(0).getResources()).containsExactly("pods");
        assertThat(expressions(guard.getNamespaceSelector().getMatchExpressions())).containsExactly(
                "kubernetes.io/metadata.name NotIn [kube-system, s3jars-system]", "s3jars.io/guard NotIn [exempt]",
                "s3jars.io/injection NotIn [enabled]");
        assertThat(guard.getMatchConditions().get(0).getExpression()).contains("hostPath");
        assertThat(guard.getFailurePolicy()).isEqualTo("Fail");

    }

    /**
     * RBAC is exactly what the code calls: informers list and watch (nodes, namespaces, the policy
     * ConfigMap by a metadata.name field selector; claims), Events are created, the Secret is created,
     * read and replaced, the webhook configurations are read and patched (fabric8's edit()), and the csi
     * volume controller keeps volumes and claims under its Lease.
     */
    @Test
    void rbacGrantsExactlyTheCallsTheWebhookMakes() {
        Rendered r = Rendered.chart(Map.of());
        assertThat(rules(r.one(ClusterRole.class).getRules())).containsExactly(
                "[] [nodes] [list, watch] []",
                "[] [namespaces] [list, watch] []",
                "[storage.k8s.io] [csidrivers] [list, watch] [s3.csi.aws.com]",
                "[] [persistentvolumeclaims] [list, watch] []",
                "[] [persistentvolumes] [get, list, watch, create, update, delete] []",
                "[] [persistentvolumeclaims] [get, create, update, delete] []",
                "[] [events] [create] []",
                "[admissionregistration.k8s.io] [mutatingwebhookconfigurations, validatingwebhookconfigurations]"
                        + " [get, patch] [s3jars]");
        assertThat(rules(r.one(Role.class).getRules())).containsExactly(
                "[] [configmaps] [list, watch] [s3jars-policy]",
                "[] [configmaps] [get, list, watch, update] [s3jars-node-mount-paths]",
                "[] [events] [create] []",
                "[coordination.k8s.io] [leases] [create] []",
                "[coordination.k8s.io] [leases] [get, update, patch] [s3jars-csi-volumes]",
                "[] [secrets] [create] []",
                "[] [secrets] [get, update] [s3jars-tls]");

        Rendered other = Rendered.chart(Map.of("policy.create", "false", "policy.existingConfigMap", "my-policy",
                "certs.secretName", "my-tls", "webhook.name", "my-webhook", "webhook.guard.enabled", "false",
                "webhook.policyValidation.enabled", "false", "csi.manageVolumes", "false"));
        assertThat(rules(other.one(ClusterRole.class).getRules())).containsExactly(
                "[] [nodes] [list, watch] []",
                "[] [namespaces] [list, watch] []",
                "[storage.k8s.io] [csidrivers] [list, watch] [s3.csi.aws.com]",
                "[] [persistentvolumeclaims] [list, watch] []",
                "[admissionregistration.k8s.io] [mutatingwebhookconfigurations] [get, patch] [my-webhook]");
        assertThat(rules(other.one(Role.class).getRules())).containsExactly(
                "[] [configmaps] [list, watch] [my-policy]",
                "[] [configmaps] [get, list, watch, update] [s3jars-node-mount-paths]",
                "[] [events] [create] []",
                "[] [secrets] [create] []",
                "[] [secrets] [get, update] [my-tls]");

        Rendered files = Rendered.chart(Map.of("certs.mode", "cert-manager", "csi.manageVolumes", "false"));
        assertThat(rules(files.one(ClusterRole.class).getRules())).containsExactly(
                "[] [nodes] [list, watch] []", "[] [namespaces] [list, watch] []",
                "[storage.k8s.io] [csidrivers] [list, watch] [s3.csi.aws.com]",
                "[] [persistentvolumeclaims] [list, watch] []");
        assertThat(rules(files.one(Role.class).getRules())).containsExactly(
                "[] [configmaps] [list, watch] [s3jars-policy]",
                "[] [configmaps] [get, list, watch, update] [s3jars-node-mount-paths]", "[] [events] [create] []");
        assertThat(files.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anyMatch(e -> e.getName().equals("S3JARS_CSI_MANAGE_VOLUMES") && e.getValue().equals("false"));
        assertThat(r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .noneMatch(e -> e.getName().equals("S3JARS_CSI_MANAGE_VOLUMES"));
    }

    /** The values schema: a misspelt key is an error at install, not a setting silently ignored. */
    @Test
    void misspeltValuesAreRefused() {
        assertThatThrownBy(() -> Rendered.chart(Map.of("certs.mdoe", "cert-manager")))
                .hasMessageContaining("additional properties 'mdoe' not allowed");
        assertThatThrownBy(() -> Rendered.chart(Map.of("webhook.failurPolicy", "Ignore")))
                .hasMessageContaining("additional properties 'failurPolicy' not allowed");
        assertThatThrownBy(() -> Rendered.chart(Map.of("webhook.failurePolicy", "ignore")))
                .hasMessageContaining("/webhook/failurePolicy");
        // Nested maps too, down to the Kubernetes-shaped ones.
        assertThatThrownBy(() -> Rendered.chart(Map.of("resources.limit.memory", "1Gi")))
                .hasMessageContaining("additional properties 'limit' not allowed");
        assertThatThrownBy(() -> Rendered.chart(Map.of("nodeAgent.resources.request.cpu", "1")))
                .hasMessageContaining("additional properties 'request' not allowed");
        assertThatThrownBy(() -> Rendered.chart(Map.of("certs.mode", "cert-manager", "certs.certManager.issuerRef.nmae", "ca")))
                .hasMessageContaining("additional properties 'nmae' not allowed");
        assertThatThrownBy(() -> Rendered.chart(Map.of("certs.mode", "cert-manager",
                "certs.certManager.issuerRef.kind", "ClusterIssuer"))).hasMessageContaining("name");
        assertThatThrownBy(() -> Rendered.chart(Map.of("metrics.serviceMonitor.labels.team.name", "a")))
                .hasMessageContaining("/metrics/serviceMonitor/labels/team");
        assertThat(Rendered.chart(Map.of("resources.limits.hugepages-2Mi", "64Mi", "podLabels.team", "spark"))
                .one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "spark");
    }

    @Test
    void platformSettingsRenderWhereTheyBelong() {
        assertThat(Rendered.chart(Map.of("replicaCount", "1")).kind("PodDisruptionBudget"))
                .as("a budget of one replica would hang node drains").isEmpty();
        assertThat(Rendered.chart(Map.of()).kind("PodDisruptionBudget")).isPresent();
        Rendered r = Rendered.chart(Map.of("image.digest", "sha256:" + "a".repeat(64), "hostNetwork", "true",
                "securePort", "10443", "metrics.serviceMonitor.enabled", "true",
                "metrics.serviceMonitor.labels.release", "kube-prometheus-stack"));
        var pod = r.one(Deployment.class).getSpec().getTemplate();
        assertThat(pod.getMetadata().getAnnotations()).as("the policy reloads live: no restart on its change")
                .isNullOrEmpty();
        var container = pod.getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("ghcr.io/s3jars/s3jars@sha256:" + "a".repeat(64));
        assertThat(pod.getSpec().getHostNetwork()).isTrue();
        assertThat(pod.getSpec().getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(container.getPorts()).anyMatch(p -> p.getName().equals("https") && p.getContainerPort() == 10443);
        assertThat(env(container).get("QUARKUS_HTTP_SSL_PORT").getValue()).isEqualTo("10443");
        assertThat(r.kind("ServiceMonitor").orElseThrow().getMetadata().getLabels())
                .containsEntry("release", "kube-prometheus-stack");
    }

    @Test
    void theNodeAgentIsADaemonSetOfTheWebhooksImageReadingItsPolicyAndPatchingOnlyNodes() {
        assertThat(Rendered.chart(Map.of()).kind("DaemonSet")).as("off by default").isEmpty();
        Rendered r = Rendered.chart(Map.of("nodeAgent.enabled", "true", "nodeAgent.manageMount", "false",
                "nodeAgent.nodeSelector.pool", "spark", "image.digest", "sha256:" + "b".repeat(64)));
        DaemonSet agent = r.one(DaemonSet.class);
        var pod = agent.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        Container webhook = r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(webhook.getImage());
        assertThat(container.getArgs()).containsExactly("node-agent");
        Map<String, EnvVar> env = env(container);
        assertThat(env.get("NODE_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        assertThat(env.get("S3JARS_POLICY_CONFIG_MAP_NAME").getValue())
                .isEqualTo(env(webhook).get("S3JARS_POLICY_CONFIG_MAP_NAME").getValue());
        assertThat(env.get("S3JARS_NODE_AGENT_MANAGE_MOUNT").getValue()).isEqualTo("false");
        assertThat(env.get("JAVA_OPTS_APPEND").getValue()).contains("-Xmx24m");
        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        assertThat(container.getSecurityContext().getRunAsUser()).as("the image's user 185 could not mount").isZero();
        assertThat(container.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/mnt")
                && "Bidirectional".equals(m.getMountPropagation()));
        assertThat(pod.getNodeSelector()).containsEntry("pool", "spark");
        assertThat(pod.getTolerations()).anyMatch(t -> "Exists".equals(t.getOperator()) && t.getKey() == null);
        assertThat(pod.getServiceAccountName()).isEqualTo("s3jars-node-agent");
        assertThat(agent.getMetadata().getNamespace()).as("not the webhook's restricted namespace").isEqualTo("s3jars-node");
        assertThat(r.one(Namespace.class).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged").containsEntry("s3jars.io/guard", "exempt");
        assertThat(env.get("S3JARS_NAMESPACE").getValue()).as("where the policy ConfigMap is").isEqualTo(Rendered.NAMESPACE);
        ClusterRole nodes = r.all(ClusterRole.class).stream()
                .filter(c -> c.getMetadata().getName().equals("s3jars-node-agent")).findFirst().orElseThrow();
        assertThat(nodes.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("nodes");
            assertThat(rule.getVerbs()).containsExactly("get", "list", "watch", "patch");
        });
        Role policy = r.all(Role.class).stream()
                .filter(c -> c.getMetadata().getName().equals("s3jars-node-agent")).findFirst().orElseThrow();
        assertThat(policy.getMetadata().getNamespace()).isEqualTo(Rendered.NAMESPACE);
        assertThat(policy.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResourceNames()).containsExactly(env.get("S3JARS_POLICY_CONFIG_MAP_NAME").getValue());
            assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
        });
        assertThatThrownBy(() -> Rendered.chart(Map.of("nodeAgent.enabled", "true", "nodeAgent.mountRoot", "/var/lib/kubelet")))
                .hasMessageContaining("mountRoot");
        assertThatThrownBy(() -> Rendered.chart(Map.of("nodeAgent.enabeld", "true"))).hasMessageContaining("enabeld");
    }

    /**
     * The `helm test` pod. helm-java's template leaves hooks out, so its source is read; `helm lint`
     * (above, strict) renders it with the rest.
     */
    @Test
    void helmTestPostsAReviewToTheServiceWithTheCertificatesCa() throws Exception {
        String test = java.nio.file.Files.readString(Rendered.CHART.resolve("templates/tests/admission-test.yaml"));
        assertThat(test).contains("helm.sh/hook: test",
                "https://{{ include \"s3jars.fullname\" . }}.{{ .Release.Namespace }}.svc:{{ .Values.service.port }}/mutate",
                "--cacert /etc/s3jars/tls/ca.crt", "grep -q '\"uid\":\"helm-test-1\"'", "grep -q '\"allowed\":true'",
                "--fail", "secretName: {{ .Values.certs.secretName }}", "runAsNonRoot: true");
    }

    @Test
    void switchingBaselineOffDropsItsWebhookAndTellsTheApp() {
        Rendered off = Rendered.chart(Map.of("webhook.guard.baseline", "false"));
        assertThat(off.one(ValidatingWebhookConfiguration.class).getWebhooks()).extracting(ValidatingWebhook::getName)
                .containsExactly("policy.s3jars.io", "hostpath-guard.s3jars.io");
        Map<String, EnvVar> env = env(off.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env.get("S3JARS_GUARD_BASELINE").getValue()).isEqualTo("false");
        Map<String, EnvVar> on = env(Rendered.chart(Map.of()).one(Deployment.class).getSpec().getTemplate().getSpec()
                .getContainers().get(0));
        assertThat(on).doesNotContainKey("S3JARS_GUARD_BASELINE");
    }

    @Test
    void theRecordOfNodeMountPathsOutlivesAnUninstallAndIsTheOneTheAppWrites() {
        Rendered r = Rendered.chart(Map.of());
        ConfigMap record = r.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals("s3jars-node-mount-paths")).findFirst().orElseThrow();
        assertThat(record.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        // Declared data would be written back by every upgrade, emptying what the webhook recorded.
        assertThat(record.getData()).isNullOrEmpty();
        Map<String, EnvVar> env = env(r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env.get("S3JARS_NODE_MOUNT_PATH_RECORD").getValue()).isEqualTo(record.getMetadata().getName());
    }

    @Test
    void theDefaultPolicyPassesTheValidatorAndNamesTheConfigMapTheAppWatches() {
        Rendered r = Rendered.chart(Map.of());
        ConfigMap policy = r.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals("s3jars-policy"))
                .findFirst().orElseThrow();
        assertThat(PolicyParser.parse(policy.getData().get("policy.yaml"))).isInstanceOf(PolicyResult.Valid.class);
        Map<String, EnvVar> env = env(r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env.get("S3JARS_POLICY_CONFIG_MAP_NAME").getValue()).isEqualTo(policy.getMetadata().getName());
    }

    @Test
    void certManagerModeSignsTheServingCertificateWithALongLivedCaAndInjectsThatCa() {
        Rendered r = Rendered.chart(Map.of("certs.mode", "cert-manager"));
        assertThat(r.kinds("Issuer")).extracting(i -> i.getMetadata().getName() + " " + i.get("spec"))
                .containsExactly("s3jars-selfsigned {selfSigned={}}", "s3jars-ca {ca={secretName=s3jars-ca}}");
        List<GenericKubernetesResource> certificates = r.kinds("Certificate");
        assertThat(certificates).extracting(c -> c.getMetadata().getName()).containsExactly("s3jars-ca", "s3jars");
        GenericKubernetesResource ca = certificates.get(0);
        assertThat(ca.<Boolean>get("spec", "isCA")).isTrue();
        assertThat(ca.<String>get("spec", "secretName")).isEqualTo("s3jars-ca");
        assertThat(ca.<String>get("spec", "duration")).isEqualTo("87600h");
        assertThat(ca.<String>get("spec", "privateKey", "rotationPolicy")).isEqualTo("Never");
        assertThat(ca.<Object>get("spec", "issuerRef").toString()).isEqualTo("{name=s3jars-selfsigned, kind=Issuer}");
        GenericKubernetesResource serving = certificates.get(1);
        assertThat(serving.<Object>get("spec", "isCA")).isNull();
        assertThat(serving.<String>get("spec", "secretName")).isEqualTo("s3jars-tls");
        assertThat(serving.<Object>get("spec", "issuerRef").toString()).isEqualTo("{name=s3jars-ca, kind=Issuer}");
        assertThat(serving.<List<String>>get("spec", "dnsNames")).contains("s3jars.s3jars-system.svc");
        // cainjector takes ca.crt from the Secret of the Certificate named here: the serving one, whose ca.crt is the CA.
        String injection = "s3jars-system/" + serving.getMetadata().getName();
        assertThat(r.one(MutatingWebhookConfiguration.class).getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/inject-ca-from", injection);
        assertThat(r.one(ValidatingWebhookConfiguration.class).getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/inject-ca-from", injection);
        Container container = r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(container).get("S3JARS_TLS_CERT").getValue()).isEqualTo("/etc/s3jars/tls/tls.crt");
        assertThat(env(container).get("S3JARS_CERTS_MODE").getValue()).isEqualTo("files");
    }

    @Test
    void certManagerWithYourIssuerRendersOnlyTheServingCertificate() {
        Rendered r = Rendered.chart(Map.of("certs.mode", "cert-manager", "certs.certManager.issuerRef.name", "corp-ca",
                "certs.certManager.issuerRef.kind", "ClusterIssuer"));
        assertThat(r.kinds("Issuer")).isEmpty();
        GenericKubernetesResource serving = r.kinds("Certificate").stream().collect(onlyElement());
        assertThat(serving.getMetadata().getName()).isEqualTo("s3jars");
        assertThat(serving.<Object>get("spec", "issuerRef").toString()).isEqualTo("{kind=ClusterIssuer, name=corp-ca}");
    }

    @Test
    void secretModeNeedsACaBundleAndPutsItOnEveryWebhook() {
        assertThatThrownBy(() -> Rendered.chart(Map.of("certs.mode", "secret")))
                .hasMessageContaining("certs.caBundle is required");
        Rendered r = Rendered.chart(Map.of("certs.mode", "secret", "certs.caBundle", "Q0E="));
        assertThat(r.one(MutatingWebhookConfiguration.class).getWebhooks())
                .allMatch(w -> "Q0E=".equals(w.getClientConfig().getCaBundle()));
        assertThat(r.one(ValidatingWebhookConfiguration.class).getWebhooks())
                .allMatch(w -> "Q0E=".equals(w.getClientConfig().getCaBundle()));
        assertThatThrownBy(() -> Rendered.chart(Map.of("certs.mode", "vault")))
                .hasMessageContaining("/certs/mode': value must be one of 'self-managed', 'cert-manager', 'secret'");
    }

    @Test
    void togglesRenderWhatTheySay() {
        Rendered r = Rendered.chart(Map.of("webhook.matchConditions", "false", "webhook.guard.enabled", "false",
                "metrics.serviceMonitor.enabled", "true", "networkPolicy.enabled", "true", "priorityClassName",
                "system-cluster-critical", "policy.create", "false", "policy.existingConfigMap", "my-policy",
                "webhook.excludedNamespaces[0]", "monitoring", "webhook.failurePolicy", "Ignore"));
        MutatingWebhook mutate = r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
        assertThat(mutate.getMatchConditions()).isNullOrEmpty();
        assertThat(mutate.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(expressions(mutate.getNamespaceSelector().getMatchExpressions()))
                .contains("kubernetes.io/metadata.name NotIn [kube-system, s3jars-system, monitoring]");
        assertThat(r.one(ValidatingWebhookConfiguration.class).getWebhooks()).extracting(ValidatingWebhook::getName)
                .containsExactly("policy.s3jars.io");
        assertThat(r.kind("ServiceMonitor")).isPresent();
        assertThat(r.kind("NetworkPolicy")).isPresent();
        var open = r.one(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).getSpec().getIngress().get(0);
        assertThat(open.getFrom()).as("the webhook port open to all by default").isNullOrEmpty();
        var fromControlPlane = Rendered.chart(Map.of("networkPolicy.enabled", "true",
                "networkPolicy.webhookFrom[0].ipBlock.cidr", "172.16.0.0/28"))
                .one(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).getSpec().getIngress().get(0);
        assertThat(fromControlPlane.getFrom()).singleElement()
                .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("172.16.0.0/28"));
        assertThat(fromControlPlane.getPorts().get(0).getPort().getIntVal()).isEqualTo(8443);
        // No policy ConfigMap of its own; the record of node mount paths is always the chart's.
        assertThat(r.all(ConfigMap.class)).extracting(c -> c.getMetadata().getName())
                .containsExactly("s3jars-node-mount-paths");
        var pod = r.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(env(pod.getContainers().get(0)).get("S3JARS_POLICY_CONFIG_MAP_NAME").getValue()).isEqualTo("my-policy");
    }

    /**
     * Kubernetes 1.27 drops matchConditions silently (alpha, off), so the chart refuses it. Without
     * matchConditions the guard sees every pod CREATE, so its failurePolicy defaults to Ignore.
     */
    @Test
    void matchConditionsOnAndOffAndTheGuardsFailurePolicy() {
        Rendered on = Rendered.chart(Map.of(), "1.28.0");
        assertThat(on.one(MutatingWebhookConfiguration.class).getWebhooks()).allMatch(w -> w.getMatchConditions().size() == 1);
        List<ValidatingWebhook> validating = on.one(ValidatingWebhookConfiguration.class).getWebhooks();
        assertThat(validating).allMatch(w -> !w.getMatchConditions().isEmpty());
        assertThat(validating).extracting(ValidatingWebhook::getFailurePolicy).containsExactly("Ignore", "Fail", "Fail");

        Rendered off = Rendered.chart(Map.of("webhook.matchConditions", "false"));
        assertThat(off.one(MutatingWebhookConfiguration.class).getWebhooks()).allMatch(w -> w.getMatchConditions() == null
                || w.getMatchConditions().isEmpty());
        validating = off.one(ValidatingWebhookConfiguration.class).getWebhooks();
        assertThat(validating).allMatch(w -> w.getMatchConditions() == null || w.getMatchConditions().isEmpty());
        assertThat(validating).extracting(ValidatingWebhook::getFailurePolicy).containsExactly("Ignore", "Fail", "Ignore");
        assertThat(off.one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getFailurePolicy()).isEqualTo("Fail");

        Rendered offButFail = Rendered.chart(Map.of("webhook.matchConditions", "false", "webhook.guard.failurePolicy", "Fail"));
        assertThat(offButFail.one(ValidatingWebhookConfiguration.class).getWebhooks().get(2).getFailurePolicy())
                .isEqualTo("Fail");
        Rendered onButIgnore = Rendered.chart(Map.of("webhook.guard.failurePolicy", "Ignore"));
        assertThat(onButIgnore.one(ValidatingWebhookConfiguration.class).getWebhooks().get(2).getFailurePolicy())
                .isEqualTo("Ignore");
        // The baseline guard is the isolation of the s3jars namespaces: it never fails open.
        assertThat(onButIgnore.one(ValidatingWebhookConfiguration.class).getWebhooks().get(1).getFailurePolicy())
                .isEqualTo("Fail");

        assertThatThrownBy(() -> Rendered.chart(Map.of(), "1.27.9")).hasMessageContaining("kubeVersion");
    }

    @Test
    void theNotesSayWhatTheGuardRefusesWhileS3jarsIsDown() {
        assertThat(notes(Map.of())).contains("ANY pod with a hostPath volume", "(kube-system, s3jars-system, and")
                .doesNotContain("not affected");
        assertThat(notes(Map.of("webhook.matchConditions", "false"))).contains("lets pods through unchecked");
        assertThat(notes(Map.of("webhook.matchConditions", "false", "webhook.guard.failurePolicy", "Fail")))
                .contains("refuses EVERY pod");
    }

    private static String notes(Map<String, Object> values) {
        var install = new Helm(Rendered.CHART).install().withName("s3jars").withNamespace(Rendered.NAMESPACE)
                .withKubeVersion("1.30.0").clientOnly().dryRun();
        values.forEach(install::set);
        String output = install.call().getOutput();
        return output.substring(output.indexOf("NOTES:"));
    }

    @Test
    void theLogManagerFlagAndTheArchiveSurviveOtherJavaOptsAndTheGracePeriodCoversTheStop() {
        for (String javaOpts : List.of("-Xmx256m", "")) {
            Container container = Rendered.chart(Map.of("javaOpts", javaOpts)).one(Deployment.class).getSpec()
                    .getTemplate().getSpec().getContainers().get(0);
            assertThat(env(container).get("JAVA_OPTS_APPEND").getValue())
                    .isEqualTo(("-Djava.util.logging.manager=org.jboss.logmanager.LogManager"
                            + " -XX:SharedArchiveFile=/deployments/s3jars.jsa " + javaOpts).trim());
        }
        assertThatThrownBy(() -> Rendered.chart(Map.of("terminationGracePeriodSeconds", "30")))
                .hasMessageContaining("terminationGracePeriodSeconds (30) must exceed preStopSleepSeconds"
                        + " + shutdownTimeoutSeconds (30)");
        var pod = Rendered.chart(Map.of("preStopSleepSeconds", "5", "shutdownTimeoutSeconds", "40",
                "terminationGracePeriodSeconds", "50")).one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(env(pod.getContainers().get(0)).get("QUARKUS_SHUTDOWN_TIMEOUT").getValue()).isEqualTo("40s");
    }

    @Test
    void withoutValidatingWebhooksOnlyTheMutatingConfigurationMustCarryTheCaBundle() {
        Rendered r = Rendered.chart(Map.of("webhook.guard.enabled", "false", "webhook.policyValidation.enabled", "false"));
        assertThat(r.all(ValidatingWebhookConfiguration.class)).isEmpty();
        Container container = r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(container).get("S3JARS_CERTS_WEBHOOK_CONFIGURATIONS").getValue())
                .isEqualTo("mutatingwebhookconfiguration/s3jars");
    }

    /** JAVA_OPTS_APPEND as the image's Dockerfile sets it. */
    private static String imageJavaOpts() throws java.io.IOException {
        String prefix = "ENV JAVA_OPTS_APPEND=\"";
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("src/main/docker/Dockerfile.jvm")).stream()
                .filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length(), line.length() - 1))
                .collect(onlyElement());
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyElement() {
        return Collectors.collectingAndThen(Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }

    static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    static List<String> expressions(List<LabelSelectorRequirement> requirements) {
        return requirements.stream().map(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues()).toList();
    }

    static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().map(r -> r.getApiGroups().stream().filter(g -> !g.isEmpty()).toList() + " "
                + r.getResources() + " " + r.getVerbs() + " " + r.getResourceNames()).toList();
    }
}
