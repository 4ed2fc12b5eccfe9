package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3jars.mutation.PodLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Past a limit, the reader tokenizes a pod's list without building it, and still refuses bad JSON there. */
class ReviewReaderLimitsTest {

    private static final ReviewReader READER = ReviewReader.forMutate(PodLimits.DEFAULT);

    @Test
    void aListPastItsLimitKeepsOneElementMoreThanTheLimit() throws Exception {
        AdmissionRequest request = parse(review(100_000, "{\"name\":\"c\"}"));
        assertThat(request.object().at("/spec/containers").size()).isEqualTo(PodLimits.DEFAULT.maxContainers() + 1);
    }

    @Test
    void malformedJsonPastTheLimitIsStillRefused() {
        String body = review(1_000, "{\"name\":\"c\"}").replace("{\"name\":\"c\"}]", "{\"name\":}]");
        assertThatThrownBy(() -> parse(body)).isInstanceOf(BadReview.class).hasMessageContaining("not valid JSON");
    }

    private static AdmissionRequest parse(String body) throws BadReview {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return AdmissionRequest.parse(bytes, 0, bytes.length, READER, "pods");
    }

    private static String review(int containers, String container) {
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"operation\":\"CREATE\",\"namespace\":\"ns\",\"resource\":{\"group\":\"\",\"version\":\"v1\","
                + "\"resource\":\"pods\"},\"object\":{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":["
                + String.join(",", java.util.Collections.nCopies(containers, container)) + "]}}}}";
    }
}
