package io.s3jars.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping of the policy, read field by field. Every problem is recorded with its full
 * field path and reading goes on, so the author sees all mistakes at once.
 */
final class PolicyFields {

    /** Characters of a value a message shows. */
    private static final int SHOWN = 60;

    private final String path;
    private final JsonNode node;
    private final List<String> errors;

    private PolicyFields(String path, JsonNode node, List<String> errors) {
        this.path = path;
        this.node = node;
        this.errors = errors;
    }

    /** Reads {@code node} as a mapping with only {@code known} keys; other keys are reported. */
    static Optional<PolicyFields> of(String path, JsonNode node, List<String> errors, Set<String> known) {
        if (!node.isObject()) {
            errors.add(label(path) + " must be a mapping");
            return Optional.empty();
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(child(path, name) + " is not a known field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return Optional.of(new PolicyFields(path, node, errors));
    }

    String path(String field) {
        return child(path, field);
    }

    void error(String field, String problem) {
        errors.add(path(field) + " " + problem);
    }

    boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    Optional<PolicyFields> object(String field, Set<String> known) {
        return has(field) ? of(path(field), node.get(field), errors, known) : Optional.empty();
    }

    Optional<String> string(String field, Function<String, Optional<String>> check) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            error(field, "must be a string");
            return Optional.empty();
        }
        Optional<String> problem = check.apply(value.asText());
        problem.ifPresent(p -> error(field, quoted(value.asText()) + " " + p));
        return problem.isPresent() ? Optional.empty() : Optional.of(value.asText());
    }

    Optional<String> requiredString(String field, Function<String, Optional<String>> check) {
        if (!has(field)) {
            error(field, "is required");
        }
        return string(field, check);
    }

    Optional<Boolean> bool(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        if (!node.get(field).isBoolean()) {
            error(field, "must be true or false");
            return Optional.empty();
        }
        return Optional.of(node.get(field).asBoolean());
    }

    Optional<Long> integer(String field, long min, long max) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            error(field, "must be an integer from " + min + " to " + max);
            return Optional.empty();
        }
        return Optional.of(value.asLong());
    }

    /** A sequence of strings; each item is checked and reported with its index. */
    Optional<List<String>> strings(String field, boolean required, Function<String, Optional<String>> check) {
        if (!has(field)) {
            if (required) {
                error(field, "is required");
            }
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            error(field, "must be a list of strings");
            return Optional.empty();
        }
        if (required && value.isEmpty()) {
            error(field, "must list at least one entry");
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String itemPath = path(field) + "[" + i + "]";
            JsonNode item = value.get(i);
            if (!item.isTextual()) {
                errors.add(itemPath + " must be a string");
                continue;
            }
            Optional<String> problem = check.apply(item.asText());
            if (problem.isPresent()) {
                errors.add(itemPath + " " + quoted(item.asText()) + " " + problem.get());
            } else {
                items.add(item.asText());
            }
        }
        return Optional.of(items);
    }

    /** A mapping of strings to strings; numbers are taken as their text (YAML users write {@code cpu: 1}). */
    Optional<Map<String, String>> stringMap(String field, Function<String, Optional<String>> keyCheck,
            Function<String, Optional<String>> valueCheck) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        if (!value.isObject()) {
            error(field, "must be a mapping");
            return Optional.empty();
        }
        Map<String, String> map = new LinkedHashMap<>();
        value.fields().forEachRemaining(entry -> {
            String entryPath = child(path(field), entry.getKey());
            JsonNode item = entry.getValue();
            if (!item.isTextual() && !item.isNumber()) {
                errors.add(entryPath + " must be a string");
                return;
            }
            keyCheck.apply(entry.getKey()).ifPresent(p -> errors.add(entryPath + " key " + p));
            valueCheck.apply(item.asText()).ifPresent(p -> errors.add(entryPath + " " + quoted(item.asText()) + " " + p));
            map.put(entry.getKey(), item.asText());
        });
        return Optional.of(map);
    }

    /** A sequence of mappings, each read by {@code reader} with its indexed path. */
    <T> List<T> list(String field, Function<PolicyFieldsItem, Optional<T>> reader) {
        List<T> items = new ArrayList<>();
        if (!has(field)) {
            return items;
        }
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            error(field, "must be a list");
            return items;
        }
        for (int i = 0; i < value.size(); i++) {
            reader.apply(new PolicyFieldsItem(path(field) + "[" + i + "]", value.get(i), errors)).ifPresent(items::add);
        }
        return items;
    }

    /** An item of a list before it is known to be a mapping. */
    record PolicyFieldsItem(String path, JsonNode node, List<String> errors) {
        Optional<PolicyFields> fields(Set<String> known) {
            return PolicyFields.of(path, node, errors, known);
        }
    }

    private static String child(String parent, String field) {
        String name = field.matches("[A-Za-z0-9_-]+") ? field : "\"" + printable(field) + "\"";
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** A value as a message shows it: quoted, on one line, and cut when long. */
    static String quoted(String value) {
        return "'" + printable(value) + "'";
    }

    /**
     * Control characters written as escapes, so every message stays on one line whatever the
     * document holds; values over {@value #SHOWN} characters are cut, as the problem says what is wrong.
     */
    private static String printable(String value) {
        StringBuilder text = new StringBuilder();
        value.codePoints().limit(SHOWN).forEach(c -> text.append(switch (c) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            default -> Character.isISOControl(c) ? "\\u%04x".formatted(c) : Character.toString(c);
        }));
        return value.codePointCount(0, value.length()) > SHOWN ? text + "..." : text.toString();
    }

    private static String label(String path) {
        return path.isEmpty() ? "the policy" : path;
    }
}
