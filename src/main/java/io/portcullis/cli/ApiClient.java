package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The CLI's side of the admin REST API (docs/api.md): one HTTPS client that sends JSON, authenticates with an
 * API token (or, for the few routes a token may not use, with a logged-in session and its CSRF token), and
 * turns every failure into one sentence a person can act on, thrown as a {@link Main.UserException}.
 */
final class ApiClient implements AutoCloseable {

    /** One answer: its status, body (a missing node when there is none) and ETag header, if any. */
    record Reply(int status, JsonNode body, Optional<String> etag) {}

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION_COOKIE = "__Host-portcullis-session";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final ClientSettings settings;
    private final PinnedTrust pin;
    private final String pinnedFrom;
    private final HttpClient http;
    private String csrf;
    private String sessionCookie;
    /** Set by {@link #login}: from then on the client is the user, and a configured token is not sent. */
    private boolean asUser;

    private ApiClient(ClientSettings settings, PinnedTrust pin, String pinnedFrom, SSLContext tls) {
        this.settings = settings;
        this.pin = pin;
        this.pinnedFrom = pinnedFrom;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A client for {@code settings}. Trust: the pinned fingerprint when one is given; else, for a loopback URL,
     * the fingerprint of the certificate in {@code dataDir} when this user can read it; else the JDK's own
     * trust store (a certificate from a real authority).
     */
    static ApiClient open(ClientSettings settings, Path dataDir) {
        String fingerprint = settings.fingerprint();
        String from = settings.fingerprintFrom();
        if (fingerprint == null && isLoopback(settings.url()) && dataDir != null) {
            Optional<String> local = PinnedTrust.localFingerprint(dataDir);
            if (local.isPresent()) {
                fingerprint = local.get();
                from = dataDir.resolve("admin-tls.p12") + " (the local gateway's certificate)";
            }
        }
        if (fingerprint == null) {
            try {
                return new ApiClient(settings, null, null, SSLContext.getDefault());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("TLS is not available in this Java: " + e.getMessage(), e);
            }
        }
        PinnedTrust pin = new PinnedTrust(fingerprint);
        return new ApiClient(settings, pin, from, pin.context());
    }

    private static boolean isLoopback(URI url) {
        try {
            return InetAddress.getByName(url.getHost().replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** A path segment with anything unusual escaped (names are plain, but a typo should not change the route). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return send("GET", path, null, null).body();
    }

    Reply getReply(String path) {
        return send("GET", path, null, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body, null).body();
    }

    void delete(String path, String ifMatch) {
        send("DELETE", path, null, ifMatch);
    }

    /**
     * Logs in as {@code user} for the routes an API token may not use (making a token is an account's own act).
     * The session cookie and its CSRF token are kept for the following requests.
     *
     * @param totp asked for a TOTP or recovery code when the account has a second factor
     */
    void login(String user, String password, Supplier<String> totp) {
        asUser = true;
        JsonNode answer = send("POST", "/api/v1/login", Map.of("user", user, "password", password), null).body();
        csrf = answer.path("csrf").asText(null);
        if ("totp".equals(answer.path("state").asText())) {
            // The half-open session's own CSRF token guards the second step, as it guards every later change.
            String code = totp.get().strip();
            String field = code.matches("\\d{6,8}") ? "code" : "recoveryCode";
            answer = send("POST", "/api/v1/login/totp", Map.of(field, code), null).body();
        }
        csrf = answer.path("csrf").asText(null);
    }

    /** Ends the session {@link #login} opened, if any; a failure here changes nothing for the user. */
    void logout() {
        if (sessionCookie == null) {
            return;
        }
        try {
            send("POST", "/api/v1/logout", null, null);
        } catch (Main.UserException e) {
            // the session expires by itself
        }
        csrf = null;
        sessionCookie = null;
    }

    private Reply send(String method, String path, Object body, String ifMatch) {
        URI uri = URI.create(settings.url() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
        if (sessionCookie != null) {
            b.header("Cookie", SESSION_COOKIE + "=" + sessionCookie);
            if (csrf != null) {
                b.header("X-CSRF-Token", csrf);
            }
        } else if (settings.token() != null && !asUser) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        try {
            if (body != null) {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            r.headers().allValues("Set-Cookie").forEach(this::keepSession);
            JsonNode json = r.body() == null || r.body().isBlank() ? MissingNode.getInstance() : parse(r.body());
            if (r.statusCode() >= 300) {
                throw new Main.UserException(ApiErrors.explain(r.statusCode(), json,
                        r.headers().firstValue("Retry-After").orElse(null), settings.token() != null && !asUser));
            }
            return new Reply(r.statusCode(), json, r.headers().firstValue("ETag"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserException("interrupted while waiting for the gateway at " + settings.url());
        } catch (IOException e) {
            throw new Main.UserException(transportFailure(e));
        }
    }

    /**
     * Keeps the session cookie from a login. It is the only cookie this client needs, so it is kept by hand
     * rather than through a CookieManager and its domain rules (the host is usually an IP address).
     */
    private void keepSession(String setCookie) {
        if (setCookie.startsWith(SESSION_COOKIE + "=")) {
            String value = setCookie.substring(SESSION_COOKIE.length() + 1).split(";", 2)[0].strip();
            sessionCookie = value.isEmpty() ? null : value;
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().objectNode().put("message", text.length() > 200 ? text.substring(0, 200) + "..." : text);
        }
    }

    /** Why the request did not get an answer, in words. */
    private String transportFailure(IOException e) {
        if (pin != null && pin.mismatch().isPresent()) {
            return "the gateway at " + settings.url() + " shows a certificate with SHA-256 fingerprint\n  "
                    + pin.mismatch().get() + "\nbut the expected fingerprint (from " + pinnedFrom + ") is\n  "
                    + pin.expected()
                    + "\nRefused: this may be another server. If the gateway made a new certificate, compare with the"
                    + " fingerprint it printed at start and update the setting.";
        }
        List<String> chain = causes(e);
        if (chain.stream().anyMatch(c -> c.startsWith(ConnectException.class.getName()))
                || e instanceof HttpConnectTimeoutException) {
            return "cannot connect to " + settings.url() + " (from " + settings.urlFrom() + "): is the gateway running? "
                    + "its admin API listens on admin.listen from its config (default " + ClientSettings.DEFAULT_URL
                    + "); point at it with --url or PORTCULLIS_URL";
        }
        if (e instanceof HttpTimeoutException) {
            return "the gateway at " + settings.url() + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + "s";
        }
        if (chain.stream().anyMatch(c -> c.startsWith(SSLException.class.getPackageName()))) {
            return pin == null
                    ? "cannot trust the certificate of " + settings.url() + " (" + last(chain) + "). A gateway's own "
                            + "certificate is self-signed: give the SHA-256 fingerprint it printed at start with "
                            + "--fingerprint, PORTCULLIS_FINGERPRINT or 'fingerprint:' in the client config"
                    : "TLS with " + settings.url() + " failed: " + last(chain) + " (does it speak HTTPS?)";
        }
        return "cannot talk to the gateway at " + settings.url() + ": " + last(chain);
    }

    private static List<String> causes(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null && out.size() < 10; t = t.getCause()) {
            out.add(t.getClass().getName() + ": " + t.getMessage());
        }
        return out;
    }

    private static String last(List<String> chain) {
        String s = chain.get(chain.size() - 1);
        return s.substring(s.lastIndexOf('.', s.indexOf(':')) + 1);
    }

    @Override
    public void close() {
        logout();
        http.close();
    }
}
