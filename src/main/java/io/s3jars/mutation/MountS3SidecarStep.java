package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Sidecar;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts each bucket from inside the pod: a mount-s3 sidecar mounts it on an emptyDir, which
 * {@link SparkContainerMountStep} then mounts read-only in the Spark containers.
 *
 * <p>As a native sidecar (an init container with {@code restartPolicy: Always}) its startup
 * probe holds back the Spark containers until the mount is live, and it does not keep a finished
 * pod running. The mount reaches the other containers through mount propagation, which needs a
 * privileged sidecar ({@code Bidirectional}); FUSE needs {@code /dev/fuse} and CAP_SYS_ADMIN,
 * which privileged also gives. The command line is built from the policy only.
 */
public final class MountS3SidecarStep implements MutationStep {

    static final String MOUNT_DIR = "/s3jars/mnt";
    static final String CACHE_DIR = "/s3jars/cache";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Override
    public void apply(InjectionPlan plan, PodEditor pod) {
        for (BucketMount mount : plan.mounts()) {
            PodElements.ensureVolume(pod, emptyDir(mount.volumeName()));
            PodElements.ensureVolume(pod, cacheVolume(mount));
            boolean nativeSidecar = mount.bucket().sidecar().nativeSidecar();
            PodElements.ensureContainer(pod, nativeSidecar ? "initContainers" : "containers", sidecar(mount));
        }
    }

    static ObjectNode sidecar(BucketMount mount) {
        Bucket bucket = mount.bucket();
        Sidecar settings = bucket.sidecar();
        ObjectNode container = JSON.objectNode()
                .put("name", mount.sidecarName())
                .put("image", settings.image().orElseThrow())
                .put("imagePullPolicy", settings.imagePullPolicy());
        if (settings.nativeSidecar()) {
            container.put("restartPolicy", "Always");
        }
        PodElements.texts(container.putArray("command"), List.of("mount-s3"));
        PodElements.texts(container.putArray("args"), arguments(bucket));
        // runAsNonRoot false, said outright: a pod-level runAsNonRoot: true would otherwise stop this
        // root container with CreateContainerConfigError.
        container.putObject("securityContext").put("privileged", true).put("runAsUser", 0).put("runAsNonRoot", false);
        ObjectNode probe = container.putObject("startupProbe");
        PodElements.texts(probe.putObject("exec").putArray("command"), List.of("mountpoint", "-q", MOUNT_DIR));
        probe.put("periodSeconds", 1).put("failureThreshold", 120);
        ObjectNode resources = container.putObject("resources");
        settings.requests().forEach(resources.putObject("requests")::put);
        settings.limits().forEach(resources.putObject("limits")::put);
        ArrayNode mounts = container.putArray("volumeMounts");
        mounts.addObject().put("name", mount.volumeName()).put("mountPath", MOUNT_DIR)
                .put("mountPropagation", "Bidirectional");
        mounts.addObject().put("name", mount.cacheVolumeName()).put("mountPath", CACHE_DIR);
        return container;
    }

    /** Read-only jars: no writes, metadata cached for the life of the pod, data cached on local disk. */
    static List<String> arguments(Bucket bucket) {
        List<String> args = new ArrayList<>(List.of(bucket.name(), MOUNT_DIR, "--foreground",
                "--read-only", "--allow-other", "--metadata-ttl", "indefinite", "--cache", CACHE_DIR,
                "--max-cache-size", String.valueOf(bucket.sidecar().cacheSizeMiB()),
                "--uid", String.valueOf(bucket.sidecar().uid()), "--gid", String.valueOf(bucket.sidecar().gid())));
        bucket.region().ifPresent(r -> args.addAll(List.of("--region", r)));
        bucket.prefix().ifPresent(p -> args.addAll(List.of("--prefix", p)));
        return args;
    }

    private static ObjectNode emptyDir(String name) {
        ObjectNode volume = JSON.objectNode().put("name", name);
        volume.putObject("emptyDir");
        return volume;
    }

    /**
     * The cache emptyDir, limited so a busy cache cannot fill the node's disk. mount-s3 may pass
     * {@code --max-cache-size} briefly before it evicts, so the limit leaves 10% more; the kubelet
     * evicts the pod above it.
     */
    static ObjectNode cacheVolume(BucketMount mount) {
        long cacheMiB = mount.bucket().sidecar().cacheSizeMiB();
        ObjectNode volume = JSON.objectNode().put("name", mount.cacheVolumeName());
        volume.putObject("emptyDir").put("sizeLimit", mebibytes(cacheMiB + (cacheMiB + 9) / 10));
        return volume;
    }

    /**
     * A quantity in the API server's canonical form (2048Mi is stored as 2Gi): the volume is
     * compared field by field on reinvocation, and another spelling would look like a clash.
     */
    static String mebibytes(long mib) {
        String[] suffixes = {"Mi", "Gi", "Ti", "Pi", "Ei"};
        int suffix = 0;
        while (mib % 1024 == 0 && suffix < suffixes.length - 1) {
            mib /= 1024;
            suffix++;
        }
        return mib + suffixes[suffix];
    }
}
