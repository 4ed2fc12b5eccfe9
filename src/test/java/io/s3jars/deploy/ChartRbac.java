package io.s3jars.deploy;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The chart's RBAC asked, as the API server would ask it, whether it grants a call that a test
 * recorded on the mock API server, which itself enforces no RBAC. Only roles bound to the
 * webhook's service account count: a RoleBinding's in the release namespace, a
 * ClusterRoleBinding's everywhere.
 */
public final class ChartRbac {

    private final List<PolicyRule> clusterRules;
    private final List<PolicyRule> namespaceRules;

    private ChartRbac(List<PolicyRule> clusterRules, List<PolicyRule> namespaceRules) {
        this.clusterRules = clusterRules;
        this.namespaceRules = namespaceRules;
    }

    /**
     * The ClusterRoles and Roles that {@code helm template} renders with these values and binds to
     * the webhook's service account ({@code s3jars}); the node agent's, bound to its own, do not count.
     */
    public static ChartRbac rendered(Map<String, Object> values) {
        Rendered chart = Rendered.chart(values);
        Set<String> clusterRoles = chart.all(ClusterRoleBinding.class).stream().filter(b -> bindsWebhook(b.getSubjects()))
                .map(b -> b.getRoleRef().getName()).collect(Collectors.toSet());
        Set<String> roles = chart.all(RoleBinding.class).stream().filter(b -> bindsWebhook(b.getSubjects()))
                .map(b -> b.getRoleRef().getKind() + "/" + b.getRoleRef().getName()).collect(Collectors.toSet());
        List<PolicyRule> cluster = new ArrayList<>();
        chart.all(ClusterRole.class).stream().filter(r -> clusterRoles.contains(r.getMetadata().getName()))
                .forEach(role -> cluster.addAll(role.getRules()));
        List<PolicyRule> namespaced = new ArrayList<>();
        chart.all(Role.class).stream().filter(r -> roles.contains("Role/" + r.getMetadata().getName()))
                .forEach(role -> namespaced.addAll(role.getRules()));
        chart.all(ClusterRole.class).stream().filter(r -> roles.contains("ClusterRole/" + r.getMetadata().getName()))
                .forEach(role -> namespaced.addAll(role.getRules()));
        return new ChartRbac(cluster, namespaced);
    }

    private static boolean bindsWebhook(List<Subject> subjects) {
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind()) && "s3jars".equals(s.getName())
                && Rendered.NAMESPACE.equals(s.getNamespace()));
    }

    /** Why the call would get a 403, or empty when a rule grants it. */
    public Optional<String> refusal(String method, String pathAndQuery) {
        Call call = Call.of(method, pathAndQuery);
        boolean granted = clusterRules.stream().anyMatch(call::matches)
                || Rendered.NAMESPACE.equals(call.namespace()) && namespaceRules.stream().anyMatch(call::matches);
        return granted ? Optional.empty() : Optional.of(call + " is granted by no rule of the chart");
    }

    /** One request as RBAC sees it: verb, API group, resource, namespace and object name. */
    record Call(String verb, String group, String resource, String namespace, String name) {

        static Call of(String method, String pathAndQuery) {
            int question = pathAndQuery.indexOf('?');
            String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
            String query = question < 0 ? "" : pathAndQuery.substring(question + 1);
            List<String> segments = new ArrayList<>(List.of(path.replaceFirst("^/", "").split("/")));
            String group;
            if (segments.get(0).equals("api")) {
                group = "";
                segments = segments.subList(2, segments.size());
            } else {
                group = segments.get(1);
                segments = segments.subList(3, segments.size());
            }
            String namespace = null;
            if (segments.size() >= 3 && segments.get(0).equals("namespaces")) {
                namespace = segments.get(1);
                segments = segments.subList(2, segments.size());
            }
            String resource = segments.get(0) + (segments.size() > 2 ? "/" + segments.get(2) : "");
            boolean one = segments.size() > 1;
            // A list or watch of one name counts as that name; a deletecollection never does.
            String name = one ? segments.get(1) : "GET".equals(method) ? fieldSelectedName(query) : null;
            String verb = switch (method) {
                case "GET" -> one ? "get" : query.matches("(^|.*&)watch=(true|1)(&.*|$)") ? "watch" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> one ? "delete" : "deletecollection";
                default -> throw new IllegalArgumentException("no RBAC verb for " + method);
            };
            return new Call(verb, group, resource, namespace, name);
        }

        boolean matches(PolicyRule rule) {
            return (rule.getApiGroups().contains(group) || rule.getApiGroups().contains("*"))
                    && (rule.getResources().contains(resource) || rule.getResources().contains("*"))
                    && (rule.getVerbs().contains(verb) || rule.getVerbs().contains("*"))
                    && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                            || name != null && rule.getResourceNames().contains(name));
        }

        /** A list or watch of one object, as informers of one name make it. */
        private static String fieldSelectedName(String query) {
            for (String parameter : query.split("&")) {
                String decoded = URLDecoder.decode(parameter, StandardCharsets.UTF_8);
                if (decoded.startsWith("fieldSelector=metadata.name=")) {
                    return decoded.substring("fieldSelector=metadata.name=".length());
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                    + (namespace == null ? "" : " in " + namespace) + (name == null ? "" : " named " + name);
        }
    }
}
