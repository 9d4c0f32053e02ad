package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.Gateway;
import io.portcullis.config.ConfigLoader;
import io.portcullis.forward.BindFailureExplainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A real gateway on loopback for the CLI's tests: admin API on a free port with its self-signed certificate,
 * first-run setup done with the setup token, and an admin API token made by the logged-in admin exactly as a
 * user would (POST /api/v1/tokens with the session cookie and X-CSRF-Token).
 */
final class LiveGateway implements AutoCloseable {

    static final String ADMIN = "admin";
    static final String PASSWORD = "Tq8#vLm2-Rp7zWx!kB";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One command's outcome. */
    record Run(int code, String out, String err) {}

    final Path dataDir;
    final Gateway gateway;
    final String url;
    final String fingerprint;
    final String adminToken;
    final Path passwordFile;

    private LiveGateway(Path dataDir, Gateway gateway, String adminToken, Path passwordFile) {
        this.dataDir = dataDir;
        this.gateway = gateway;
        this.url = "https://127.0.0.1:" + gateway.adminPort();
        this.fingerprint = gateway.adminFingerprint().orElseThrow();
        this.adminToken = adminToken;
        this.passwordFile = passwordFile;
    }

    /** The YAML of a gateway on {@code dataDir} with the admin API on a free port, plus {@code forwards}. */
    static String yaml(Path dataDir, String forwards) {
        return """
                gateway:
                  data-dir: %s
                  watch-config: false
                  stop-grace: 1s
                admin:
                  listen: 127.0.0.1:0
                %s""".formatted(dataDir, forwards.isEmpty() ? "" : "forwards:\n" + forwards);
    }

    /**
     * Starts a gateway without setting anything up. The config is written to a file beside the data directory and
     * loaded from there, as 'portcullis run -c' does: a config parsed from text has no file, and the gateway then
     * drops the file's forwards when it joins the API's forwards to it (ApiForwards.join; reported to the lead).
     */
    static Gateway startBare(Path dataDir, String forwards) throws Exception {
        Path file = dataDir.resolveSibling(dataDir.getFileName() + ".yaml");
        Files.writeString(file, yaml(dataDir, forwards));
        Gateway g = new Gateway(ConfigLoader.load(file), BindFailureExplainer.PLAIN);
        g.start();
        assertThat(g.adminPort()).as("admin API runs").isPositive();
        return g;
    }

    /** Starts a gateway, makes the first admin through setup and an admin token through a session. */
    static LiveGateway start(Path dataDir, String forwards) throws Exception {
        Gateway g = startBare(dataDir, forwards);
        try {
            Path pw = dataDir.resolveSibling(dataDir.getFileName() + ".pw");
            Files.writeString(pw, PASSWORD + "\n");
            HttpClient http = http(g.adminFingerprint().orElseThrow());
            String base = "https://127.0.0.1:" + g.adminPort();
            JsonNode setup = call(http, base, "POST", "/api/v1/setup",
                    Map.of("token", g.setupToken().orElseThrow(), "user", ADMIN, "password", PASSWORD), null, 201);
            assertThat(setup.path("user").asText()).isEqualTo(ADMIN);
            Session session = login(http, base, ADMIN, PASSWORD);
            JsonNode token = call(http, base, "POST", "/api/v1/tokens", Map.of("name", "tests", "scope", "admin"), session, 201);
            return new LiveGateway(dataDir, g, token.path("token").asText(), pw);
        } catch (Exception | AssertionError e) {
            g.stop();
            throw e;
        }
    }

    /** An HTTPS client that trusts exactly the certificate with {@code fingerprint}, and keeps cookies. */
    static HttpClient http(String fingerprint) {
        return HttpClient.newBuilder().sslContext(new PinnedTrust(fingerprint).context()).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A logged-in session: its cookie and CSRF token. */
    record Session(String cookie, String csrf) {}

    /** Logs in with a password; the answer must be 200. */
    static Session login(HttpClient http, String base, String user, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("user", user, "password", password))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("login: " + r.body()).isEqualTo(200);
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-portcullis-session="))
                .map(c -> c.split(";", 2)[0]).findFirst().orElseThrow();
        return new Session(cookie, JSON.readTree(r.body()).path("csrf").asText());
    }

    static JsonNode call(HttpClient http, String base, String method, String path, Object body, Session session, int expected)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (session != null) {
            b.header("Cookie", session.cookie()).header("X-CSRF-Token", session.csrf());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /** Runs the CLI as a user would type it. */
    static Run cli(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs one command object (whose standard input a test may have set), with the CLI's error handling. */
    static Run command(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(new Main.Errors());
        return run(cl, args);
    }

    private static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs the CLI against this gateway's API with {@code token}: --url, --fingerprint and --token appended. */
    Run withToken(String token, String... args) {
        return cli(withApi(token, args));
    }

    /** {@code args} with --url, --fingerprint and --token appended. */
    String[] withApi(String token, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--fingerprint", fingerprint, "--token", token));
        return all.toArray(String[]::new);
    }

    /** Runs the CLI against this gateway's API as the admin token. */
    Run api(String... args) {
        return withToken(adminToken, args);
    }

    /** A port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        gateway.stop();
    }
}
