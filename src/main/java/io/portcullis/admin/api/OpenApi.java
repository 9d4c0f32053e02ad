package io.portcullis.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document of the admin API, written from the same endpoint table the server registers,
 * with the body schemas from {@code openapi-schemas.json}. A test checks every route the server answers
 * is in it and every schema it names exists.
 */
final class OpenApi {

    private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z]+)}");
    private static volatile JsonNode schemas;

    private OpenApi() {}

    static JsonNode schemas() {
        if (schemas == null) {
            try (InputStream in = OpenApi.class.getResourceAsStream("openapi-schemas.json")) {
                if (in == null) {
                    throw new IllegalStateException("openapi-schemas.json is missing from the build");
                }
                schemas = Json.MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schemas;
    }

    static Map<String, Object> document(List<Endpoint> endpoints) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Portcullis admin API", "version", "1",
                "description", "See docs/api.md. Authenticate with the session cookie (plus X-CSRF-Token on changes) or a Bearer API token."));
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            String path = e.path();
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(path, p -> new LinkedHashMap<>());
            item.put(e.method().toLowerCase(java.util.Locale.ROOT), operation(e));
        }
        paths.put("/api/v1/events", Map.of("get", Map.of("summary", "Live counters as Server-Sent Events (event: status, every second)",
                "security", security(), "responses", Map.of("200", Map.of("description", "an event stream",
                        "content", Map.of("text/event-stream", Map.of("schema", Map.of("type", "string"))))))));
        paths.put("/metrics", Map.of("get", Map.of("summary", "Prometheus metrics", "security", security(),
                "responses", Map.of("200", Map.of("description", "Prometheus text format",
                        "content", Map.of("text/plain", Map.of("schema", Map.of("type", "string"))))))));
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("schemas", schemas());
        components.put("securitySchemes", Map.of(
                "session", Map.of("type", "apiKey", "in", "cookie", "name", AdminServer.SESSION_COOKIE),
                "token", Map.of("type", "http", "scheme", "bearer")));
        doc.put("components", components);
        return doc;
    }

    private static List<Map<String, Object>> security() {
        return List.of(Map.of("session", List.of()), Map.of("token", List.of()));
    }

    private static Map<String, Object> operation(Endpoint e) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", e.summary());
        op.put("x-access", e.access().name().toLowerCase(java.util.Locale.ROOT));
        if (e.access() != Endpoint.Access.PUBLIC) {
            op.put("security", security());
        } else {
            op.put("security", List.of());
        }
        Matcher m = PARAM.matcher(e.path());
        List<Map<String, Object>> params = new java.util.ArrayList<>();
        while (m.find()) {
            params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (e.request() != null) {
            op.put("requestBody", Map.of("required", true, "content",
                    Map.of("application/json", Map.of("schema", ref(e.request())))));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        if (e.response() != null) {
            responses.put(Integer.toString(e.status()), Map.of("description", "done",
                    "content", Map.of("application/json", Map.of("schema", ref(e.response())))));
        } else {
            responses.put("204", Map.of("description", "done"));
        }
        Map<String, Object> error = Map.of("description", "refused", "content",
                Map.of("application/json", Map.of("schema", ref("Error"))));
        responses.put("4XX", error);
        op.put("responses", responses);
        return op;
    }

    private static Map<String, Object> ref(String schema) {
        return Map.of("$ref", "#/components/schemas/" + schema);
    }
}
