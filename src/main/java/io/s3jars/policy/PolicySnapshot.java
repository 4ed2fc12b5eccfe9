package io.s3jars.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable, validated policy. Built only by {@link PolicyParser}; swapped whole on reload so
 * a request always sees one consistent policy.
 *
 * <p>Bindings are indexed by exact namespace; glob bindings are matched once per namespace and
 * remembered, so the admission path does no scan over bindings after a namespace's first pod.
 */
public final class PolicySnapshot {

    private static final int MAX_REMEMBERED_NAMESPACES = 100_000;

    private final Defaults defaults;
    private final Map<String, Bucket> buckets;
    private final List<Binding> bindings;
    private final List<AllowedHostPath> allowedHostPaths;
    private final Map<String, List<Binding>> bindingsByNamespace = new HashMap<>();
    private final List<Map.Entry<NamespaceGlob, Binding>> globBindings = new ArrayList<>();
    private final Map<String, List<Binding>> resolvedNamespaces = new ConcurrentHashMap<>();

    PolicySnapshot(Defaults defaults, Map<String, Bucket> buckets, List<Binding> bindings) {
        this(defaults, buckets, bindings, List.of());
    }

    PolicySnapshot(Defaults defaults, Map<String, Bucket> buckets, List<Binding> bindings,
            List<AllowedHostPath> allowedHostPaths) {
        this.defaults = defaults;
        this.buckets = Collections.unmodifiableMap(buckets);
        this.bindings = List.copyOf(bindings);
        this.allowedHostPaths = List.copyOf(allowedHostPaths);
        for (Binding binding : bindings) {
            for (String namespace : binding.namespaces()) {
                if (NamespaceGlob.isGlob(namespace)) {
                    globBindings.add(Map.entry(new NamespaceGlob(namespace), binding));
                } else {
                    bindingsByNamespace.computeIfAbsent(namespace, k -> new ArrayList<>()).add(binding);
                }
            }
        }
    }

    public Defaults defaults() {
        return defaults;
    }

    public Map<String, Bucket> buckets() {
        return buckets;
    }

    public List<Binding> bindings() {
        return bindings;
    }

    /** {@code guard.allowedHostPaths}: host paths every pod of an s3jars namespace may mount. */
    public List<AllowedHostPath> allowedHostPaths() {
        return allowedHostPaths;
    }

    public Optional<Bucket> bucket(String name) {
        return Optional.ofNullable(buckets.get(name));
    }

    /** Every node mount path in the policy, for the hostPath guard. */
    public SortedSet<String> nodeMountPaths() {
        TreeSet<String> paths = new TreeSet<>();
        buckets.values().forEach(b -> paths.add(b.nodeMountPath()));
        return paths;
    }

    /** Buckets a pod running as {@code serviceAccount} in {@code namespace} may mount. */
    public SortedSet<String> allowedBuckets(String namespace, String serviceAccount) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Binding binding : bindingsFor(namespace)) {
            if (binding.allowsServiceAccount(serviceAccount)) {
                allowed.addAll(binding.buckets());
            }
        }
        return allowed;
    }

    /**
     * Buckets granted to every service account of {@code namespace}: bindings without
     * {@code serviceAccounts}. Only these may get a claim s3jars keeps in the namespace, since every
     * pod of a namespace can mount its claims.
     */
    public SortedSet<String> bucketsForEveryServiceAccount(String namespace) {
        TreeSet<String> granted = new TreeSet<>();
        for (Binding binding : bindingsFor(namespace)) {
            if (binding.serviceAccounts().isEmpty()) {
                granted.addAll(binding.buckets());
            }
        }
        return granted;
    }

    /**
     * The service accounts the bindings of {@code namespace} are restricted to, for a denial that
     * tells a pod of another service account why it got nothing; empty when no binding names the
     * namespace.
     */
    public SortedSet<String> serviceAccountsBoundIn(String namespace) {
        TreeSet<String> accounts = new TreeSet<>();
        bindingsFor(namespace).forEach(b -> accounts.addAll(b.serviceAccounts()));
        return accounts;
    }

    /** The namespaces whose bindings are remembered; for tests of what the cache keeps. */
    Set<String> rememberedNamespaces() {
        return Set.copyOf(resolvedNamespaces.keySet());
    }

    private List<Binding> bindingsFor(String namespace) {
        List<Binding> remembered = resolvedNamespaces.get(namespace);
        if (remembered != null) {
            return remembered;
        }
        List<Binding> matching = new ArrayList<>(bindingsByNamespace.getOrDefault(namespace, List.of()));
        for (Map.Entry<NamespaceGlob, Binding> glob : globBindings) {
            if (glob.getKey().matches(namespace) && !matching.contains(glob.getValue())) {
                matching.add(glob.getValue());
            }
        }
        List<Binding> resolved = List.copyOf(matching);
        // The name comes from the review; only a name a namespace can have is kept, so the
        // cache holds at most MAX_REMEMBERED_NAMESPACES keys of at most 63 characters.
        if (resolvedNamespaces.size() < MAX_REMEMBERED_NAMESPACES && Names.isDnsLabel(namespace)) {
            resolvedNamespaces.put(namespace, resolved);
        }
        return resolved;
    }
}
