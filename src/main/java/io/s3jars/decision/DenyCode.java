package io.s3jars.decision;

/** Why a request is refused, as the HTTP status the API server shows its author. */
public enum DenyCode {
    /** The namespace or service account may not have what the pod asks for. */
    FORBIDDEN(403),
    /** The pod or the policy cannot be served as written; its author can fix it. */
    INVALID(422),
    /** s3jars cannot decide right now (no policy loaded); retrying later may succeed. */
    UNAVAILABLE(503);

    private final int status;

    DenyCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
