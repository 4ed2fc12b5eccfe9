package io.s3jars.tls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The names a webhook's serving certificate must carry: the API server calls {@code <service>.<namespace>.svc}. */
public final class WebhookCertificates {

    private WebhookCertificates() {
    }

    public static List<String> dnsNames(String service, String namespace, List<String> extra) {
        List<String> names = new ArrayList<>(List.of(service + "." + namespace + ".svc", service,
                service + "." + namespace, service + "." + namespace + ".svc.cluster.local"));
        extra.stream().filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    public static ServingCertificate issue(CertificateAuthority ca, String service, String namespace,
            List<String> extraDns, List<String> ips, Duration lifetime) {
        return ca.issue(dnsNames(service, namespace, extraDns), ips, lifetime);
    }
}
