package io.s3jars.admission;

/** The body is not an AdmissionReview this endpoint can answer; becomes HTTP 400 with this reason. */
public final class BadReview extends Exception {

    public BadReview(String reason) {
        super(reason, null, false, false);
    }
}
