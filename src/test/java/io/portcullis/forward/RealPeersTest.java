package io.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.Forward;
import io.portcullis.config.Settings;
import io.portcullis.net.ListenAddress;
import io.portcullis.net.Protocol;
import io.portcullis.net.TargetAddress;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwards driven by the programs users really point at them: socat, ncat and iperf3. Skipped where a
 * program is missing, unless {@code -Dportcullis.requirePeers=true} (the test script sets it) makes that a failure.
 */
@Tag("peer")
class RealPeersTest {

    @TempDir
    Path tmp;

    private ForwardEngine engine;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
        if (engine != null) {
            engine.close();
        }
    }

    private static void require(String program) {
        boolean present = List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        if (Boolean.getBoolean("portcullis.requirePeers")) {
            assertThat(present).as(program + " must be installed (scripts/test installs it)").isTrue();
        }
        assumeThat(present).as(program + " is installed").isTrue();
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("p" + processes.size() + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private void forward(Set<Protocol> protocols, int listen, int target) {
        Settings s = new Settings(tmp, Duration.ofSeconds(2), 2, false, false);
        engine = new ForwardEngine(s, BindFailureExplainer.PLAIN);
        Forward f = Forward.simple("peer", protocols, ListenAddress.parse("127.0.0.1:" + listen),
                List.of(TargetAddress.parse("127.0.0.1:" + target)));
        ApplyResult r = engine.apply(new GatewayConfig(List.of(f), s, Optional.empty()));
        assertThat(r.bindFailures()).isEmpty();
    }

    private static void waitForPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (var s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }

    /** Sends probes until the UDP echo service answers one. */
    private static void waitForUdpEcho(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (var s = new java.net.DatagramSocket()) {
            s.setSoTimeout(200);
            var to = new java.net.InetSocketAddress("127.0.0.1", port);
            while (System.nanoTime() < deadline) {
                s.send(new java.net.DatagramPacket(new byte[] {'?'}, 1, to));
                try {
                    s.receive(new java.net.DatagramPacket(new byte[16], 16));
                    return;
                } catch (java.net.SocketTimeoutException e) {
                    // not up yet
                }
            }
        }
        throw new AssertionError("no UDP echo on " + port);
    }

    @Test
    void socatSendsAMegabyteThroughSocatEchoAndGetsItBackAfterHalfClose() throws Exception {
        require("socat");
        int target = TestNet.freeRange(1);
        int listen = TestNet.freeRange(1);
        // socat as the echo service: it passes the FIN to cat and sends cat's output until cat ends.
        // (ncat --exec cuts the reply short on half-close, with or without a gateway in between.)
        start("socat", "-t", "10", "TCP-LISTEN:" + target + ",bind=127.0.0.1,fork,reuseaddr", "EXEC:/bin/cat");
        waitForPort(target);
        forward(Set.of(Protocol.TCP), listen, target);
        byte[] payload = new byte[1 << 20];
        new Random(42).nextBytes(payload);
        Path in = Files.write(tmp.resolve("in.bin"), payload);
        Path out = tmp.resolve("out.bin");
        // socat sends the file, half-closes at its end, and keeps reading until the echo is complete.
        Process client = new ProcessBuilder("socat", "-t", "10", "-", "TCP:127.0.0.1:" + listen)
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).start();
        processes.add(client);
        assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.size(out)).as("bytes echoed back").isEqualTo(payload.length);
        assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(payload));
        ForwardStatus.Counters c = engine.status().get(0).counters();
        assertThat(c.bytesIn()).isEqualTo(payload.length);
        assertThat(c.bytesOut()).isEqualTo(payload.length);
    }

    @Test
    void socatUdpClientTalksToASocatUdpServerThroughASession() throws Exception {
        require("socat");
        int target = TestNet.freeRange(1);
        int listen = TestNet.freeRange(1);
        start("socat", "-T", "5", "UDP-LISTEN:" + target + ",bind=127.0.0.1,fork,reuseaddr", "EXEC:/bin/cat");
        waitForUdpEcho(target);
        forward(Set.of(Protocol.UDP), listen, target);
        Path in = Files.writeString(tmp.resolve("dgram.txt"), "hello over udp\n");
        Process client = new ProcessBuilder("socat", "-T", "2", "-", "UDP:127.0.0.1:" + listen)
                .redirectInput(in.toFile()).redirectErrorStream(true).start();
        processes.add(client);
        String reply = new String(client.getInputStream().readAllBytes());
        client.waitFor(10, TimeUnit.SECONDS);
        assertThat(reply).isEqualTo("hello over udp\n");
        assertThat(engine.status().get(0).counters().totalUdpSessions()).isEqualTo(1);
    }

    @Test
    void iperf3TcpAndUdpRunThroughABothProtocolsForward() throws Exception {
        require("iperf3");
        int target = TestNet.freeRange(1);
        int listen = TestNet.freeRange(1);
        start("iperf3", "-s", "-B", "127.0.0.1", "-p", String.valueOf(target));
        waitForPort(target);
        forward(Set.of(Protocol.TCP, Protocol.UDP), listen, target);

        JsonNode tcp = iperf("-c", "127.0.0.1", "-p", String.valueOf(listen), "-t", "2", "-J");
        long tcpBytes = tcp.path("end").path("sum_received").path("bytes").asLong();
        assertThat(tcpBytes).isPositive();
        assertThat(engine.status().get(0).counters().bytesIn()).isGreaterThanOrEqualTo(tcpBytes);

        JsonNode udp = iperf("-c", "127.0.0.1", "-p", String.valueOf(listen), "-u", "-b", "20M", "-l", "1200", "-t", "2", "-J");
        JsonNode sum = udp.path("end").path("sum");
        assertThat(sum.path("packets").asLong()).isPositive();
        assertThat(sum.path("lost_percent").asDouble()).isLessThan(10.0);
        assertThat(engine.status().get(0).counters().packetsIn()).isGreaterThan(0);
    }

    private JsonNode iperf(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("iperf3");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        processes.add(p);
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        JsonNode json = new ObjectMapper().readTree(out);
        assertThat(json.path("error").isMissingNode()).as("iperf3 error: " + json.path("error").asText()).isTrue();
        return json;
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
