package io.portcullis.admin.api;

import io.portcullis.admin.auth.Role;
import io.portcullis.admin.auth.Scope;
import io.portcullis.admin.auth.Session;
import io.portcullis.admin.auth.Token;

/**
 * Who made a request: a user through a session, or a script through an API token, or nobody yet.
 *
 * @param user the user name, or null for an anonymous caller
 * @param role what the user may do
 * @param session the session, when the caller came with one
 * @param token the API token, when the caller came with one
 * @param sessionToken the raw session token from the cookie, to end or renew it
 * @param source the client's address
 */
record Caller(String user, Role role, Session session, Token token, String sessionToken, String source) {

    static Caller anonymous(String source) {
        return new Caller(null, null, null, null, null, source);
    }

    boolean isAnonymous() {
        return user == null;
    }

    /** The name the audit log records: {@code alice}, or {@code alice (token ci)}. */
    String actor() {
        if (user == null) {
            return "-";
        }
        return token != null ? user + " (token " + token.name() + ")" : user;
    }

    /** Whether this caller may change things an admin changes. */
    boolean isAdmin() {
        if (role != Role.ADMIN) {
            return false;
        }
        return token == null || token.scope() == Scope.ADMIN;
    }
}
