package io.s3jars.policy;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Grants buckets to namespaces, like a RoleBinding grants a Role.
 *
 * @param namespaces      exact names and globs ({@code *}, {@code ?})
 * @param serviceAccounts empty means any service account of the namespace
 */
public record Binding(String name, List<String> namespaces, Set<String> serviceAccounts, List<String> buckets) {

    public boolean isGlob(String namespacePattern) {
        return namespacePattern.indexOf('*') >= 0 || namespacePattern.indexOf('?') >= 0;
    }

    public boolean allowsServiceAccount(String serviceAccount) {
        return serviceAccounts.isEmpty() || serviceAccounts.contains(serviceAccount);
    }

    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
