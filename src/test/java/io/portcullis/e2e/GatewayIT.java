package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway as a user runs it: {@code java -jar portcullis.jar run -c FILE} in its own process,
 * driven by the CLI, by edits of its config file and by signals.
 */
class GatewayIT {

    @TempDir
    Path dir;

    private Path config;
    private Path dataDir;
    private Process gateway;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        config = dir.resolve("portcullis.yaml");
        dataDir = dir.resolve("data");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    // ---- the tests ----------------------------------------------------------------------------------

    @Test
    void forwardsTcpAndUdpAndStatusCountsTheTraffic() throws Exception {
        Echo echo = keep(new Echo("a"));
        int port = freePort();
        writeConfig(forward("both", "both", port, echo.port()));
        startGateway();
        assertThat(tag(port)).isEqualTo("a");
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(5000);
            udp.send(new DatagramPacket("ping".getBytes(), 4, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            byte[] buf = new byte[100];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            udp.receive(reply);
            assertThat(new String(buf, 0, reply.getLength())).isEqualTo("a:ping");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode c = status().path("forwards").get(0).path("counters");
            assertThat(c.path("totalConnections").asLong()).isEqualTo(1);
            assertThat(c.path("bytesIn").asLong()).isEqualTo("ok\n".length() + "ping".length());
            assertThat(c.path("bytesOut").asLong()).isEqualTo("a\nok\n".length() + "a:ping".length());
            assertThat(c.path("packetsIn").asLong()).isEqualTo(1);
            assertThat(c.path("packetsOut").asLong()).isEqualTo(1);
        });
        Cli human = cli("status", "--data-dir", dataDir.toString());
        assertThat(human.code).isZero();
        assertThat(human.out).contains("both", "tcp+udp", "listening", "127.0.0.1:" + echo.port() + " up");
    }

