package io.portcullis.admin.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.sse.SseClient;
import io.portcullis.admin.auth.Scope;
import io.portcullis.admin.auth.Session;
import io.portcullis.admin.auth.Token;
import io.portcullis.admin.auth.User;
import io.portcullis.config.AdminSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: the REST API, the dashboard's files and the Prometheus metrics, over HTTPS only,
 * on its own address (loopback unless configured). Every route is declared in {@link Routes}; this class
 * decides who may call it, adds the security headers and turns every refusal into a JSON error.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final String SESSION_COOKIE = "__Host-portcullis-session";
    static final String DEVICE_COOKIE = "__Host-portcullis-device";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final long MAX_BODY = 64 * 1024;
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final String WEB_ROOT = "/io/portcullis/admin/web";

    private final AdminSettings settings;
    private final TlsIdentity tls;
    private final AdminBackend backend;
    private final AdminServices services;
    private final Routes routes;
    private final List<SseClient> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Long> tokenUseAudited = new ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;
    private Javalin app;
    private int port;

    public AdminServer(AdminSettings settings, TlsIdentity tls, AdminBackend backend, AdminServices services) {
        this.settings = settings;
        this.tls = tls;
        this.backend = backend;
        this.services = services;
        this.routes = new Routes(backend, services, settings);
    }

    /** Binds and starts serving; answers the bound port. */
    public int start() throws IOException {
        InetAddress host = settings.listen().address();
        int wanted = settings.listen().ports().first();
        boolean web = AdminServer.class.getResource(WEB_ROOT + "/index.html") != null;
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_BODY;
            cfg.http.generateEtags = false;
            cfg.jetty.addConnector((server, httpConfig) -> {
                httpConfig.setSendServerVersion(false);
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                // Clients reach a self-signed listener by address, which carries no SNI name to check.
                secure.setSniHostCheck(false);
                httpConfig.addCustomizer(secure);
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setSslContext(tls.sslContext());
                ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                        new HttpConnectionFactory(httpConfig));
                c.setHost(host.getHostAddress());
                c.setPort(wanted);
                return c;
            });
            if (web) {
                cfg.staticFiles.add(WEB_ROOT, Location.CLASSPATH);
            }
            cfg.staticFiles.enableWebjars();
            cfg.routes.before(this::headers);
            for (Endpoint e : routes.endpoints()) {
                register(cfg.routes, e);
            }
            // An SSE handler has committed a 200 before it runs: who may listen is decided in front of it.
            cfg.routes.before("/api/v1/events", ctx -> authorize(ctx, Endpoint.Access.READ));
            cfg.routes.sse("/api/v1/events", this::events);
            cfg.routes.get("/metrics", ctx -> {
                authorize(ctx, Endpoint.Access.READ);
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(backend.metrics());
            });
            cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == 413) {
                    drain(ctx);
                }
                error(ctx, new ApiException(e.getStatus(), codeFor(e.getStatus()), words(e)));
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("admin API: {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, new ApiException(500, "internal", "the gateway could not do this; its log says why"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.path().startsWith("/api/") && (ctx.result() == null || ctx.result().isEmpty())) {
                    error(ctx, ApiException.notFound("no such route: " + ctx.method() + " " + ctx.path()));
                }
            });
            cfg.routes.error(405, ctx -> error(ctx, new ApiException(405, "method-not-allowed",
                    ctx.method() + " is not allowed on " + ctx.path())));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new IOException("cannot listen on " + settings.listen() + " for the admin API: " + rootMessage(e), e);
        }
        port = ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "admin-events");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        return port;
    }

    public int port() {
        return port;
    }

    /** Every route the listener answers, as "METHOD /path", for the test that holds the OpenAPI document to it. */
    public List<String> servedRoutes() {
        List<String> out = new ArrayList<>();
        for (var p : app.unsafe.internalRouter.allHttpHandlers()) {
            String method = p.endpoint.method.name();
            if (List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                out.add(method + " " + p.endpoint.path);
            }
        }
        return out;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    private void register(io.javalin.config.RoutesConfig r, Endpoint e) {
        io.javalin.http.Handler h = ctx -> {
            Caller caller = authorize(ctx, e.access());
            if (!e.method().equals("GET")) {
                checkCsrf(ctx, caller);
            }
            Object out = e.action().handle(ctx, caller);
            if (!e.method().equals("GET") && !caller.isAnonymous() && e.access() != Endpoint.Access.PENDING) {
                auditTokenUse(caller, ctx);
            }
            if (out == null) {
                if (ctx.status().getCode() == 200) {
                    ctx.status(204);
                }
            } else {
                ctx.status(e.status()).contentType("application/json").result(Json.write(out));
            }
        };
        switch (e.method()) {
            case "GET" -> r.get(e.path(), h);
            case "POST" -> r.post(e.path(), h);
            case "PUT" -> r.put(e.path(), h);
            case "DELETE" -> r.delete(e.path(), h);
            default -> throw new IllegalArgumentException("method " + e.method());
        }
    }

    /** Security headers on every answer, files included; and a banned source gets nothing else. */
    private void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Strict-Transport-Security", "max-age=31536000");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/metrics")) {
            ctx.header("Cache-Control", "no-store");
        }
        String banned = backend.banned(ctx.req().getRemoteAddr());
        if (banned != null) {
            // Checked before any route, so a banned source cannot even try passwords.
            throw new ApiException(403, "banned", "this address is " + banned);
        }
    }

    /** Who is calling, refused with 401/403 when they may not call an endpoint of {@code access}. */
    Caller authorize(Context ctx, Endpoint.Access access) {
        String source = ctx.req().getRemoteAddr();
        Caller caller = identify(ctx, source);
        if (caller.token() != null && caller.token().scope() == Scope.READ && !ctx.method().name().equals("GET")) {
            throw ApiException.forbidden("this API token is read-only");
        }
        switch (access) {
            case PUBLIC -> {
                return caller;
            }
            case PENDING -> {
                if (caller.session() == null || !caller.session().pendingSecondFactor()) {
                    throw new ApiException(401, "unauthenticated", "log in with your password first");
                }
                return caller;
            }
            default -> {
            }
        }
        if (caller.isAnonymous() || (caller.session() != null && caller.session().pendingSecondFactor())) {
            throw new ApiException(401, "unauthenticated", "log in, or send an API token (Authorization: Bearer pct_...)");
        }
        if (access == Endpoint.Access.ACCOUNT) {
            if (caller.token() != null) {
                throw ApiException.forbidden("an API token cannot change an account; log in as the user");
            }
            return caller;
        }
        if (caller.session() != null && mustEnrol(caller.user())) {
            throw new ApiException(403, "enrolment-required", "this gateway requires a second factor: enrol one on your account page first");
        }
        if (access == Endpoint.Access.ADMIN && !caller.isAdmin()) {
            throw ApiException.forbidden(caller.token() != null && caller.token().scope() == Scope.READ
                    ? "this API token is read-only" : "only an admin may do this");
        }
        if (access == Endpoint.Access.READ && !ctx.method().name().equals("GET") && !caller.isAdmin()) {
            throw ApiException.forbidden("read-only access");
        }
        return caller;
    }

    private boolean mustEnrol(String user) {
        return settings.requireTotp() && services.accounts().find(user).map(u -> !u.totpEnabled()).orElse(true);
    }

    private Caller identify(Context ctx, String source) {
        String auth = ctx.header("Authorization");
        if (auth != null) {
            if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ApiException(401, "unauthenticated", "the Authorization header must be 'Bearer pct_...'");
            }
            Optional<Token> token = services.tokens().verify(auth.substring(7).strip());
            if (token.isEmpty()) {
                throw new ApiException(401, "unauthenticated", "this API token is unknown or revoked");
            }
            Optional<User> user = services.accounts().find(token.get().user());
            if (user.isEmpty()) {
                throw new ApiException(401, "unauthenticated", "the owner of this API token no longer exists");
            }
            return new Caller(user.get().name(), user.get().role(), null, token.get(), null, source);
        }
        String raw = ctx.cookie(SESSION_COOKIE);
        if (raw != null) {
            Optional<Session> session = services.sessions().find(raw);
            if (session.isPresent()) {
                Optional<User> user = services.accounts().find(session.get().user());
                if (user.isPresent()) {
                    return new Caller(user.get().name(), user.get().role(), session.get(), null, raw, source);
                }
            }
        }
        return Caller.anonymous(source);
    }

    /**
     * A browser sends the session cookie with any request to this origin, so a change made with a session
     * must prove it comes from our page: the CSRF token it only learns from our API. Tokens in a header
     * are never sent by a browser on its own, so they need no such proof.
     */
    private void checkCsrf(Context ctx, Caller caller) {
        if (caller.session() == null) {
            String origin = ctx.header("Origin");
            if (origin != null && !origin.equals("null") && !sameOrigin(ctx, origin)) {
                throw ApiException.forbidden("cross-origin request refused");
            }
            return;
        }
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null || !io.portcullis.admin.auth.Secrets.constantTimeEquals(sent, caller.session().csrf())) {
            throw new ApiException(403, "csrf", "missing or wrong " + CSRF_HEADER + " header (reload the page)");
        }
    }

    private static boolean sameOrigin(Context ctx, String origin) {
        String host = ctx.header("Host");
        return host != null && origin.equalsIgnoreCase("https://" + host);
    }

    private void auditTokenUse(Caller caller, Context ctx) {
        if (caller.token() == null) {
            return;
        }
        Audit.record(services.audit(), caller.actor(), "token.use", ctx.method() + " " + ctx.path(), caller.source(), true, "");
    }

    private void events(SseClient client) {
        client.keepAlive();
        client.onClose(() -> listeners.remove(client));
        listeners.add(client);
        client.sendEvent("status", Json.write(snapshot()));
    }

    private Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", java.time.Instant.now().toString());
        out.put("forwards", backend.counters());
        return out;
    }

    private void tick() {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            String data = Json.write(snapshot());
            for (SseClient c : listeners) {
                if (c.terminated()) {
                    listeners.remove(c);
                } else {
                    c.sendEvent("status", data);
                }
            }
        } catch (RuntimeException e) {
            log.warn("admin API: live update failed: {}", e.toString());
        }
    }

    static void error(Context ctx, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (!e.problems().isEmpty()) {
            body.put("problems", e.problems());
        }
        if (e.retryAfter() != null) {
            ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        ctx.status(e.status()).contentType("application/json").result(Json.write(body));
    }

    /**
     * Reads and drops what is left of a refused large body (up to 1 MiB), so the client, still sending,
     * reads the 413 instead of a reset connection.
     */
    private static void drain(Context ctx) {
        try {
            var in = ctx.req().getInputStream();
            byte[] buf = new byte[8192];
            long left = 1 << 20;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // the client is gone or the stream was used: nothing more to do
        }
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "invalid";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
    }

    private static String words(HttpResponseException e) {
        if (e.getStatus() == 413) {
            return "the body is larger than " + MAX_BODY / 1024 + " KiB";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "request refused" : m;
    }

    /** The address to print: https://127.0.0.1:9443/ */
    public String url() {
        InetAddress a = settings.listen().address();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "https://" + host + ":" + port + "/";
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        for (SseClient c : new ArrayList<>(listeners)) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // the client went away already
            }
        }
        if (app != null) {
            app.stop();
        }
    }
}
