package io.s3jars.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each bucket's mount-ready labels must be its own. The node agent sets a bucket's labels while
 * its mount is live and removes them while it is not: a key two buckets share would say one bucket
 * is mounted when only the other is, and a key of Kubernetes' own ({@code kubernetes.io/hostname},
 * {@code node-role.kubernetes.io/...}) would be taken off nodes whenever a mount is down.
 */
final class MountReadyLabels {

    private MountReadyLabels() {
    }

    static List<String> problems(Collection<Bucket> buckets) {
        List<String> problems = new ArrayList<>();
        Map<String, String> owner = new HashMap<>();
        for (Bucket bucket : buckets) {
            for (String key : bucket.mountReadyLabels().keySet()) {
                if (reserved(key)) {
                    problems.add("buckets '" + bucket.name() + "' mountReadyLabels key '" + key + "' is Kubernetes' own"
                            + " (kubernetes.io, k8s.io): the node agent removes a bucket's labels while its mount is"
                            + " down; use a key of your own, such as mountpoint.s3jars.io/" + bucket.name());
                }
                String other = owner.putIfAbsent(key, bucket.name());
                if (other != null) {
                    problems.add("buckets '" + bucket.name() + "' mountReadyLabels key '" + key + "' is also bucket '"
                            + other + "''s: a node would say one bucket is mounted when only the other is; give each"
                            + " bucket keys of its own");
                }
            }
        }
        return problems;
    }

    private static boolean reserved(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String prefix = key.substring(0, slash);
        return prefix.equals("kubernetes.io") || prefix.equals("k8s.io") || prefix.endsWith(".kubernetes.io")
                || prefix.endsWith(".k8s.io");
    }
}
