package io.s3jars.admission;

import io.s3jars.decision.Bounded;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.SparkPod;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * One line per denial or bad request, naming namespace, pod and buckets; patches and skips at
 * debug. Never the pod body: it can hold secrets in env values. Every value that came from a
 * request is escaped and bounded, so no pod can forge a log line or flood the log. Every answer
 * is also counted.
 */
@ApplicationScoped
public class AdmissionLog {

    private static final Logger LOG = Logger.getLogger("io.s3jars.admission");

    private final AdmissionMetrics metrics;

    public AdmissionLog(AdmissionMetrics metrics) {
        this.metrics = metrics;
    }

    public void decided(String endpoint, AdmissionRequest request, Decision decision, long nanos) {
        metrics.record(endpoint, decision, nanos);
        if (decision instanceof Decision.Deny deny) {
            LOG.warnf("%s denied %s %s/%s buckets=%s dryRun=%s: %s", endpoint, request.resource(),
                    Bounded.text(request.namespace()), objectName(request), Bounded.text(deny.buckets().toString()),
                    request.dryRun(), Bounded.message(deny.reason()));
        } else if (LOG.isDebugEnabled()) {
            LOG.debugf("%s %s %s %s/%s buckets=%s in %d us", endpoint, decision.getClass().getSimpleName(),
                    request.resource(), Bounded.text(request.namespace()), objectName(request),
                    Bounded.text(decision.buckets().toString()), nanos / 1000);
        }
    }

    public void failed(String endpoint, AdmissionRequest request, RuntimeException bug) {
        metrics.error(endpoint);
        LOG.errorf(bug, "%s failed on %s %s/%s (uid %s)", endpoint, request.resource(), Bounded.text(request.namespace()),
                objectName(request), Bounded.text(request.uid()));
    }

    public void badRequest(String endpoint, String reason) {
        metrics.error(endpoint);
        LOG.warnf("bad request to %s: %s", endpoint, Bounded.message(reason));
    }

    private static String objectName(AdmissionRequest request) {
        return Bounded.text(request.object() == null ? request.name() : new SparkPod(request.object()).displayName());
    }
}
