package io.portcullis.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.portcullis.admin.api.Endpoint.Access;
import io.portcullis.admin.auth.AccountException;
import io.portcullis.admin.auth.Accounts;
import io.portcullis.admin.auth.LoginThrottle;
import io.portcullis.admin.auth.Role;
import io.portcullis.admin.auth.Session;
import io.portcullis.admin.auth.Sessions;
import io.portcullis.admin.auth.User;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The front door: first-run setup, login with password then second factor, logout, and a user's own
 * account (password, TOTP enrolment, recovery codes). Every outcome goes to the audit log; every failure
 * to the throttle, which slows the source down and tells the guard.
 */
final class LoginRoutes {

    private static final String WRONG = "wrong user name or password";

    private final AdminServices s;
    private final java.util.function.Consumer<String> offence;

    /** @param offence told of every attempt made while throttled: hammering on is an offence too */
    LoginRoutes(AdminServices services, java.util.function.Consumer<String> offence) {
        this.s = services;
        this.offence = offence;
    }

    List<Endpoint> endpoints() {
        List<Endpoint> e = new ArrayList<>();
        e.add(new Endpoint("GET", "/api/v1/setup", Access.PUBLIC, "Whether first-run setup is still needed", null, "SetupState", 200,
                (ctx, c) -> Map.of("needed", !s.accounts().anyUser())));
        e.add(new Endpoint("POST", "/api/v1/setup", Access.PUBLIC, "Create the first admin with the one-time setup token",
                "SetupRequest", "UserName", 201, this::setup));
        e.add(new Endpoint("POST", "/api/v1/login", Access.PUBLIC, "Log in with user name and password", "LoginRequest",
                "LoginAnswer", 200, this::login));
        e.add(new Endpoint("POST", "/api/v1/login/totp", Access.PENDING, "Complete a login with a TOTP or recovery code",
                "SecondFactorRequest", "LoginAnswer", 200, this::secondFactor));
        e.add(new Endpoint("POST", "/api/v1/logout", Access.PUBLIC, "End this session", null, null, 204, this::logout));
        e.add(new Endpoint("GET", "/api/v1/session", Access.ACCOUNT, "Who is logged in, and the CSRF token", null, "SessionView",
                200, (ctx, c) -> sessionView(c.session(), c)));
        e.add(new Endpoint("POST", "/api/v1/account/password", Access.ACCOUNT, "Change your password; other sessions end and this one is renewed", "PasswordChange", "Csrf", 200,
                this::changePassword));
        e.add(new Endpoint("POST", "/api/v1/account/totp", Access.ACCOUNT, "Start TOTP enrolment", null, "TotpEnrollment", 200,
                (ctx, c) -> {
                    var en = s.accounts().startTotp(c.user());
                    Audit.record(s.audit(), c.actor(), "totp.enrol-start", c.user(), c.source(), true, "");
                    return Map.of("secret", en.secret(), "uri", en.uri());
                }));
        e.add(new Endpoint("POST", "/api/v1/account/totp/confirm", Access.ACCOUNT, "Confirm TOTP enrolment with a code",
                "CodeRequest", "RecoveryCodes", 200, this::confirmTotp));
        e.add(new Endpoint("DELETE", "/api/v1/account/totp", Access.ACCOUNT, "Turn TOTP off (needs a current code)", "CodeRequest",
                null, 204, this::disableTotp));
        e.add(new Endpoint("POST", "/api/v1/account/recovery-codes", Access.ACCOUNT, "Replace your recovery codes (needs a current code)",
                "CodeRequest", "RecoveryCodes", 200, (ctx, c) -> {
                    List<String> codes = s.accounts().regenerateRecoveryCodes(c.user(), Json.text(Json.body(ctx), "code"));
                    Audit.record(s.audit(), c.actor(), "totp.recovery-codes", c.user(), c.source(), true, "");
                    return Map.of("recoveryCodes", codes);
                }));
        return e;
    }

