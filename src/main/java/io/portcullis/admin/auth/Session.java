package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One dashboard login as stored under {@code sessions/<id>}. It exists so that the API can tell who a
 * request's cookie belongs to, whether its second factor is done, and which CSRF token its state-changing
 * requests must carry, all from one record.
 *
 * @param id the SHA-256 (hex) of the session token; the token itself is never stored, so a copy of the
 *     database does not let anyone act as a logged-in user
 * @param user the user's name as it was created
 * @param csrf a random value, one per session, that the dashboard sends back in {@code X-CSRF-Token}
 * @param pendingSecondFactor true while the password is checked but the TOTP code is not (a half-open
 *     session, which allows nothing but {@code POST /api/v1/login/totp})
 * @param lastSeen the last request, to within a minute (it is written at most once a minute)
 * @param expiresAt when the session ends whatever happens (the absolute timeout); it ends earlier after
 *     the idle timeout without requests
 * @param source the client address that logged in
 */
public record Session(String id, String user, String csrf, boolean pendingSecondFactor, Instant createdAt,
        Instant lastSeen, Instant expiresAt, String source) {

    /** Checks presence. */
    public Session {
        requireNonNull(id, "id");
        requireNonNull(user, "user");
        requireNonNull(csrf, "csrf");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(lastSeen, "lastSeen");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(source, "source");
    }

    Session seenAt(Instant when) {
        return new Session(id, user, csrf, pendingSecondFactor, createdAt, when, expiresAt, source);
    }

    /** Leaves the CSRF token out. */
    @Override
    public String toString() {
        return "Session[id=" + id.substring(0, Math.min(8, id.length())) + "..., user=" + user
                + ", pendingSecondFactor=" + pendingSecondFactor + ", createdAt=" + createdAt + ", lastSeen="
                + lastSeen + ", expiresAt=" + expiresAt + ", source=" + source + "]";
    }
}
