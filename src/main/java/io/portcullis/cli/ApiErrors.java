package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The admin API's error answers ({@code {"error","message","problems"}}, docs/api.md) in words: the server's
 * own message, what the status means for the user, and for a 400 every field's problem on its own line.
 */
final class ApiErrors {

    static final String TOKEN_HINT = "make one with 'portcullis token add' or in the dashboard, and give it with --token, "
            + "PORTCULLIS_TOKEN or 'token:' in ~/.config/portcullis/client.yaml";

    private ApiErrors() {}

    /**
     * The message for an answer with status {@code status}.
     *
     * @param retryAfter the Retry-After header, or null
     * @param withToken whether the request carried an API token (a 401 then means the token is bad)
     */
    static String explain(int status, JsonNode body, String retryAfter, boolean withToken) {
        String said = body.path("message").asText("");
        return switch (status) {
            case 400 -> invalid(said, body.path("problems"));
            case 401 -> withToken
                    ? "the token is unknown or revoked (the gateway said: " + said + "); " + TOKEN_HINT
                    : said.isEmpty() ? "not logged in; " + TOKEN_HINT : said + (said.contains("token") ? "; " + TOKEN_HINT : "");
            case 403 -> "not allowed: " + orDefault(said, "the gateway refused this request");
            case 404 -> orDefault(said, "not found") + (said.isEmpty() ? " (is this a Portcullis admin API?)" : "");
            case 409 -> orDefault(said, "it exists already") + " (choose another name)";
            case 412 -> orDefault(said, "it was changed by someone else") + " (run the command again to act on the new version)";
            case 413 -> orDefault(said, "the request is too large") + " (the limit is 64 KiB)";
            case 429 -> orDefault(said, "too many requests") + "; try again "
                    + (retryAfter == null ? "later" : "in " + retryAfter + " second" + ("1".equals(retryAfter) ? "" : "s"));
            default -> "the gateway answered HTTP " + status + (said.isEmpty() ? "" : ": " + said);
        };
    }

    private static String invalid(String said, JsonNode problems) {
        StringBuilder sb = new StringBuilder("the gateway refused the request: ").append(orDefault(said, "invalid input"));
        for (JsonNode p : problems) {
            sb.append("\n  ").append(p.path("field").asText("?")).append(": ").append(p.path("message").asText());
        }
        return sb.toString();
    }

    private static String orDefault(String s, String fallback) {
        return s == null || s.isEmpty() ? fallback : s;
    }
}
