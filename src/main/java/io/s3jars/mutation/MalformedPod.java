package io.s3jars.mutation;

/**
 * The pod JSON has a shape no valid Pod has (a label that is a number, volumes that are not a
 * list). Mutating webhooks run before schema validation, so this reaches us; it becomes a denial.
 */
public final class MalformedPod extends RuntimeException {

    public MalformedPod(String message) {
        super(message, null, false, false);
    }
}
