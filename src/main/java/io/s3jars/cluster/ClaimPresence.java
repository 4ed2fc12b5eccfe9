package io.s3jars.cluster;

/** Whether a PersistentVolumeClaim exists, as far as a view knows. */
public enum ClaimPresence {
    PRESENT,
    ABSENT,
    /** The view does not watch claims (offline, a nodes file) or has not listed them yet. */
    UNKNOWN
}
