package io.portcullis.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test's browser or script against the admin API: trusts exactly the gateway's self-signed certificate,
 * keeps its own cookies, and sends the CSRF token it was given, as the dashboard does.
 */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, headers, and the body as JSON (missing when it is not JSON). */
    public record Answer(int status, HttpResponse<String> raw, JsonNode json) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final String base;
    private final HttpClient http;
    private final CookieManager cookies = new CookieManager();
    private String csrf;
    private String token;

    public ApiClient(String base, Path dataDir) {
        this(base, dataDir, null);
    }

    public ApiClient(String base, Path dataDir, InetAddress from) {
        this.base = base;
        HttpClient.Builder b = HttpClient.newBuilder().sslContext(trust(dataDir)).cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(5));
        if (from != null) {
            b.localAddress(from);
        }
        this.http = b.build();
    }

    /** An SSL context that trusts only the certificate the gateway made in {@code dataDir}. */
    public static SSLContext trust(Path dataDir) {
        try (InputStream in = Files.newInputStream(dataDir.resolve(TlsIdentity.SELF_SIGNED_FILE))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, "portcullis-admin".toCharArray());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("gateway", ks.getCertificate("admin"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the gateway's certificate: " + e, e);
        }
    }

    public ApiClient withToken(String t) {
        this.token = t;
        return this;
    }

    public ApiClient withCsrf(String c) {
        this.csrf = c;
        return this;
    }

    public String csrf() {
        return csrf;
    }

    public CookieManager cookies() {
        return cookies;
    }

    public Answer get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Answer post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    public Answer put(String path, Object body, Map<String, String> headers) {
        return send("PUT", path, body, headers);
    }

    public Answer delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    public Answer delete(String path, Object body) {
        return send("DELETE", path, body, Map.of());
    }

    /** Logs in with password (and a TOTP code when asked); keeps the session cookie and CSRF token. */
    public Answer login(String user, String password) {
        Answer a = post("/api/v1/login", Map.of("user", user, "password", password));
        if (a.status() == 200) {
            csrf = a.json().path("csrf").asText();
        }
        return a;
    }

    public Answer send(String method, String path, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
            // As curl does for large bodies: the server may refuse before the body is sent.
            r.expectContinue(body instanceof String s && s.length() > 16 * 1024);
            if (body instanceof String s) {
                r.method(method, HttpRequest.BodyPublishers.ofString(s));
            } else if (body != null) {
                r.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                r.header("Content-Type", "application/json");
            } else {
                r.method(method, HttpRequest.BodyPublishers.noBody());
            }
            if (csrf != null && !method.equals("GET")) {
                r.header("X-CSRF-Token", csrf);
            }
            if (token != null) {
                r.header("Authorization", "Bearer " + token);
            }
            headers.forEach(r::header);
            HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = res.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(res.body());
            } catch (IOException e) {
                json = MissingNode.getInstance();
            }
            return new Answer(res.statusCode(), res, json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
