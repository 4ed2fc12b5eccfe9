package io.s3jars.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;

/**
 * Jackson trees read from, and small values written to, Jackson's streaming API, without an
 * {@code ObjectMapper}. Written by hand because an {@code ObjectMapper} loads about 280 classes of
 * databind (serializer and deserializer factories, type resolution, a date format and the JDK's
 * locale data behind it) that a tree of objects, arrays and scalars never uses, and the node agent,
 * whose whole resident set has a budget of 64 MiB, reads every policy and API answer this way.
 */
public final class JsonTrees {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /** The JSON document in {@code bytes}. */
    public static JsonNode read(byte[] bytes) throws IOException {
        return document(JSON.createParser(bytes));
    }

    /** The JSON document in {@code text}. */
    public static JsonNode read(String text) throws IOException {
        return document(JSON.createParser(text));
    }

    private static JsonNode document(JsonParser opened) throws IOException {
        try (JsonParser parser = opened) {
            parser.nextToken();
            return read(parser);
        }
    }

    /**
     * The value that starts at the parser's current token, with the parser left on its last token,
     * as {@code ObjectMapper.readTree(parser)} reads it: the same node types, the last of two equal
     * keys kept unless the parser refuses duplicates. Iterative, so nesting costs heap, not stack.
     * Unlike {@code readTree}, no value (an empty document) is an error, not a missing node: an
     * empty answer from the API server is not an absent object.
     */
    public static JsonNode read(JsonParser parser) throws IOException {
        Deque<ContainerNode<?>> open = new ArrayDeque<>();
        String field = null;
        for (JsonToken token = parser.currentToken(); token != null; token = parser.nextToken()) {
            JsonNode value;
            switch (token) {
                case FIELD_NAME -> {
                    field = parser.currentName();
                    continue;
                }
                case END_OBJECT, END_ARRAY -> {
                    ContainerNode<?> closed = open.pop();
                    if (open.isEmpty()) {
                        return closed;
                    }
                    continue;
                }
                case START_OBJECT -> value = NODES.objectNode();
                case START_ARRAY -> value = NODES.arrayNode();
                default -> value = scalar(parser, token);
            }
            if (open.isEmpty() && !value.isContainerNode()) {
                return value;
            }
            if (!open.isEmpty()) {
                if (open.peek() instanceof ObjectNode object) {
                    object.set(field, value);
                } else {
                    ((ArrayNode) open.peek()).add(value);
                }
            }
            if (value instanceof ContainerNode<?> container) {
                open.push(container);
            }
        }
        throw new JsonEOFException(parser, null, "unexpected end of input: a value was not closed");
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> switch (parser.getNumberType()) {
                case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
                case FLOAT -> NODES.numberNode(parser.getFloatValue());
                default -> NODES.numberNode(parser.getDoubleValue());
            };
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> {
                Object embedded = parser.getEmbeddedObject();
                yield embedded == null ? NODES.nullNode()
                        : embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.pojoNode(embedded);
            }
            default -> throw new IllegalStateException("no value starts at " + token);
        };
    }

    /**
     * {@code value} as JSON: maps with string keys, collections, strings, numbers, booleans and
     * nulls, which is all a merge patch holds.
     */
    public static byte[] write(Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            write(generator, value);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else if (value instanceof Integer || value instanceof Long) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName((String) entry.getKey());
                write(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            generator.writeStartArray();
            for (Object item : items) {
                write(generator, item);
            }
            generator.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getSimpleName() + " as JSON");
        }
    }
}
