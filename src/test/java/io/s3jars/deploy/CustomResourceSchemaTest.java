package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's objects of other projects' APIs, cert-manager's Certificate and Issuer and the
 * Prometheus Operator's ServiceMonitor, read strictly into fabric8's models of those APIs, which
 * are generated from the projects' CRD schemas: a field the CRD does not define (the models keep
 * such fields aside, which this test refuses) or a value of the wrong type fails, as the API
 * server would refuse it. What a CRD's schema says beyond names and types (enums, patterns) is not
 * checked here.
 */
class CustomResourceSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Map<String, Class<?>> MODELS = Map.of("Certificate", Certificate.class, "Issuer", Issuer.class,
            "ServiceMonitor", ServiceMonitor.class);

    @Test
    void everyCustomResourceOfTheChartHasOnlyFieldsItsCrdDefines() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Rendered chart : List.of(
                Rendered.chart(Map.of("certs.mode", "cert-manager", "metrics.serviceMonitor.enabled", "true",
                        "metrics.serviceMonitor.labels.release", "kube-prometheus-stack")),
                Rendered.chart(Map.of("certs.mode", "cert-manager", "certs.certManager.issuerRef.name", "corporate-ca",
                        "certs.certManager.issuerRef.kind", "ClusterIssuer")))) {
            for (String document : chart.yaml().split("(?m)^---\\s*$")) {
                String kind = kind(document);
                if (MODELS.containsKey(kind)) {
                    assertThat(unknownFields(document)).as(kind + "\n" + document).isEmpty();
                    checked.add(kind);
                }
            }
        }
        assertThat(checked).contains("Certificate", "Issuer", "ServiceMonitor").hasSizeGreaterThanOrEqualTo(5);
    }

    /** The check fails where the API server would: a misspelt field, a value of the wrong type. */
    @Test
    void aMisspeltOrMistypedFieldFails() throws Exception {
        String certificate = Arrays.stream(Rendered.chart(Map.of("certs.mode", "cert-manager")).yaml()
                .split("(?m)^---\\s*$")).filter(d -> "Certificate".equals(kind(d)) && d.contains("dnsNames"))
                .findFirst().orElseThrow();
        assertThat(unknownFields(certificate)).isEmpty();
        assertThat(unknownFields(certificate.replace("dnsNames:", "dnsNmes:"))).containsExactly("spec.dnsNmes");
        assertThatThrownBy(() -> unknownFields(certificate.replace("privateKey:", "privateKey: [x]\n  unused:")))
                .hasMessageContaining("privateKey");
        String monitor = Arrays.stream(Rendered.chart(Map.of("metrics.serviceMonitor.enabled", "true")).yaml()
                .split("(?m)^---\\s*$")).filter(d -> "ServiceMonitor".equals(kind(d))).findFirst().orElseThrow();
        assertThat(unknownFields(monitor.replace("endpoints:", "endpoint:"))).containsExactly("spec.endpoint");
    }

    private static String kind(String document) {
        return document.lines().filter(l -> l.startsWith("kind: ")).map(l -> l.substring(6).strip()).findFirst()
                .orElse("");
    }

    /** Read into the kind's model; the paths of every field the model has no place for. */
    private static List<String> unknownFields(String document) throws Exception {
        Object model = YAML.readValue(document, MODELS.get(kind(document)));
        List<String> unknown = new ArrayList<>();
        walk(model, "", unknown);
        return unknown;
    }

    private static void walk(Object value, String path, List<String> unknown) throws Exception {
        if (value instanceof List<?> list) {
            for (Object element : list) {
                walk(element, path, unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Object element : map.values()) {
                walk(element, path, unknown);
            }
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field = getter.invoke(value);
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) field).keySet().forEach(key -> unknown.add(path + key));
            } else {
                String name = getter.getName().substring(3);
                walk(field, path + Character.toLowerCase(name.charAt(0)) + name.substring(1) + ".", unknown);
            }
        }
    }
}