    private Object setup(Context ctx, Caller c) {
        ObjectNode body = Json.body(ctx);
        String token = Json.text(body, "token");
        String user = Json.text(body, "user");
        String password = Json.text(body, "password");
        if (s.accounts().anyUser()) {
            throw ApiException.forbidden("setup is done: an admin exists already");
        }
        Routes.accounts(() -> {
            s.accounts().checkNew(user, password);
            return null;
        });
        if (!s.firstRun().redeem(token)) {
            Audit.record(s.audit(), "-", "setup", user, c.source(), false, "wrong or expired setup token");
            s.throttle().failed("-setup-", c.source(), false);
            throw ApiException.forbidden("the setup token is wrong or expired (restart the gateway for a new link)");
        }
        User created = Routes.accounts(() -> s.accounts().create(user, password, Role.ADMIN));
        Audit.record(s.audit(), created.name(), "user.create", created.name(), c.source(), true, "first admin, by setup");
        return Map.of("user", created.name());
    }

    private Object login(Context ctx, Caller c) {
        ObjectNode body = Json.body(ctx);
        String user = Json.text(body, "user");
        String password = Json.text(body, "password");
        boolean known = s.devices().isValidFor(ctx.cookie(AdminServer.DEVICE_COOKIE), user);
        LoginThrottle.Verdict verdict = s.throttle().check(user, c.source(), known);
        if (!verdict.allowed()) {
            Audit.record(s.audit(), user, "login", user, c.source(), false, "throttled");
            offence.accept(c.source());
            throw new ApiException(429, "throttled", "too many failed logins; try again later", List.of(), verdict.retryAfter());
        }
        Accounts.LoginCheck check = s.accounts().checkPassword(user, password);
        if (!check.ok()) {
            s.throttle().failed(user, c.source(), known);
            Audit.record(s.audit(), user, "login", user, c.source(), false, "wrong user name or password");
            throw new ApiException(401, "login-failed", WRONG);
        }
        String name = check.user().name();
        if (check.secondFactorRequired()) {
            Sessions.Created half = s.sessions().create(name, c.source(), true);
            setSession(ctx, half);
            Audit.record(s.audit(), name, "login.password", name, c.source(), true, "second factor next");
            return Map.of("state", "totp", "user", name, "csrf", half.session().csrf());
        }
        return complete(ctx, c, s.sessions().create(name, c.source(), false), name, "password");
    }

    private Object secondFactor(Context ctx, Caller c) {
        ObjectNode body = Json.body(ctx);
        String code = Json.text(body, "code", null);
        String recovery = Json.text(body, "recoveryCode", null);
        if ((code == null) == (recovery == null)) {
            throw ApiException.invalid("code", "send either 'code' (from your authenticator) or 'recoveryCode'");
        }
        boolean known = s.devices().isValidFor(ctx.cookie(AdminServer.DEVICE_COOKIE), c.user());
        LoginThrottle.Verdict verdict = s.throttle().check(c.user(), c.source(), known);
        if (!verdict.allowed()) {
            offence.accept(c.source());
            throw new ApiException(429, "throttled", "too many failed attempts; try again later", List.of(), verdict.retryAfter());
        }
        boolean ok = code != null ? s.accounts().verifyTotp(c.user(), code) : s.accounts().useRecoveryCode(c.user(), recovery);
        String how = code != null ? "totp" : "recovery code";
        if (!ok) {
            s.throttle().failed(c.user(), c.source(), known);
            Audit.record(s.audit(), c.user(), "login.second-factor", c.user(), c.source(), false, "wrong or reused " + how);
            throw new ApiException(401, "login-failed", "wrong or already used " + (code != null ? "code" : "recovery code"));
        }
        Sessions.Created full = s.sessions().promote(c.sessionToken())
                .orElseThrow(() -> new ApiException(401, "unauthenticated", "the login took too long; start again"));
        return complete(ctx, c, full, c.user(), how);
    }

