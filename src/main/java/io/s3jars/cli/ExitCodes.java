package io.s3jars.cli;

/** The exit statuses every command shares, so scripts can tell a refusal from a mistake. */
final class ExitCodes {

    static final int OK = 0;
    /** The arguments or an input file are wrong; nothing was done. */
    static final int BAD_INPUT = 2;
    /** {@code inject}: the webhook would refuse this pod. */
    static final int DENIED = 3;

    private ExitCodes() {
    }
}
