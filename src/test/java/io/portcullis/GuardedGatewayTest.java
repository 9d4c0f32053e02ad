package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.ConfigLoader;
import io.portcullis.forward.BindFailureExplainer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole gateway with its guard, on loopback: single-packet authorization with the stock fwknop client,
 * access rules, bans across forwards, and the refusal counters in status. Other client addresses are
 * 127.0.0.2 and up, which Linux routes on loopback.
 */
class GuardedGatewayTest {

    @TempDir
    Path dir;

    private Gateway gateway;
    private ServerSocket backend;
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private int startBackend() throws IOException {
        backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!backend.isClosed()) {
                try {
                    Socket s = backend.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; OutputStream out = s.getOutputStream()) {
                            out.write("hello\n".getBytes());
                            out.flush();
                            s.getInputStream().read();
                        } catch (IOException ignored) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return backend.getLocalPort();
    }

    private static int freePort() {
        for (int i = 0; i < 200; i++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress());
                    DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                return p;
            } catch (IOException taken) {
                // next
            }
        }
        throw new IllegalStateException("no free port");
    }

    private void start(String yaml) throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, "gateway:\n  data-dir: " + dir.resolve("data") + "\n  watch-config: false\nadmin:\n  enabled: false\n" + yaml);
        gateway = new Gateway(ConfigLoader.load(file), BindFailureExplainer.PLAIN);
        gateway.start();
    }

    /** One SPA client 'laptop' and one TCP forward 'ssh' guarded by {@code spa}; 127.0.0.1 is never banned. */
    private static String spaConfig(int spaPort, String key, String hmac, int port, int target, String spa) {
        return """
                guard:
                  bans: {never-ban: [127.0.0.1]}
                  spa:
                    listen: 127.0.0.1:%d
                    clients:
                      - {name: laptop, key: "%s", hmac-key: "%s"}
                forwards:
                  - name: ssh
                    listen: 127.0.0.1:%d
                    targets: [127.0.0.1:%d]
                    spa: %s
                """.formatted(spaPort, key, hmac, port, target, spa);
    }

    /** Whether a client from {@code source} gets the backend's greeting through {@code port}. */
    private static boolean reaches(String source, int port) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[6];
            int n = in.readNBytes(buf, 0, 6);
            return n == 6 && new String(buf).equals("hello\n");
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode status() {
        return json.valueToTree(gateway.status());
    }

    private static String keyB64(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private static boolean fwknopPresent() {
        boolean present = List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, "fwknop")));
        if (Boolean.getBoolean("portcullis.requirePeers")) {
            assertThat(present).as("fwknop must be installed (apt-get install fwknop-client)").isTrue();
        }
        return present;
    }

    /** Runs the stock client exactly as a user would, saving the packet it sent to {@code saved}. */
    private static void knock(int spaPort, String key, String hmac, Path saved, String... access) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("fwknop", "-D", "127.0.0.1", "--server-port", String.valueOf(spaPort),
                "--key-base64-rijndael", key, "--key-base64-hmac", hmac, "--use-hmac", "--no-save-args", "--no-rc-file",
                "-s", "-B", saved.toString()));
        cmd.addAll(List.of(access));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("fwknop said: %s", out).isZero();
    }

    @Test
    @Tag("peer")
    void fwknopOpensAGuardedPortForItsSourceOnlyAndOnlyForAWhile() throws Exception {
        assumeThat(fwknopPresent()).as("fwknop is installed").isTrue();
        int target = startBackend();
        int port = freePort();
        int spaPort = freePort();
        String key = keyB64(32);
        String hmac = keyB64(64);
        start(spaConfig(spaPort, key, hmac, port, target, "{open-for: 3s}"));

        assertThat(reaches("127.0.0.1", port)).as("before the knock").isFalse();

        Path packet = dir.resolve("packet.txt");
        knock(spaPort, key, hmac, packet, "-A", "tcp/" + port);
        await().atMost(Duration.ofSeconds(5)).until(() -> reaches("127.0.0.1", port));
        assertThat(reaches("127.0.0.2", port)).as("another source").isFalse();

        // The same packet again, as an eavesdropper would send it: refused as a replay.
        byte[] saved = Files.readString(packet).strip().getBytes();
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.send(new DatagramPacket(saved, saved.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), spaPort)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> status().path("guard").path("spaPackets").path("replay").asLong() == 1);

        // Keys that are not the client's: refused and counted, and nothing opens for 127.0.0.1's forward twice.
        knock(spaPort, key, keyB64(64), dir.resolve("bad-hmac.txt"), "-A", "tcp/" + port);
        await().atMost(Duration.ofSeconds(5)).until(() -> status().path("guard").path("spaPackets").path("bad-hmac").asLong() == 1);
        knock(spaPort, keyB64(32), hmac, dir.resolve("bad-key.txt"), "-A", "tcp/" + port);
        await().atMost(Duration.ofSeconds(5)).until(() -> status().path("guard").path("spaPackets").path("decrypt-failed").asLong() == 1);
        assertThat(status().path("guard").path("spaPackets").path("accepted").asLong()).isEqualTo(1);

        // After open-for, new connections are refused again.
        await().atMost(Duration.ofSeconds(8)).pollDelay(Duration.ofSeconds(2)).until(() -> !reaches("127.0.0.1", port));
        JsonNode counters = status().path("forwards").get(0).path("counters");
        assertThat(counters.path("refusedBy").path("spa").asLong()).isGreaterThanOrEqualTo(3);
    }

    @Test
    @Tag("peer")
    void fwknopOpensAGuardedUdpForwardToo() throws Exception {
        assumeThat(fwknopPresent()).as("fwknop is installed").isTrue();
        int port = freePort();
        int spaPort = freePort();
        String key = keyB64(32);
        String hmac = keyB64(64);
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[1500];
                while (!echo.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            start("""
                    guard:
                      bans: {never-ban: [127.0.0.1]}
                      spa:
                        listen: 127.0.0.1:%d
                        clients:
                          - {name: phone, key: "%s", hmac-key: "%s"}
                    forwards:
                      - name: voice
                        protocol: udp
                        listen: 127.0.0.1:%d
                        targets: [127.0.0.1:%d]
                        spa: {clients: [phone]}
                    """.formatted(spaPort, key, hmac, port, echo.getLocalPort()));
            assertThat(udpAnswers(port)).as("before the knock").isFalse();
            knock(spaPort, key, hmac, dir.resolve("p.txt"), "-A", "udp/" + port);
            await().atMost(Duration.ofSeconds(5)).until(() -> udpAnswers(port));
            assertThat(status().path("forwards").get(0).path("counters").path("refusedBy").path("spa").asLong()).isPositive();
        }
    }

    private static boolean udpAnswers(int port) {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(500);
            s.send(new DatagramPacket("hi".getBytes(), 2, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            s.receive(p);
            return new String(p.getData(), 0, p.getLength()).equals("hi");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void deniedClientsAreRefusedCountedAndBannedFromEveryForward() throws Exception {
        int target = startBackend();
        int web = freePort();
        int open = freePort();
        start("""
                guard:
                  bans: {max-retries: 3, find-time: 1m, ban-time: 1h}
                forwards:
                  - name: web
                    listen: 127.0.0.1:%d
                    targets: [127.0.0.1:%d]
                    access:
                      rules:
                        - deny: 127.0.0.3
                  - name: open
                    listen: 127.0.0.1:%d
                    targets: [127.0.0.1:%d]
                """.formatted(web, target, open, target));
        assertThat(reaches("127.0.0.2", web)).isTrue();
        assertThat(reaches("127.0.0.3", open)).as("not banned yet").isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(reaches("127.0.0.3", web)).isFalse();
        }
        assertThat(reaches("127.0.0.3", open)).as("banned everywhere now").isFalse();
        assertThat(reaches("127.0.0.2", open)).isTrue();

        JsonNode webCounters = status().path("forwards").get(0).path("counters");
        assertThat(webCounters.path("refusedBy").path("rule").asLong()).isEqualTo(3);
        assertThat(status().path("forwards").get(1).path("counters").path("refusedBy").path("ban").asLong()).isEqualTo(1);

        JsonNode bans = json.valueToTree(gateway.bans("list", Map.of())).path("bans");
        assertThat(bans).hasSize(1);
        assertThat(bans.get(0).path("network").asText()).isEqualTo("127.0.0.3");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(gateway.store().get("bans/active/127.0.0.3")).as("written behind to the store").isPresent());
        json.valueToTree(gateway.bans("lift", Map.of("network", "127.0.0.3")));
        assertThat(reaches("127.0.0.3", open)).as("lifted").isTrue();
        assertThat(gateway.store().get("bans/active/127.0.0.3")).as("lifted in the store too").isEmpty();

        JsonNode bad = json.valueToTree(gateway.bans("add", Map.of("network", "127.0.0.0/33")));
        assertThat(bad.path("ok").asBoolean()).isFalse();
        assertThat(bad.path("error").asText()).contains("/33");
    }

    @Test
    void refusesASourceThatAnotherWriterBansInTheStore() throws Exception {
        int target = startBackend();
        int port = freePort();
        start("""
                forwards:
                  - name: web
                    listen: 127.0.0.1:%d
                    targets: [127.0.0.1:%d]
                """.formatted(port, target));
        assertThat(reaches("127.0.0.4", port)).isTrue();
        java.time.Instant now = java.time.Instant.now();
        gateway.store().put("bans/active/127.0.0.4", ("{\"network\":\"127.0.0.4\",\"reason\":\"node b\",\"since\":\"" + now
                + "\",\"until\":\"" + now.plusSeconds(3600) + "\",\"count\":1,\"manual\":true}").getBytes());
        await().atMost(Duration.ofSeconds(1)).until(() -> !reaches("127.0.0.4", port));
        assertThat(reaches("127.0.0.2", port)).isTrue();
    }

    private long spaPacketsCounted() throws Exception {
        long n = 0;
        for (JsonNode v : status().path("guard").path("spaPackets")) {
            n += v.asLong();
        }
        return n;
    }

    @Test
    void randomAndTruncatedSpaPacketsAreCountedAndOpenNothing() throws Exception {
        int target = startBackend();
        int port = freePort();
        int spaPort = freePort();
        start(spaConfig(spaPort, keyB64(32), keyB64(64), port, target, "true"));
        java.util.Random r = new java.util.Random(7);
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), spaPort);
            for (int i = 0; i < 2000; i++) {
                byte[] b;
                if (i % 2 == 0) {
                    b = new byte[1 + r.nextInt(1600)];
                    r.nextBytes(b);
                } else {
                    // Base64 text of plausible length, as a real packet looks from outside.
                    byte[] raw = new byte[100 + r.nextInt(300)];
                    r.nextBytes(raw);
                    b = Base64.getEncoder().withoutPadding().encode(raw);
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                }
                s.send(new DatagramPacket(b, b.length, to));
                sent++;
                if (i % 50 == 49) {
                    // Wait for the listener to judge each 50 before sending more, so that the socket buffer
                    // never overflows however loaded the machine is: every packet sent must be counted.
                    int upTo = sent;
                    await().atMost(Duration.ofSeconds(20)).until(() -> spaPacketsCounted() == upTo);
                }
            }
        }
        assertThat(spaPacketsCounted()).isEqualTo(sent);
        assertThat(status().path("guard").path("spaPackets").path("accepted").asLong()).isZero();
        assertThat(status().path("guard").path("spaOpen").asInt()).isZero();
        assertThat(reaches("127.0.0.1", port)).isFalse();
    }
}
