package io.portcullis.admin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.Gateway;
import io.portcullis.admin.auth.Totp;
import io.portcullis.config.ConfigLoader;
import io.portcullis.forward.BindFailureExplainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API end to end against a whole gateway: first-run setup, login with and without a second
 * factor, CSRF, forwards made, changed and removed live with traffic through them, tokens and their
 * scopes, the audit log, metrics, and the security rules of the issue (401 everywhere without
 * credentials, 403 for read-only tokens, throttling and bans of password guessers, 4xx for bad bodies).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {

    private static final String PASSWORD = "orbit velvet canyon pickle";

    @TempDir
    static Path dir;
    static Gateway gateway;
    static String base;
    static Path data;
    static ServerSocket echo;
    static Thread echoThread;
    static ApiClient admin;
    static String totpSecret;

    @BeforeAll
    static void start() throws Exception {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(AdminApiTest::echoLoop, "echo");
        echoThread.setDaemon(true);
        echoThread.start();
        data = dir.resolve("data");
        String yaml = """
                gateway:
                  data-dir: %s
                  watch-config: false
                admin:
                  listen: 127.0.0.1:0
                forwards:
                  - name: from-file
                    listen: 127.0.0.1:0
                    targets: [127.0.0.1:%d]
                """.formatted(data, echo.getLocalPort());
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, yaml);
        gateway = new Gateway(ConfigLoader.load(file), BindFailureExplainer.PLAIN);
        gateway.start();
        assertThat(gateway.adminPort()).isPositive();
        base = "https://127.0.0.1:" + gateway.adminPort();
        admin = new ApiClient(base, data);
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.stop();
        }
        echo.close();
    }

    private static void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // the client went away
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    @Order(1)
    void firstRunSetupNeedsTheTokenAndAStrongPassword() {
        assertThat(admin.get("/api/v1/setup").json().path("needed").asBoolean()).isTrue();
        String token = gateway.setupToken().orElseThrow();
        ApiClient.Answer weak = admin.post("/api/v1/setup", Map.of("token", token, "user", "alice", "password", "password1234"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.json().path("problems").get(0).path("field").asText()).isEqualTo("password");
        ApiClient.Answer withName = admin.post("/api/v1/setup", Map.of("token", token, "user", "alice", "password", "alice-portcullis-2026!"));
        assertThat(withName.status()).isEqualTo(400);
        ApiClient.Answer wrong = admin.post("/api/v1/setup", Map.of("token", "not-the-token", "user", "alice", "password", PASSWORD));
        assertThat(wrong.status()).isEqualTo(403);
        // Refused requests did not spend the token.
        ApiClient.Answer ok = admin.post("/api/v1/setup", Map.of("token", token, "user", "alice", "password", PASSWORD));
        assertThat(ok.status()).as(ok.raw().body()).isEqualTo(201);
        assertThat(admin.post("/api/v1/setup", Map.of("token", token, "user", "bob", "password", PASSWORD)).status()).isEqualTo(403);
        assertThat(admin.get("/api/v1/setup").json().path("needed").asBoolean()).isFalse();
    }

    @Test
    @Order(2)
    void loginGivesASessionWhoseChangesNeedTheCsrfToken() {
        assertThat(admin.login("alice", "wrong password here").status()).isEqualTo(401);
        assertThat(admin.login("nobody", PASSWORD).json().path("message").asText())
                .isEqualTo(admin.login("alice", "wrong password here").json().path("message").asText());
        ApiClient.Answer in = admin.login("alice", PASSWORD);
        assertThat(in.status()).isEqualTo(200);
        assertThat(in.json().path("state").asText()).isEqualTo("ok");
        String cookie = in.raw().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-portcullis-session="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("Secure").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        ApiClient.Answer page = admin.get("/");
        for (ApiClient.Answer a : List.of(page, admin.get("/api/v1/session"))) {
            assertThat(a.header("Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'none'");
            assertThat(a.header("Strict-Transport-Security")).startsWith("max-age=");
            assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(a.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().body()).contains("<script type=\"module\"");
        JsonNode session = admin.get("/api/v1/session").json();
        assertThat(session.path("user").asText()).isEqualTo("alice");
        assertThat(session.path("role").asText()).isEqualTo("admin");
        String csrf = admin.csrf();
        admin.withCsrf(null);
        ApiClient.Answer noCsrf = admin.post("/api/v1/bans", Map.of("network", "192.0.2.1", "duration", "1m"));
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(noCsrf.json().path("error").asText()).isEqualTo("csrf");
        admin.withCsrf("forged");
        assertThat(admin.post("/api/v1/bans", Map.of("network", "192.0.2.1", "duration", "1m")).status()).isEqualTo(403);
        admin.withCsrf(csrf);
        assertThat(admin.post("/api/v1/bans", Map.of("network", "192.0.2.1", "duration", "1m")).status()).isEqualTo(201);
        assertThat(admin.get("/api/v1/bans").json().toString()).contains("192.0.2.1");
        assertThat(admin.send("DELETE", "/api/v1/bans?network=192.0.2.1", null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void forwardsMadeThroughTheApiRunLiveAndAreCheckedLikeTheFile() throws Exception {
        JsonNode list = admin.get("/api/v1/forwards").json();
        assertThat(list.get(0).path("name").asText()).isEqualTo("from-file");
        assertThat(list.get(0).path("source").asText()).isEqualTo("file");

        int port = freePort();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "echo");
        spec.put("listen", "127.0.0.1:" + port);
        spec.put("targets", List.of("127.0.0.1:" + echo.getLocalPort()));
        ApiClient.Answer created = admin.post("/api/v1/forwards", spec);
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String etag = created.header("ETag");
        assertThat(etag).isNotBlank();
        assertThat(roundTrip(port, "hello")).isEqualTo("hello");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                admin.get("/api/v1/forwards/echo").json().path("status").path("counters").path("totalConnections").asLong() >= 1);

        assertThat(admin.post("/api/v1/forwards", spec).status()).isEqualTo(409);
        Map<String, Object> bad = new HashMap<>(spec);
        bad.put("name", "bad");
        bad.put("listen", "127.0.0.1:70000");
        bad.put("balance", "randomly");
        ApiClient.Answer refused = admin.post("/api/v1/forwards", bad);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(fields(refused.json())).contains("listen", "balance");

        Map<String, Object> changed = new LinkedHashMap<>(spec);
        changed.put("max-connections", 5);
        // A change applies to new connections; one already open goes on through it.
        Socket held = new Socket("127.0.0.1", port);
        held.setSoTimeout(5000);
        held.getOutputStream().write("before\n".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(held.getInputStream().readNBytes(7), StandardCharsets.UTF_8)).isEqualTo("before\n");
        assertThat(admin.put("/api/v1/forwards/echo", changed, Map.of("If-Match", "\"1\"")).status()).isEqualTo(412);
        ApiClient.Answer updated = admin.put("/api/v1/forwards/echo", changed, Map.of("If-Match", etag));
        assertThat(updated.status()).as(updated.raw().body()).isEqualTo(200);
        assertThat(updated.header("ETag")).isNotEqualTo(etag);
        assertThat(admin.put("/api/v1/forwards/echo", changed, Map.of("If-Match", etag)).status()).isEqualTo(412);
        held.getOutputStream().write("after\n".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(held.getInputStream().readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("after\n");
        held.close();

        assertThat(admin.put("/api/v1/forwards/from-file", changed, Map.of()).status()).isEqualTo(403);
        assertThat(admin.delete("/api/v1/forwards/from-file").status()).isEqualTo(403);

        try (Socket open = new Socket("127.0.0.1", port)) {
            open.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/v1/connections?forward=echo").json().size() == 1);
            long id = admin.get("/api/v1/connections?forward=echo").json().get(0).path("id").asLong();
            assertThat(admin.delete("/api/v1/connections/" + id).status()).isEqualTo(204);
            open.setSoTimeout(5000);
            InputStream in = open.getInputStream();
            in.read(); // the echo of x
            await().atMost(Duration.ofSeconds(5)).until(() -> in.read() == -1 || true);
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/v1/connections?forward=echo").json().isEmpty());
        }

        assertThat(admin.post("/api/v1/forwards/echo/disable", null).json().path("enabled").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !listening(port));
        assertThat(admin.post("/api/v1/forwards/echo/enable", null).status()).isEqualTo(200);
        assertThat(roundTrip(port, "again")).isEqualTo("again");
        assertThat(admin.delete("/api/v1/forwards/echo").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> !listening(port));
        assertThat(admin.get("/api/v1/forwards/echo").status()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void aSecondFactorIsAskedForAndACodeWorksOnce() {
        JsonNode enrol = admin.post("/api/v1/account/totp", null).json();
        totpSecret = enrol.path("secret").asText();
        assertThat(enrol.path("uri").asText()).startsWith("otpauth://totp/Portcullis:alice?");
        long step = Totp.step(Instant.now());
        ApiClient.Answer confirmed = admin.post("/api/v1/account/totp/confirm", Map.of("code", Totp.code(totpSecret, step)));
        assertThat(confirmed.status()).as(confirmed.raw().body()).isEqualTo(200);
        assertThat(confirmed.json().path("recoveryCodes")).hasSize(10);
        String recovery = confirmed.json().path("recoveryCodes").get(0).asText();

        ApiClient second = new ApiClient(base, data);
        ApiClient.Answer half = second.login("alice", PASSWORD);
        assertThat(half.json().path("state").asText()).isEqualTo("totp");
        assertThat(second.get("/api/v1/status").status()).isEqualTo(401);
        // The code used to confirm is spent: replay refused.
        assertThat(second.post("/api/v1/login/totp", Map.of("code", Totp.code(totpSecret, step))).status()).isEqualTo(401);
        ApiClient.Answer ok = second.post("/api/v1/login/totp", Map.of("code", Totp.code(totpSecret, step + 1)));
        assertThat(ok.status()).as(ok.raw().body()).isEqualTo(200);
        second.withCsrf(ok.json().path("csrf").asText());
        assertThat(second.get("/api/v1/status").status()).isEqualTo(200);

        ApiClient third = new ApiClient(base, data);
        third.login("alice", PASSWORD);
        assertThat(third.post("/api/v1/login/totp", Map.of("recoveryCode", recovery)).status()).isEqualTo(200);
        ApiClient fourth = new ApiClient(base, data);
        fourth.login("alice", PASSWORD);
        assertThat(fourth.post("/api/v1/login/totp", Map.of("recoveryCode", recovery)).status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void everyRouteWantsCredentialsAndReadOnlyTokensOnlyRead() {
        JsonNode doc = admin.get("/api/v1/openapi.json").json();
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        ApiClient anonymous = new ApiClient(base, data);
        String read = admin.post("/api/v1/tokens", Map.of("name", "ci-read", "scope", "read")).json().path("token").asText();
        String full = admin.post("/api/v1/tokens", Map.of("name", "ci-admin", "scope", "admin")).json().path("token").asText();
        ApiClient reader = new ApiClient(base, data).withToken(read);
        ApiClient writer = new ApiClient(base, data).withToken(full);
        int routes = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String concrete = path.getKey().replaceAll("\\{[a-zA-Z]+}", "x");
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                boolean isPublic = op.getValue().path("security").isArray() && op.getValue().path("security").isEmpty();
                routes++;
                if (concrete.equals("/api/v1/events")) {
                    continue; // a stream; its 401 is checked below with a short request
                }
                ApiClient.Answer a = anonymous.send(method, concrete, method.equals("GET") ? null : Map.of(), Map.of());
                if (isPublic) {
                    assertThat(a.status()).as(method + " " + concrete).isNotIn(401, 404, 405, 500);
                } else {
                    assertThat(a.status()).as(method + " " + concrete).isEqualTo(401);
                    assertThat(a.json().path("error").asText()).isEqualTo("unauthenticated");
                }
                if (!method.equals("GET") && !isPublic) {
                    ApiClient.Answer r = reader.send(method, concrete, Map.of(), Map.of());
                    assertThat(r.status()).as("read-only token: " + method + " " + concrete).isEqualTo(403);
                }
            }
        }
        assertThat(routes).isGreaterThan(25);
        assertThat(reader.get("/api/v1/status").status()).isEqualTo(200);
        assertThat(reader.get("/metrics").raw().body()).contains("portcullis_forward_connections_total{forward=\"from-file\"}");
        assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
        // An admin token needs no CSRF token: browsers never send it by themselves.
        ApiClient.Answer ban = writer.post("/api/v1/bans", Map.of("network", "198.51.100.0/24", "duration", "5m"));
        assertThat(ban.status()).isEqualTo(201);
        writer.send("DELETE", "/api/v1/bans?network=198.51.100.0/24", null, Map.of());
        // Tokens are listed without their secret, and a revoked one stops working.
        JsonNode tokens = admin.get("/api/v1/tokens").json();
        assertThat(tokens.toString()).doesNotContain(read).doesNotContain(full);
        String readId = read.split("_")[1];
        assertThat(admin.delete("/api/v1/tokens/" + readId).status()).isEqualTo(204);
        assertThat(reader.get("/api/v1/status").status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void theOpenApiDocumentHasEveryRouteTheListenerServesAndNoOther() {
        JsonNode doc = admin.get("/api/v1/openapi.json").json();
        java.util.Set<String> documented = new java.util.TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
        java.util.Set<String> served = new java.util.TreeSet<>(gateway.adminRoutes());
        assertThat(served).isEqualTo(documented);
        // Every schema named is defined.
        java.util.Set<String> refs = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#/components/schemas/([A-Za-z]+)").matcher(doc.toString());
        while (m.find()) {
            refs.add(m.group(1));
        }
        refs.forEach(r -> assertThat(doc.path("components").path("schemas").has(r)).as(r).isTrue());
    }

    @Test
    @Order(6)
    void badBodiesGetFourHundredsNeverFiveHundreds() {
        assertThat(admin.send("POST", "/api/v1/forwards", "x".repeat(100_000), Map.of("Content-Type", "application/json")).status())
                .isEqualTo(413);
        assertThat(admin.send("POST", "/api/v1/forwards", "{\"name\": ", Map.of("Content-Type", "application/json")).status())
                .isEqualTo(400);
        assertThat(admin.send("POST", "/api/v1/forwards", "[1,2]", Map.of("Content-Type", "application/json")).status())
                .isEqualTo(400);
        assertThat(admin.send("POST", "/api/v1/forwards", "name=x", Map.of("Content-Type", "application/x-www-form-urlencoded")).status())
                .isEqualTo(415);
        assertThat(admin.post("/api/v1/forwards", Map.of("name", 5, "listen", List.of())).status()).isEqualTo(400);
        assertThat(admin.post("/api/v1/bans", Map.of("network", "300.1.1.1")).status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/audit?limit=100000").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/audit?since=yesterday").status()).isEqualTo(400);
        assertThat(admin.delete("/api/v1/connections/abc").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/nothing-here").status()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void theAuditLogTellsWhoDidWhatWithoutSecrets() {
        JsonNode page = admin.get("/api/v1/audit?limit=500").json();
        String all = page.toString();
        assertThat(all).contains("\"action\":\"login\"", "\"action\":\"forward.create\"", "\"action\":\"forward.delete\"",
                "\"action\":\"totp.enable\"", "\"action\":\"token.create\"", "\"action\":\"ban.add\"", "\"action\":\"user.create\"");
        assertThat(all).doesNotContain(PASSWORD).doesNotContain(totpSecret);
        JsonNode failures = admin.get("/api/v1/audit?action=login&limit=500").json().path("entries");
        assertThat(failures).anySatisfy(e -> assertThat(e.path("ok").asBoolean()).isFalse());
        assertThat(failures.get(0).path("source").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    @Order(8)
    void passwordGuessersAreThrottledAndBannedWhileTheUserStillLogsIn() throws Exception {
        ApiClient attacker = new ApiClient(base, data, InetAddress.getByName("127.0.0.9"));
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            int s = attacker.login("alice", "guess number " + i + " xyz").status();
            statuses.merge(s, 1, Integer::sum);
        }
        // A handful of guesses were checked; the rest were slowed down, then the guard banned the address.
        assertThat(statuses.getOrDefault(401, 0)).isBetween(1, 10);
        assertThat(statuses.getOrDefault(403, 0)).isPositive();
        assertThat(statuses.keySet()).doesNotContain(500, 200);
        assertThat(admin.get("/api/v1/bans").json().toString()).contains("127.0.0.9");
        // The real user, on a device that logged in before, still gets in.
        ApiClient.Answer in = admin.login("alice", PASSWORD);
        assertThat(in.status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/login/totp", Map.of("code", Totp.code(totpSecret, Totp.step(Instant.now()) + 1))).status())
                .isIn(200, 401);
    }

    private static List<String> fields(JsonNode error) {
        List<String> out = new java.util.ArrayList<>();
        error.path("problems").forEach(p -> out.add(p.path("field").asText()));
        return out;
    }

    private static String roundTrip(int port, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
            s.setSoTimeout(5000);
            s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[text.length()];
            int n = s.getInputStream().readNBytes(buf, 0, buf.length);
            return new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
