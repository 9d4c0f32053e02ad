package io.portcullis.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/** How the API reads and writes JSON: one mapper, times as ISO-8601, and bodies checked before use. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private Json() {}

    /** The request body as a JSON object; 415 when it is not JSON, 400 when it is not an object. */
    static ObjectNode body(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported-media-type", "the body must be JSON (Content-Type: application/json)");
        }
        String text = ctx.body();
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("the body is not valid JSON: " + e.getOriginalMessage(), java.util.List.of());
        }
        if (!(node instanceof ObjectNode obj)) {
            throw ApiException.invalid("the body must be a JSON object", java.util.List.of());
        }
        return obj;
    }

    /** A required text field; 400 naming the field when it is missing or not text. */
    static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.invalid(field, "'" + field + "' is missing");
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(field, "'" + field + "' must be text");
        }
        return v.asText();
    }

    /** An optional text field, or {@code fallback}. */
    static String text(ObjectNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(field, "'" + field + "' must be text");
        }
        return v.asText();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(ObjectNode node) {
        return MAPPER.convertValue(node, Map.class);
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
