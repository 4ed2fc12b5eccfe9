package io.s3jars.policy;

import java.util.List;
import java.util.Set;

/**
 * Grants buckets to namespaces, like a RoleBinding grants a Role.
 *
 * @param namespaces      exact names and globs ({@code *}, {@code ?})
 * @param serviceAccounts empty means any service account of the namespace
 */
public record Binding(String name, List<String> namespaces, Set<String> serviceAccounts, List<String> buckets) {

    /** Immutable and sized to fit: a policy may hold tens of thousands of bindings. */
    public Binding {
        namespaces = List.copyOf(namespaces);
        serviceAccounts = Set.copyOf(serviceAccounts);
        buckets = List.copyOf(buckets);
    }

    public boolean allowsServiceAccount(String serviceAccount) {
        return serviceAccounts.isEmpty() || serviceAccounts.contains(serviceAccount);
    }
}
