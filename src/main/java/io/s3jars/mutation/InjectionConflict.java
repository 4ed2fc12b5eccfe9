package io.s3jars.mutation;

/**
 * The pod already holds something where s3jars must put its own element (a volume of the same
 * name with other content, another volume at the mount path). Thrown by a step, turned into a
 * denial by the engine: silently overwriting would break the pod or widen its access.
 */
public final class InjectionConflict extends RuntimeException {

    public InjectionConflict(String message) {
        super(message, null, false, false);
    }
}
