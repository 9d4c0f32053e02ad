package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An API token as scripts and the dashboard see it: {@code {"id","name","scope","user","createdAt","lastUsed"}}.
 * It exists apart from the stored record so that its JSON never carries the secret's hash.
 *
 * @param id the public part of the secret ({@code pct_<id>_...}), used to list and revoke it
 * @param name what its owner called it ("prometheus", "backup script")
 * @param user the user it acts as
 * @param lastUsed null until first used; written at most once a minute
 */
public record Token(String id, String name, Scope scope, String user, Instant createdAt, Instant lastUsed) {

    /** Checks presence. */
    public Token {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(scope, "scope");
        requireNonNull(user, "user");
        requireNonNull(createdAt, "createdAt");
    }
}
