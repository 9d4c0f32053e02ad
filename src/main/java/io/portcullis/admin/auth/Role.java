package io.portcullis.admin.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an admin-plane user may do. It exists so that every check asks one question ("may this role
 * change things?") instead of comparing strings. In JSON a role is written in lower case.
 */
public enum Role {
    /** Reads and changes everything, including users and tokens. */
    ADMIN,
    /** Reads the gateway's state (not users); changes nothing but its own password and second factor. */
    VIEWER;

    /** The JSON form: {@code admin} or {@code viewer}. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role named {@code text}, in any case.
     *
     * @throws AccountException naming the field {@code role} when it is neither
     */
    @JsonCreator
    public static Role of(String text) {
        if (text != null) {
            for (Role role : values()) {
                if (role.name().equalsIgnoreCase(text.strip())) {
                    return role;
                }
            }
        }
        throw AccountException.invalid("role", "role: " + text + " (expected: admin or viewer)");
    }
}
