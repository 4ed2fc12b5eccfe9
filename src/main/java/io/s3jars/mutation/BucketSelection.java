package io.s3jars.mutation;

import io.s3jars.decision.DenyCode;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Names;
import io.s3jars.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Which buckets the pod asks for, and whether its namespace and service account may have them.
 * Bucket names are taken exactly as written (no case folding, no trimming inside a name), so a
 * pod cannot reach a bucket by spelling it oddly.
 */
final class BucketSelection {

    private BucketSelection() {
    }

    static Checked<List<Bucket>> select(SparkPod pod, String namespace, PolicySnapshot policy) {
        String account = pod.serviceAccount();
        SortedSet<String> allowed = policy.allowedBuckets(namespace, account);
        Checked<List<String>> requested = requested(pod, namespace, account, allowed, policy);
        if (requested.isDenied()) {
            return requested.asDenied();
        }
        List<String> names = requested.value();
        List<String> forbidden = names.stream().filter(n -> !allowed.contains(n)).toList();
        if (!forbidden.isEmpty()) {
            return Checked.denied(DenyCode.FORBIDDEN, "namespace " + namespace + " (service account " + account
                    + ") may not use bucket" + (forbidden.size() > 1 ? "s " : " ") + String.join(", ", forbidden)
                    + "; it may use: " + describe(allowed, policy, namespace) + ". Ask the platform team to add a binding to the s3jars"
                    + " policy, or remove the bucket from the pod.", names);
        }
        return Checked.ok(names.stream().map(n -> policy.bucket(n).orElseThrow()).toList());
    }

    private static Checked<List<String>> requested(SparkPod pod, String namespace, String account,
            SortedSet<String> allowed, PolicySnapshot policy) {
        Optional<String> label = pod.label(PodContract.BUCKET);
        Optional<String> annotation = pod.annotation(PodContract.BUCKETS);
        if (label.isPresent() && annotation.isPresent()) {
            return Checked.denied(DenyCode.INVALID, "set either label " + PodContract.BUCKET + " or annotation "
                    + PodContract.BUCKETS + ", not both", List.of());
        }
        List<String> names;
        String source;
        if (label.isPresent()) {
            names = List.of(label.get());
            source = "label " + PodContract.BUCKET;
        } else if (annotation.isPresent()) {
            source = "annotation " + PodContract.BUCKETS;
            Checked<List<String>> split = split(annotation.get(), source);
            if (split.isDenied()) {
                return split;
            }
            names = split.value();
        } else if (allowed.size() == 1) {
            return Checked.ok(List.of(allowed.first()));
        } else {
            return Checked.denied(allowed.isEmpty() ? DenyCode.FORBIDDEN : DenyCode.INVALID,
                    "the pod names no bucket and namespace " + namespace + " (service account " + account + ") "
                            + (allowed.isEmpty() ? "may use " + describe(allowed, policy, namespace)
                                    : "may use several: " + describe(allowed, policy, namespace))
                            + "; set label " + PodContract.BUCKET + " or annotation " + PodContract.BUCKETS,
                    List.of());
        }
        for (String name : names) {
            Optional<String> problem = Names.bucketProblem(name);
            if (problem.isPresent()) {
                return Checked.denied(DenyCode.INVALID, "bucket '" + shorten(name) + "' in " + source + " "
                        + problem.get(), List.of());
            }
        }
        return Checked.ok(names);
    }

    /** Comma separated; spaces around commas are allowed, empty items are a mistake worth reporting. */
    private static Checked<List<String>> split(String value, String source) {
        String[] items = value.split(",", -1);
        if (items.length > PodContract.MAX_BUCKETS) {
            return Checked.denied(DenyCode.INVALID, source + " lists " + items.length + " buckets; at most "
                    + PodContract.MAX_BUCKETS + " are allowed per pod", List.of());
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String item : items) {
            String name = item.strip();
            if (name.isEmpty()) {
                return Checked.denied(DenyCode.INVALID, source + " has an empty item in '" + shorten(value)
                        + "'; write bucket names separated by commas", List.of());
            }
            names.add(name);
        }
        return Checked.ok(new ArrayList<>(names));
    }

    /** What the pod's service account may use, and when nothing, whether bindings exist for other accounts. */
    private static String describe(SortedSet<String> allowed, PolicySnapshot policy, String namespace) {
        if (!allowed.isEmpty()) {
            return String.join(", ", allowed);
        }
        SortedSet<String> accounts = policy.serviceAccountsBoundIn(namespace);
        return accounts.isEmpty() ? "none (no binding in the s3jars policy names namespace " + namespace + ")"
                : "none (the bindings for namespace " + namespace + " grant buckets only to service account"
                        + (accounts.size() > 1 ? "s " : " ") + String.join(", ", accounts) + ")";
    }

    /** Keeps denial messages readable when a pod sends a 1,000-character "bucket". */
    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
