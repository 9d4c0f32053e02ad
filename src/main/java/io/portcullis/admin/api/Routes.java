package io.portcullis.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.portcullis.admin.api.AdminBackend.ForwardView;
import io.portcullis.admin.api.Endpoint.Access;
import io.portcullis.admin.auth.AccountException;
import io.portcullis.admin.auth.ApiTokens;
import io.portcullis.admin.auth.AuditLog;
import io.portcullis.admin.auth.Role;
import io.portcullis.admin.auth.Scope;
import io.portcullis.admin.auth.Token;
import io.portcullis.admin.auth.User;
import io.portcullis.config.AdminSettings;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every route of the API in one table: the resources (status, forwards, connections, bans, ports, users,
 * tokens, audit) here, the front door in {@link LoginRoutes}. The server registers exactly these, and the
 * OpenAPI document is written from them.
 */
final class Routes {

    private final AdminBackend backend;
    private final AdminServices s;
    private final List<Endpoint> endpoints = new ArrayList<>();

    Routes(AdminBackend backend, AdminServices services, AdminSettings settings) {
        this.backend = backend;
        this.s = services;
        endpoints.addAll(new LoginRoutes(services, backend::loginOffence).endpoints());
        resources();
        accounts();
        endpoints.add(new Endpoint("GET", "/api/v1/openapi.json", Access.PUBLIC, "This document", null, "OpenApi", 200,
                (ctx, c) -> OpenApi.document(endpoints)));
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    private void add(String method, String path, Access access, String summary, String request, String response, int status,
                     Endpoint.Action action) {
        endpoints.add(new Endpoint(method, path, access, summary, request, response, status, action));
    }

    private void resources() {
        add("GET", "/api/v1/status", Access.READ, "The gateway's state and counters", null, "Status", 200,
                (ctx, c) -> backend.status());
        add("GET", "/api/v1/forwards", Access.READ, "Every forward, from the file and the API", null, "ForwardList", 200,
                (ctx, c) -> backend.forwards());
        add("POST", "/api/v1/forwards", Access.ADMIN, "Create a forward; it starts at once", "ForwardSpec", "Forward", 201,
                (ctx, c) -> {
                    ForwardView f = backend.createForward(Json.map(Json.body(ctx)), c.actor());
                    Audit.record(s.audit(), c.actor(), "forward.create", f.name(), c.source(), true, "");
                    return etag(ctx, f);
                });
        add("GET", "/api/v1/forwards/{name}", Access.READ, "One forward, with its ETag", null, "Forward", 200,
                (ctx, c) -> etag(ctx, forward(ctx.pathParam("name"))));
        add("PUT", "/api/v1/forwards/{name}", Access.ADMIN, "Replace an API forward (If-Match: its ETag)", "ForwardSpec", "Forward", 200,
                (ctx, c) -> {
                    String name = ctx.pathParam("name");
                    ForwardView f = backend.updateForward(name, ifMatch(ctx), Json.map(Json.body(ctx)), c.actor());
                    Audit.record(s.audit(), c.actor(), "forward.update", name, c.source(), true, "");
                    return etag(ctx, f);
                });
        add("DELETE", "/api/v1/forwards/{name}", Access.ADMIN, "Delete an API forward; open connections finish", null, null, 204,
                (ctx, c) -> {
                    String name = ctx.pathParam("name");
                    backend.deleteForward(name, ifMatch(ctx), c.actor());
                    Audit.record(s.audit(), c.actor(), "forward.delete", name, c.source(), true, "");
                    return null;
                });
        add("POST", "/api/v1/forwards/{name}/enable", Access.ADMIN, "Enable an API forward", null, "Forward", 200,
                (ctx, c) -> enable(ctx, c, true));
        add("POST", "/api/v1/forwards/{name}/disable", Access.ADMIN, "Disable an API forward; open connections finish", null,
                "Forward", 200, (ctx, c) -> enable(ctx, c, false));
        add("GET", "/api/v1/connections", Access.READ, "Open TCP connections (?forward=NAME)", null, "ConnectionList", 200,
                (ctx, c) -> backend.connections(Optional.ofNullable(ctx.queryParam("forward"))));
        add("DELETE", "/api/v1/connections/{id}", Access.ADMIN, "Close one connection", null, null, 204, (ctx, c) -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw ApiException.invalid("id", "connection id '" + ctx.pathParam("id") + "' is not a number");
            }
            if (!backend.closeConnection(id)) {
                throw ApiException.notFound("no open connection " + id);
            }
            Audit.record(s.audit(), c.actor(), "connection.close", Long.toString(id), c.source(), true, "");
            return null;
        });
        add("GET", "/api/v1/bans", Access.READ, "Bans in force", null, "BanList", 200, (ctx, c) -> backend.bans());
        add("POST", "/api/v1/bans", Access.ADMIN, "Ban an address or network from every forward", "BanRequest", "Ban", 201,
                (ctx, c) -> {
                    ObjectNode body = Json.body(ctx);
                    String network = Json.text(body, "network");
                    Object ban = backend.ban(network, Json.text(body, "duration", "1h"), Json.text(body, "reason", "added by " + c.user()));
                    Audit.record(s.audit(), c.actor(), "ban.add", network, c.source(), true, Json.text(body, "duration", "1h"));
                    return ban;
                });
        add("DELETE", "/api/v1/bans", Access.ADMIN, "Lift the bans of a network (?network=CIDR)", null, "Lifted", 200,
                (ctx, c) -> {
                    String network = ctx.queryParam("network");
                    if (network == null || network.isBlank()) {
                        throw ApiException.invalid("network", "say which ban to lift: ?network=203.0.113.7 or a CIDR");
                    }
                    List<?> lifted = backend.lift(network);
                    Audit.record(s.audit(), c.actor(), "ban.lift", network, c.source(), true, lifted.size() + " lifted");
                    return Map.of("lifted", lifted);
                });
        add("GET", "/api/v1/ports", Access.READ, "The host's listening ports and their processes", null, "PortList", 200,
                (ctx, c) -> backend.ports());
    }

    private void accounts() {
        add("GET", "/api/v1/users", Access.ADMIN, "Users", null, "UserList", 200,
                (ctx, c) -> s.accounts().list().stream().map(User::view).toList());
        add("POST", "/api/v1/users", Access.ADMIN, "Create a user", "UserRequest", "User", 201, (ctx, c) -> {
            ObjectNode body = Json.body(ctx);
            Role role = role(Json.text(body, "role", "viewer"));
            User u = accounts(() -> s.accounts().create(Json.text(body, "name"), Json.text(body, "password"), role));
            Audit.record(s.audit(), c.actor(), "user.create", u.name(), c.source(), true, "role " + role.json());
            return u.view();
        });
        add("DELETE", "/api/v1/users/{name}", Access.ADMIN, "Delete a user; their sessions and tokens end", null, null, 204,
                (ctx, c) -> {
                    String name = ctx.pathParam("name");
                    accounts(() -> {
                        s.accounts().delete(name);
                        return null;
                    });
                    s.sessions().endAll(name);
                    s.tokens().revokeAll(name);
                    Audit.record(s.audit(), c.actor(), "user.delete", name, c.source(), true, "");
                    return null;
                });
        add("GET", "/api/v1/tokens", Access.READ, "API tokens (an admin sees all, others their own)", null, "TokenList", 200,
                (ctx, c) -> c.isAdmin() ? s.tokens().list() : s.tokens().listFor(c.user()));
        add("POST", "/api/v1/tokens", Access.ACCOUNT, "Create an API token for yourself; shown once", "TokenRequest",
                "CreatedToken", 201, (ctx, c) -> {
                    ObjectNode body = Json.body(ctx);
                    Scope scope = scope(Json.text(body, "scope", "read"));
                    if (scope == Scope.ADMIN && c.role() != Role.ADMIN) {
                        throw ApiException.forbidden("only an admin may make an admin token");
                    }
                    ApiTokens.Created t = accounts(() -> s.tokens().create(c.user(), Json.text(body, "name"), scope));
                    Audit.record(s.audit(), c.actor(), "token.create", t.token().name(), c.source(), true, "scope " + scope.json());
                    return Map.of("id", t.token().id(), "name", t.token().name(), "scope", scope.json(), "token", t.secret());
                });
        add("DELETE", "/api/v1/tokens/{id}", Access.READ, "Revoke an API token (yours, or any as an admin)", null, null, 204,
                (ctx, c) -> {
                    String id = ctx.pathParam("id");
                    Token t = s.tokens().find(id).orElseThrow(() -> ApiException.notFound("no token " + id));
                    if (!c.isAdmin() && !t.user().equals(c.user())) {
                        throw ApiException.forbidden("this token is not yours");
                    }
                    if (c.token() != null && c.token().scope() == Scope.READ) {
                        throw ApiException.forbidden("this API token is read-only");
                    }
                    s.tokens().revoke(id);
                    Audit.record(s.audit(), c.actor(), "token.revoke", t.name(), c.source(), true, "");
                    return null;
                });
        add("GET", "/api/v1/audit", Access.ADMIN, "The audit log, newest first (?actor, action, since, until, limit, after)",
                null, "AuditPage", 200, (ctx, c) -> {
                    int limit = intParam(ctx, "limit", 50, 1, 500);
                    var filter = new AuditLog.Filter(ctx.queryParam("actor"), ctx.queryParam("action"),
                            instant(ctx, "since"), instant(ctx, "until"));
                    return s.audit().query(filter, ctx.queryParam("after"), limit);
                });
    }

    private ForwardView forward(String name) {
        return backend.forward(name).orElseThrow(() -> ApiException.notFound("no forward named '" + name + "'"));
    }

    private Object enable(Context ctx, Caller c, boolean on) {
        String name = ctx.pathParam("name");
        ForwardView f = backend.setEnabled(name, on, c.actor());
        Audit.record(s.audit(), c.actor(), on ? "forward.enable" : "forward.disable", name, c.source(), true, "");
        return etag(ctx, f);
    }

    private static ForwardView etag(Context ctx, ForwardView f) {
        ctx.header("ETag", "\"" + f.version() + "\"");
        return f;
    }

    /** The version an If-Match header names, or null when there is none ("*" included). */
    private static Long ifMatch(Context ctx) {
        String h = ctx.header("If-Match");
        if (h == null || h.strip().equals("*")) {
            return null;
        }
        String v = h.strip();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.stale("If-Match " + h + " is not a version this gateway gave out");
        }
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw ApiException.invalid(name, name + " " + n + " (expected: " + min + "-" + max + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, name + " '" + v + "' is not a whole number");
        }
    }

    private static Instant instant(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name, name + " '" + v + "' is not a UTC time such as 2026-11-23T10:00:00Z");
        }
    }

    private static Role role(String text) {
        try {
            return Role.of(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("role", e.getMessage());
        }
    }

    private static Scope scope(String text) {
        try {
            return Scope.of(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("scope", e.getMessage());
        }
    }

    /** Runs an account operation, turning its refusals into API errors. */
    static <T> T accounts(Supplier<T> op) {
        try {
            return op.get();
        } catch (AccountException e) {
            throw translate(e);
        }
    }

    static ApiException translate(AccountException e) {
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        for (String p : e.problems()) {
            problems.add(new ApiException.FieldProblem(e.field(), p));
        }
        for (String a : e.advice()) {
            problems.add(new ApiException.FieldProblem(e.field(), a));
        }
        String message = String.join("; ", e.problems());
        return switch (e.kind()) {
            case INVALID -> ApiException.invalid(message, problems);
            case NOT_FOUND -> ApiException.notFound(message);
            case CONFLICT -> ApiException.conflict(message);
            case REFUSED -> ApiException.forbidden(message);
        };
    }
}
