package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A failed call in one line: the innermost cause, and whether the API server answered (RBAC) or was never reached. */
class ApiServerProblemsTest {

    @Test
    void anUnreachableServerIsItsInnermostCauseInOneLine() {
        ApiServerProblems.record(new KubernetesClientException("Operation: [list] failed",
                new CompletionException(new UnknownHostException("kubernetes.default.svc\nsecond line"))));
        ApiServerProblems.Problem problem = ApiServerProblems.latest().orElseThrow();
        assertThat(problem.cause()).isEqualTo("UnknownHostException: kubernetes.default.svc");
        assertThat(problem.answered()).isFalse();
    }

    @Test
    void aRefusalKeepsItsStatus() {
        ApiServerProblems.record(new KubernetesClientException("persistentvolumeclaims is forbidden", 403, null));
        ApiServerProblems.Problem problem = ApiServerProblems.latest().orElseThrow();
        assertThat(problem.status()).isEqualTo(403);
        assertThat(problem.answered()).isTrue();
        assertThat(problem.cause()).isEqualTo("KubernetesClientException: persistentvolumeclaims is forbidden");
    }
}
