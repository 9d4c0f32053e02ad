package io.portcullis.admin.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an API token may do. It exists so that a script that only reads (Prometheus, a status widget) can be
 * given a token that cannot change anything. In JSON a scope is written in lower case.
 */
public enum Scope {
    /** Only {@code GET} requests. */
    READ,
    /** Everything its user's role allows, except managing users and second factors. */
    ADMIN;

    /** The JSON form: {@code read} or {@code admin}. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The scope named {@code text}, in any case.
     *
     * @throws AccountException naming the field {@code scope} when it is neither
     */
    @JsonCreator
    public static Scope of(String text) {
        if (text != null) {
            for (Scope scope : values()) {
                if (scope.name().equalsIgnoreCase(text.strip())) {
                    return scope;
                }
            }
        }
        throw AccountException.invalid("scope", "scope: " + text + " (expected: read or admin)");
    }
}
