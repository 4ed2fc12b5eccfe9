package io.s3jars.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.mutation.PodContract;
import io.s3jars.mutation.PodLimits;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an AdmissionReview into a tree, leaving out the subtrees that no decision reads: who
 * asked (userInfo), the old object, managedFields, and each container's env, ports, resources
 * and probes. Building the tree was the largest share of an admission's time, and these subtrees
 * are more than half of a Spark executor's nodes. They are still tokenized, so a malformed body
 * is refused as before; only what is kept is checked for duplicate keys.
 *
 * <p>Leaving a subtree out is safe because the patch is built from operations at paths the
 * engine and the guard read, never by writing back a whole object that held a left-out part.
 * The list below must only name what they never read; {@code ReviewReaderTest} checks that every
 * decision on the Spark pods is the same with and without it.
 */
final class ReviewReader {

    /** What {@code /mutate} never reads: the request's metadata and the pod's subtrees {@link PodContract} lists. */
    static final Skips NOT_READ = notRead();
    /**
     * What {@code /validate} never reads: who asked, the options and the managed fields. The guard
     * checks every container field Pod Security does (ports, probes, lifecycle hooks) and compares
     * s3jars' own containers whole, so the pod stays complete; on a pod UPDATE it compares the
     * images with the old object's.
     */
    static final Skips NOT_READ_BY_VALIDATION = notReadByValidation();

    /**
     * The reader of {@code /mutate}: what it never reads left out, and the pod's lists kept only to
     * one element past {@code limits}, so an oversized pod costs its tokens, not a tree of them, and
     * is still refused by the limits' own check.
     */
    static ReviewReader forMutate(PodLimits limits) {
        return new ReviewReader(withLimits(notRead(), limits));
    }

    /** The reader of {@code /validate}, with the same bound on the pod's lists. */
    static ReviewReader forValidate(PodLimits limits) {
        return new ReviewReader(withLimits(notReadByValidation(), limits));
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonFactory json;
    private final Skips skips;

    /** @param skips what to leave out: {@link #NOT_READ}, or null for nothing (the tests' full tree) */
    ReviewReader(Skips skips) {
        this.json = new JsonFactoryBuilder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
                .build();
        this.skips = skips;
    }

    /** A whole document, or null when there is none; throws on malformed JSON, a duplicate key or trailing data. */
    JsonNode read(byte[] body, int offset, int length) throws IOException {
        try (JsonParser parser = json.createParser(body, offset, length)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode document = value(parser, first, skips);
            if (parser.nextToken() != null) {
                throw new IOException("unexpected data after the JSON document at " + where(parser));
            }
            return document;
        }
    }

    private static JsonNode value(JsonParser parser, JsonToken token, Skips skips) throws IOException {
        return switch (token) {
            case START_OBJECT -> object(parser, skips);
            case START_ARRAY -> array(parser, skips);
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected " + token + " at " + where(parser));
        };
    }

    private static ObjectNode object(JsonParser parser, Skips skips) throws IOException {
        ObjectNode object = NODES.objectNode();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            Skips below = skips == null ? null : skips.field(name);
            if (below == Skips.ALL) {
                parser.skipChildren();
            } else if (object.replace(name, value(parser, token, below)) != null) {
                throw new IOException("duplicate key '" + name + "' at " + where(parser) + ": a key may appear once per object");
            }
        }
        return object;
    }

    private static ArrayNode array(JsonParser parser, Skips skips) throws IOException {
        ArrayNode array = NODES.arrayNode();
        Skips element = skips == null ? null : skips.element();
        int keep = skips == null ? Integer.MAX_VALUE : skips.keep;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (array.size() >= keep) {
                parser.skipChildren(); // past a limit: tokenized and checked, never built
            } else {
                array.add(value(parser, token, element));
            }
        }
        return array;
    }

    private static String where(JsonParser parser) {
        JsonLocation location = parser.currentLocation();
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static Skips withLimits(Skips root, PodLimits limits) {
        Skips spec = root.path("request").path("object").path("spec");
        spec.path("volumes").keepAtMost(limits.maxVolumes() + 1);
        spec.path("tolerations").keepAtMost(limits.maxSchedulingTerms() + 1);
        Skips terms = spec;
        for (String field : PodLimits.NODE_SELECTOR_TERMS) {
            terms = terms.path(field);
        }
        terms.keepAtMost(limits.maxSchedulingTerms() + 1);
        for (String list : PodContract.CONTAINER_LISTS) {
            Skips containers = spec.path(list).keepAtMost(limits.maxContainers() + 1);
            containers.path(Skips.ELEMENT).path("volumeMounts").keepAtMost(limits.maxVolumeMounts() + 1);
        }
        return root;
    }

    private static Skips notReadByValidation() {
        Skips root = new Skips();
        Skips request = root.path("request");
        request.skip("userInfo");
        request.skip("options");
        request.path("object").path("metadata").skip("managedFields");
        request.path("oldObject").path("metadata").skip("managedFields");
        return root;
    }

    /** What validation leaves out, and the old object: mutation reads only the pod as it will be. */
    private static Skips notRead() {
        Skips root = notReadByValidation();
        root.path("request").skip("oldObject");
        Skips object = root.path("request").path("object");
        for (String field : PodContract.POD_FIELDS_NOT_READ) {
            String[] path = field.split("\\.");
            Skips parent = object;
            for (int i = 0; i < path.length - 1; i++) {
                parent = parent.path(path[i]);
            }
            parent.skip(path[path.length - 1]);
        }
        for (String list : PodContract.CONTAINER_LISTS) {
            Skips container = object.path("spec").path(list).path(Skips.ELEMENT);
            PodContract.CONTAINER_FIELDS_NOT_READ.forEach(container::skip);
        }
        return root;
    }

    /**
     * A tree of paths to leave out, walked alongside the document: a subtree with no path below
     * it gets null and is read without further lookups.
     */
    static final class Skips {

        static final String ELEMENT = "[]";
        static final Skips ALL = new Skips();

        private final Map<String, Skips> below = new HashMap<>();
        /** For a list: how many elements to build; the rest are skipped. */
        private int keep = Integer.MAX_VALUE;

        Skips keepAtMost(int elements) {
            keep = elements;
            return this;
        }

        Skips path(String name) {
            return below.computeIfAbsent(name, n -> new Skips());
        }

        void skip(String name) {
            below.put(name, ALL);
        }

        Skips field(String name) {
            return below.get(name);
        }

        Skips element() {
            return below.get(ELEMENT);
        }
    }
}
