package io.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Printing helpers the API commands share: JSON for scripts, and short cells for tables. */
final class Output {

    private Output() {}

    /** {@code node} as indented JSON. */
    static void json(PrintWriter out, JsonNode node) {
        try {
            out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** A text field, or "-" when absent or null. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? "-" : v.asText();
    }

    /** An ISO-8601 time cut to the second and without the "T", or "-": "2026-11-23 10:00:00Z". */
    static String time(JsonNode n, String field) {
        String t = text(n, field);
        if (t.equals("-")) {
            return t;
        }
        int dot = t.indexOf('.');
        return (dot > 0 ? t.substring(0, dot) + "Z" : t).replace('T', ' ');
    }
}