    @Test
    void appliesAnEditedFileWithoutDroppingOpenConnections() throws Exception {
        Echo a = keep(new Echo("a"));
        Echo b = keep(new Echo("b"));
        int port = freePort();
        int added = freePort();
        writeConfig(forward("svc", "tcp", port, a.port()));
        startGateway();
        try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
            open.setSoTimeout(5000);
            assertThat(readLine(open.getInputStream())).isEqualTo("a");
            // Save the way editors do: write a new file, rename it over the old one.
            writeConfig(forward("svc", "tcp", port, b.port()) + forward("added", "tcp", added, b.port()));
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> tag(added).equals("b"));
            assertThat(tag(port)).isEqualTo("b");
            open.getOutputStream().write("still here\n".getBytes());
            assertThat(readLine(open.getInputStream())).isEqualTo("still here");
        }
        assertThat(log()).contains("reload (file change) applied");
    }

    @Test
    void refusesAnInvalidConfigAndKeepsRunningTheOldOne() throws Exception {
        Echo a = keep(new Echo("a"));
        int port = freePort();
        writeConfig(forward("svc", "tcp", port, a.port()) + "gateway:\n  watch-config: false\n");
        startGateway();
        writeConfig(forward("svc", "tcp", port, a.port()) + "  - name: broken\n    listen: 127.0.0.1:99999\n    targets: [127.0.0.1:1]\n");
        Cli reload = cli("reload", "--data-dir", dataDir.toString());
        assertThat(reload.code).isEqualTo(1);
        assertThat(reload.err).contains("reload refused").containsPattern("portcullis\\.yaml:\\d+:\\d+: port 99999 is out of range");
        assertThat(tag(port)).isEqualTo("a");
        assertThat(status().path("lastReloadError").asText()).contains("99999");
    }

    @Test
    void appliesTheConfigOnSighup() throws Exception {
        Echo a = keep(new Echo("a"));
        Echo b = keep(new Echo("b"));
        int port = freePort();
        String noWatch = "gateway:\n  watch-config: false\n";
        writeConfig(noWatch + forward("svc", "tcp", port, a.port()));
        startGateway();
        writeConfig(noWatch + forward("svc", "tcp", port, b.port()));
        Thread.sleep(500);
        assertThat(tag(port)).as("without a signal nothing changes").isEqualTo("a");
        new ProcessBuilder("kill", "-HUP", String.valueOf(gateway.pid())).start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> tag(port).equals("b"));
    }

    @Test
    void letsOpenConnectionsFinishOnSigtermThenExits() throws Exception {
        Echo a = keep(new Echo("a"));
        int port = freePort();
        writeConfig("gateway:\n  stop-grace: 20s\n" + forward("svc", "tcp", port, a.port()));
        startGateway();
        try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
            open.setSoTimeout(5000);
            assertThat(readLine(open.getInputStream())).isEqualTo("a");
            gateway.destroy(); // SIGTERM
            await().atMost(Duration.ofSeconds(5)).until(() -> !canConnect(port));
            open.getOutputStream().write("last words\n".getBytes());
            assertThat(readLine(open.getInputStream())).isEqualTo("last words");
            assertThat(gateway.isAlive()).isTrue();
        }
        assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).as("exits once the last connection ended").isTrue();
        assertThat(gateway.exitValue()).isZero();
    }

    @Test
    void closesConnectionsLeftOpenWhenTheGracePeriodEnds() throws Exception {
        Echo a = keep(new Echo("a"));
        int port = freePort();
        writeConfig("gateway:\n  stop-grace: 1s\n" + forward("svc", "tcp", port, a.port()));
        startGateway();
        try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
            open.setSoTimeout(10_000);
            assertThat(readLine(open.getInputStream())).isEqualTo("a");
            long t0 = System.nanoTime();
            gateway.destroy();
            assertThat(open.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(8));
        }
        assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void namesTheHolderOfABusyPortAndBindsItOnReloadOnceFree() throws Exception {
        Echo a = keep(new Echo("a"));
        int free = freePort();
        ServerSocket holder = new ServerSocket(freePort(), 1, InetAddress.getLoopbackAddress());
        int busy = holder.getLocalPort();
        writeConfig("gateway:\n  watch-config: false\n" + forward("busy", "tcp", busy, a.port()) + forward("fine", "tcp", free, a.port()));
        startGateway();
        assertThat(tag(free)).isEqualTo("a");
        JsonNode busyStatus = status().path("forwards").get(0);
        assertThat(busyStatus.path("state").asText()).isEqualTo("failed");
        assertThat(busyStatus.path("listeners").get(0).path("error").asText())
                .contains("already in use by java (pid " + ProcessHandle.current().pid());
        assertThat(cli("status", "--data-dir", dataDir.toString()).out).contains("! busy: cannot listen on tcp 127.0.0.1:" + busy);
        holder.close();
        Cli reload = cli("reload", "--data-dir", dataDir.toString());
        assertThat(reload.code).isZero();
        assertThat(tag(busy)).isEqualTo("a");
    }

    @Test
    void validateAnswersWithExitCodesAndNeverAStackTrace() throws Exception {
        writeConfig(forward("ok", "tcp", 20_001, 20_002));
        assertThat(cli("validate", "-c", config.toString()).code).isZero();
        Files.writeString(config, "forwards:\n  - name: x\n    lisen: 1\n");
        Cli bad = cli("validate", "-c", config.toString());
        assertThat(bad.code).isEqualTo(1);
        assertThat(bad.err).containsPattern("portcullis\\.yaml:3:5: unknown key 'lisen'.*did you mean 'listen'");
        assertThat(cli("validate").code).isEqualTo(2);
        for (Cli c : List.of(bad, cli("validate", "-c", dir.resolve("missing.yaml").toString()),
                cli("status", "--data-dir", dir.resolve("nobody-home").toString()), cli("run", "--bogus"),
                cli("check", "70000"))) {
            assertThat(c.code).isNotZero();
            assertThat(c.out + c.err).doesNotContain("Exception", "\tat ");
        }
        assertThat(cli("status", "--data-dir", dir.resolve("nobody-home").toString()).err).contains("no gateway is running");
    }

    @Test
    void startsOnBuiltInDefaultsAndWritesASampleThatValidates() throws Exception {
        gateway = new ProcessBuilder(java(), "-jar", jar(), "run", "--data-dir", dataDir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
        Path sample = dataDir.resolve("portcullis.sample.yaml");
        // The sample is written once the whole gateway, admin listener included, is up.
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(sample) && Files.size(sample) > 100);
        assertThat(status().path("forwards").size()).isZero();
        assertThat(cli("validate", "-c", sample.toString()).code).isZero();
        assertThat(log()).contains("running on built-in defaults");
    }

    @Test
    void bansAreAddedListedAndLiftedOfflineAndOnAndSurviveARestart() throws Exception {
        Echo a = keep(new Echo("a"));
        int port = freePort();
        String data = dataDir.toString();
        // No gateway yet: the command edits the bans in the store (portcullis.db) itself.
        Cli add = cli("bans", "add", "127.0.0.5", "--for", "2h", "--reason", "test scanner", "--data-dir", data);
        assertThat(add.code).as(add.err).isZero();
        assertThat(add.out).contains("banned 127.0.0.5 until");
        assertThat(cli("bans", "add", "10.0.0.0/33", "--data-dir", data).err).contains("/33").doesNotContain("Exception");
        assertThat(cli("bans", "add", "10.0.0.0/8", "--for", "soon", "--data-dir", data).code).isEqualTo(2);

        writeConfig("gateway:\n  watch-config: false\n" + forward("svc", "tcp", port, a.port()));
        startGateway();
        assertThat(reachesFrom("127.0.0.5", port)).as("banned before the start").isFalse();
        assertThat(reachesFrom("127.0.0.6", port)).isTrue();
        Cli list = cli("bans", "--data-dir", data);
        assertThat(list.out).contains("127.0.0.5", "test scanner", "hand");
        assertThat(cli("bans", "add", "127.0.0.6", "--for", "10m", "--data-dir", data).code).isZero();
        assertThat(reachesFrom("127.0.0.6", port)).as("banned while running").isFalse();
        assertThat(cli("bans", "lift", "127.0.0.5", "--data-dir", data).out).contains("lifted the ban on 127.0.0.5");
        assertThat(reachesFrom("127.0.0.5", port)).isTrue();
        assertThat(cli("bans", "lift", "127.0.0.9", "--data-dir", data).code).isEqualTo(1);
        JsonNode counters = status().path("forwards").get(0).path("counters");
        assertThat(counters.path("refusedBy").path("ban").asLong()).isEqualTo(2);

        gateway.destroy();
        assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
        startGateway();
        JsonNode bans = new ObjectMapper().readTree(cli("bans", "list", "--json", "--data-dir", data).out);
        assertThat(bans).extracting(b -> b.path("network").asText()).containsExactly("127.0.0.6");
        assertThat(reachesFrom("127.0.0.6", port)).as("still banned after the restart").isFalse();
        assertThat(dataDir.resolve("bans.json")).doesNotExist();

        // The gateway runs but its socket is gone: the store is held, and the command says so in words.
        Files.delete(dataDir.resolve("control.sock"));
        Cli held = cli("bans", "add", "127.0.0.8", "--data-dir", data);
        assertThat(held.code).isEqualTo(1);
        assertThat(held.err).contains("a running gateway holds the store").doesNotContain("Exception", "\tat ");
    }

    @Test
    void firstStartPrintsASetupLinkAndTheCertificateFingerprintTheApiThenShows() throws Exception {
        int adminPort = freePort();
        Files.writeString(config, "gateway:\n  watch-config: false\nadmin:\n  listen: 127.0.0.1:" + adminPort + "\nforwards: []\n");
        startGateway();
        await().atMost(Duration.ofSeconds(30)).until(() -> log().contains("#/setup?token="));
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("open (https://127\\.0\\.0\\.1:" + adminPort
                + "/)#/setup\\?token=([A-Za-z0-9_-]+)").matcher(log());
        assertThat(link.find()).as(log()).isTrue();
        java.util.regex.Matcher print = java.util.regex.Pattern.compile("certificate SHA-256 ([0-9A-F:]{95})").matcher(log());
        assertThat(print.find()).as(log()).isTrue();
        String fingerprint = print.group(1);
        javax.net.ssl.SSLContext pinned = javax.net.ssl.SSLContext.getInstance("TLS");
        pinned.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                try {
                    byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
                    String seen = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
                    if (!seen.equals(fingerprint)) {
                        throw new java.security.cert.CertificateException("fingerprint " + seen + " is not the printed " + fingerprint);
                    }
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new java.security.cert.CertificateException(e);
                }
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(pinned).build();
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> post = (path, body) -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link.group(1) + path.substring(1)))
                        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        var setup = post.apply("/api/v1/setup", "{\"token\":\"" + link.group(2) + "\",\"user\":\"root-admin\",\"password\":\"quiet harbor lantern 1987 mosaic\"}");
        assertThat(setup.statusCode()).as(setup.body()).isEqualTo(201);
        var login = post.apply("/api/v1/login", "{\"user\":\"root-admin\",\"password\":\"quiet harbor lantern 1987 mosaic\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        assertThat(status().path("admin").path("fingerprint").asText()).isEqualTo(fingerprint);

        // A forward made through the API is acknowledged, then the gateway is killed (SIGKILL): it is still there.
        Echo a = keep(new Echo("a"));
        int port = freePort();
        String csrf = new ObjectMapper().readTree(login.body()).path("csrf").asText();
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-portcullis-session="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        var made = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link.group(1) + "api/v1/forwards"))
                .header("Content-Type", "application/json").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"made-live\",\"listen\":\"127.0.0.1:" + port
                        + "\",\"targets\":[\"127.0.0.1:" + a.port() + "\"]}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        assertThat(reachesFrom("127.0.0.1", port)).isTrue();
        gateway.destroyForcibly();
        assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(canConnect(port)).isFalse();
        startGateway();
        await().atMost(Duration.ofSeconds(20)).until(() -> reachesFrom("127.0.0.1", port));

        // The same certificate after a restart, and no new setup link once an admin exists.
        gateway.destroy();
        assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Files.delete(dir.resolve("gateway.log"));
        startGateway();
        // The data plane answers first; the admin listener follows.
        await().atMost(Duration.ofSeconds(60)).until(() -> status().path("admin").hasNonNull("fingerprint"));
        assertThat(status().path("admin").path("fingerprint").asText()).isEqualTo(fingerprint);
        assertThat(log()).doesNotContain("#/setup?token=");
    }

    @Test
    void aBadAdminBlockIsRefusedWithItsPlace() throws Exception {
        Files.writeString(config, "admin:\n  listen: 127.0.0.1:9000-9001\n  session-idle: 10s\n  lisen: x\n");
        Cli c = cli("validate", "-c", config.toString());
        assertThat(c.code).isEqualTo(1);
        assertThat(c.err).contains(":2:", "is a range").contains(":4:", "lisen").doesNotContain("Exception");
    }

    private static boolean reachesFrom(String source, int port) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 3000);
            s.setSoTimeout(3000);
            return "a".equals(readLine(s.getInputStream()));
        } catch (IOException e) {
            return false;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static String forward(String name, String protocol, int listen, int target) {
        return "  - name: " + name + "\n    protocol: " + protocol + "\n    listen: 127.0.0.1:" + listen
                + "\n    targets: [127.0.0.1:" + target + "]\n";
    }

    /** Writes the config (forwards first, then any gateway block), atomically, as an editor saves. */
    private void writeConfig(String body) throws IOException {
        StringBuilder forwards = new StringBuilder("forwards:\n");
        StringBuilder rest = new StringBuilder();
        boolean inGateway = false;
        for (String line : body.split("\n", -1)) {
            if (line.equals("gateway:")) {
                inGateway = true;
            } else if (line.startsWith("  - name:")) {
                inGateway = false;
            }
            (inGateway ? rest : forwards).append(line.isEmpty() ? "" : line + "\n");
        }
        Path tmp = dir.resolve(".portcullis.yaml.tmp");
        // These tests are about forwarding; the admin listener has its own (and would wait for port 9443).
        String admin = body.contains("admin:") ? "" : "admin:\n  enabled: false\n";
        Files.writeString(tmp, rest + admin + forwards.toString());
        Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void startGateway() throws Exception {
        gateway = new ProcessBuilder(java(), "-jar", jar(), "run", "-c", config.toString(), "--data-dir", dataDir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> status().path("ok").asBoolean());
    }

    private JsonNode status() throws IOException {
        Cli c = cli("status", "--json", "--data-dir", dataDir.toString());
        if (c.code != 0) {
            throw new IOException(c.err);
        }
        return new ObjectMapper().readTree(c.out);
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("gateway.log"));
    }

    private record Cli(int code, String out, String err) {}

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        String jar = System.getProperty("portcullis.jar", "target/portcullis.jar");
        assertThat(Path.of(jar)).as("the packaged jar (run through 'mvn verify')").exists();
        return jar;
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private static int freePort() {
        for (int i = 0; i < 200; i++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress());
                    DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tag(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            String tag = readLine(s.getInputStream());
            s.getOutputStream().write("ok\n".getBytes());
            assertThat(readLine(s.getInputStream())).isEqualTo("ok");
            return tag;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** TCP: sends its tag line, then echoes. UDP on the same port: answers tag:payload. */
    private static final class Echo implements AutoCloseable {
        private final ServerSocket tcp;
        private final DatagramSocket udp;

        Echo(String tag) throws IOException {
            int p = freePort();
            tcp = new ServerSocket(p, 50, InetAddress.getLoopbackAddress());
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
            Thread.ofVirtual().start(() -> {
                while (!tcp.isClosed()) {
                    try {
                        Socket s = tcp.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                                out.write((tag + "\n").getBytes());
                                byte[] buf = new byte[4096];
                                for (int n; (n = in.read(buf)) > 0; ) {
                                    out.write(buf, 0, n);
                                }
                            } catch (IOException e) {
                                // peer gone
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                while (!udp.isClosed()) {
                    try {
                        DatagramPacket p2 = new DatagramPacket(buf, buf.length);
                        udp.receive(p2);
                        byte[] r = (tag + ":" + new String(p2.getData(), 0, p2.getLength())).getBytes();
                        udp.send(new DatagramPacket(r, r.length, p2.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return tcp.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            tcp.close();
            udp.close();
        }
    }
}