    private Object complete(Context ctx, Caller c, Sessions.Created session, String name, String how) {
        setSession(ctx, session);
        s.throttle().succeeded(name, c.source());
        s.accounts().recordLogin(name);
        String device = s.devices().issue(name);
        ctx.res().addHeader("Set-Cookie", AdminServer.DEVICE_COOKIE + "=" + device + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age="
                + Duration.ofDays(90).toSeconds());
        Audit.record(s.audit(), name, "login", name, c.source(), true, "with " + how);
        return Map.of("state", "ok", "user", name, "csrf", session.session().csrf());
    }

    private static void setSession(Context ctx, Sessions.Created created) {
        long maxAge = Math.max(1, Duration.between(Instant.now(), created.session().expiresAt()).toSeconds());
        ctx.res().addHeader("Set-Cookie", AdminServer.SESSION_COOKIE + "=" + created.token()
                + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" + maxAge);
    }

    private Object logout(Context ctx, Caller c) {
        if (c.sessionToken() != null) {
            s.sessions().end(c.sessionToken());
            Audit.record(s.audit(), c.actor(), "logout", c.user(), c.source(), true, "");
        }
        ctx.res().addHeader("Set-Cookie", AdminServer.SESSION_COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
        return null;
    }

    private Map<String, Object> sessionView(Session session, Caller c) {
        User u = s.accounts().find(c.user()).orElseThrow(() -> new ApiException(401, "unauthenticated", "log in again"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", u.name());
        out.put("role", u.role().json());
        out.put("csrf", session.csrf());
        out.put("totpEnabled", u.totpEnabled());
        out.put("totpRequired", s.accounts().requireTotp());
        out.put("recoveryCodesLeft", u.recoveryCodesLeft());
        out.put("expiresAt", session.expiresAt());
        return out;
    }

    private Object changePassword(Context ctx, Caller c) {
        ObjectNode body = Json.body(ctx);
        String current = Json.text(body, "current");
        String next = Json.text(body, "password");
        try {
            s.accounts().changePassword(c.user(), current, next);
        } catch (AccountException e) {
            Audit.record(s.audit(), c.actor(), "password.change", c.user(), c.source(), false, e.field());
            throw Routes.translate(e);
        }
        // Every other session of this user ends: a changed password is often a stolen one.
        s.sessions().endAll(c.user());
        Sessions.Created fresh = s.sessions().create(c.user(), c.source(), false);
        setSession(ctx, fresh);
        Audit.record(s.audit(), c.actor(), "password.change", c.user(), c.source(), true, "other sessions ended");
        return Map.of("csrf", fresh.session().csrf());
    }

    private Object confirmTotp(Context ctx, Caller c) {
        String code = Json.text(Json.body(ctx), "code");
        List<String> codes;
        try {
            codes = s.accounts().confirmTotp(c.user(), code);
        } catch (AccountException e) {
            Audit.record(s.audit(), c.actor(), "totp.enable", c.user(), c.source(), false, "wrong code");
            throw Routes.translate(e);
        }
        Audit.record(s.audit(), c.actor(), "totp.enable", c.user(), c.source(), true, "");
        return Map.of("recoveryCodes", codes);
    }

    private Object disableTotp(Context ctx, Caller c) {
        if (s.accounts().requireTotp()) {
            throw ApiException.forbidden("this gateway requires a second factor for every user");
        }
        String code = Json.text(Json.body(ctx), "code");
        try {
            s.accounts().disableTotp(c.user(), code);
        } catch (AccountException e) {
            Audit.record(s.audit(), c.actor(), "totp.disable", c.user(), c.source(), false, "wrong code");
            throw Routes.translate(e);
        }
        Audit.record(s.audit(), c.actor(), "totp.disable", c.user(), c.source(), true, "");
        return null;
    }
}
