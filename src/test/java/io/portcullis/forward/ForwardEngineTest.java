package io.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.config.Balance;
import io.portcullis.config.Forward;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.HealthCheck;
import io.portcullis.config.ProxyProtocol;
import io.portcullis.config.Settings;
import io.portcullis.config.Timeouts;
import io.portcullis.net.ListenAddress;
import io.portcullis.net.Protocol;
import io.portcullis.net.TargetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardEngineTest {

    @TempDir
    Path dataDir;

    private ForwardEngine engine;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private Settings settings() {
        return new Settings(dataDir, Duration.ofSeconds(5), 2, true, false);
    }

    private ApplyResult start(Forward... forwards) {
        return start(Admission.OPEN, forwards);
    }

    private ApplyResult start(Admission admission, Forward... forwards) {
        engine = new ForwardEngine(settings(), BindFailureExplainer.PLAIN, admission);
        return engine.apply(config(forwards));
    }

    private GatewayConfig config(Forward... forwards) {
        return new GatewayConfig(List.of(forwards), settings(), Optional.empty());
    }

    private static Forward forward(String name, Set<Protocol> protocols, String listen, String... targets) {
        return Forward.simple(name, protocols, ListenAddress.parse(listen),
                java.util.Arrays.stream(targets).map(TargetAddress::parse).toList());
    }

    private static Forward tcp(String name, String listen, String... targets) {
        return forward(name, Set.of(Protocol.TCP), listen, targets);
    }

    private static Forward with(Forward f, Balance balance, Optional<HealthCheck> hc, ProxyProtocol pp, Timeouts t, int maxConn) {
        return new Forward(f.name(), f.protocols(), f.listen(), f.targets(), balance, t, maxConn, f.maxUdpSessions(), hc, pp,
                f.enabled());
    }

    /** Connects, reads the tag line, checks the echo, returns the tag. */
    private static String tagVia(int port) throws IOException {
        return tagVia(InetAddress.getLoopbackAddress(), port);
    }

    private static String tagVia(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket(address, port)) {
            s.setSoTimeout(5000);
            String tag = TestNet.readLine(s.getInputStream());
            s.getOutputStream().write("ping\n".getBytes());
            assertThat(TestNet.readLine(s.getInputStream())).isEqualTo("ping");
            return tag;
        }
    }

    /** Refuses 127.0.0.2 as a rule would, counts releases of what it admitted. */
    private static final class TestAdmission implements Admission {
        final java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger released = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Ticket admit(String forward, Protocol protocol, InetSocketAddress client, int port) {
            boolean refuse = client.getAddress().getHostAddress().endsWith("127.0.0.2");
            if (!refuse) {
                admitted.incrementAndGet();
            }
            return new Ticket() {
                public String refusal() {
                    return refuse ? "rule" : null;
                }

                public String detail() {
                    return refuse ? "deny 127.0.0.2" : "";
                }

                public void release() {
                    released.incrementAndGet();
                }
            };
        }
    }

    @Test
    void refusedClientsNeverReachTheTargetAndAreCountedByKind() throws Exception {
        var echo = keep(new TestNet.EchoServer("e"));
        var udp = keep(new TestNet.UdpEcho("u"));
        int port = TestNet.freePort();
        TestAdmission admission = new TestAdmission();
        Forward f = Forward.simple("guarded", Set.of(Protocol.TCP, Protocol.UDP), ListenAddress.parse("127.0.0.1:" + port),
                List.of(TargetAddress.parse("127.0.0.1:" + echo.port())));
        start(admission, f);
        assertThat(tagVia(port)).isEqualTo("e");
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            int read;
            try {
                // The reset may arrive while the connect is still being confirmed, or at the first read.
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                s.setSoTimeout(3000);
                read = s.getInputStream().read();
            } catch (IOException reset) {
                read = -1;
            }
            assertThat(read).as("closed at once, no greeting from the target").isEqualTo(-1);
        }
        try (DatagramSocket c = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            c.setSoTimeout(500);
            c.send(new DatagramPacket("x".getBytes(), 1, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            assertThatThrownBy(() -> receive(c)).isInstanceOf(java.net.SocketTimeoutException.class);
        }
        assertThat(echo.accepted.get()).as("the target saw only the admitted client").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> admission.released.get() == admission.admitted.get());
        ForwardStatus.Counters c = engine.status().get(0).counters();
        assertThat(c.refusedBy()).containsEntry("rule", 2L);
        assertThat(c.refused()).isEqualTo(2);
        assertThat(udp.port()).isPositive();
    }

    @Test
    void relaysTcpBothWays() throws Exception {
        var echo = keep(new TestNet.EchoServer("a"));
        int port = TestNet.freePort();
        ApplyResult r = start(tcp("web", "127.0.0.1:" + port, "127.0.0.1:" + echo.port()));
        assertThat(r.bindFailures()).isEmpty();
        assertThat(tagVia(port)).isEqualTo("a");
        await().untilAsserted(() -> {
            ForwardStatus st = engine.status().get(0);
            assertThat(st.counters().totalConnections()).isEqualTo(1);
            assertThat(st.counters().openConnections()).isZero();
            assertThat(st.counters().bytesIn()).isEqualTo(5);
            assertThat(st.counters().bytesOut()).isEqualTo(7);
        });
    }

    @Test
    void relaysTcpOverIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        var echo = keep(new TestNet.EchoServer("six", v6, 0));
        int port = TestNet.freePort();
        start(tcp("v6", "[::1]:" + port, "[::1]:" + echo.port()));
        assertThat(tagVia(v6, port)).isEqualTo("six");
    }

    @Test
    void givesEachUdpClientItsOwnSessionAndReplies() throws Exception {
        var echo = keep(new TestNet.UdpEcho("u"));
        int port = TestNet.freePort();
        start(forward("dns", Set.of(Protocol.UDP), "127.0.0.1:" + port, "127.0.0.1:" + echo.port()));
        try (DatagramSocket c1 = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket c2 = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c1.setSoTimeout(3000);
            c2.setSoTimeout(3000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i < 5; i++) {
                c1.send(new DatagramPacket(("one" + i).getBytes(), ("one" + i).length(), to));
                c2.send(new DatagramPacket(("two" + i).getBytes(), ("two" + i).length(), to));
                assertThat(receive(c1)).isEqualTo("u:one" + i);
                assertThat(receive(c2)).isEqualTo("u:two" + i);
            }
        }
        ForwardStatus st = engine.status().get(0);
        assertThat(st.counters().openUdpSessions()).isEqualTo(2);
        assertThat(st.counters().packetsIn()).isEqualTo(10);
        assertThat(st.counters().packetsOut()).isEqualTo(10);
    }

    @Test
    void relaysUdpOverIpv6AndAcrossAPortRange() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        int targetBase = TestNet.freeRange(2);
        var e0 = keep(new TestNet.UdpEcho("r0", v6, targetBase));
        var e1 = keep(new TestNet.UdpEcho("r1", v6, targetBase + 1));
        int base = TestNet.freeRange(2);
        start(forward("v6range", Set.of(Protocol.UDP), "[::1]:" + base + "-" + (base + 1),
                "[::1]:" + targetBase + "-" + (targetBase + 1)));
        try (DatagramSocket c = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            c.setSoTimeout(3000);
            for (int k = 0; k < 2; k++) {
                c.send(new DatagramPacket("q".getBytes(), 1, new InetSocketAddress(v6, base + k)));
                assertThat(receive(c)).isEqualTo("r" + k + ":q");
            }
        }
        assertThat(e0.port() + 1).isEqualTo(e1.port());
    }

    @Test
    void countsAnUnansweredUdpSessionOnceNotEachPacket() throws Exception {
        int closed = TestNet.freeRange(1);
        int port = TestNet.freeRange(1);
        start(forward("udp", Set.of(Protocol.UDP), "127.0.0.1:" + port, "127.0.0.1:" + closed));
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 50; i++) {
                c.send(new DatagramPacket(new byte[] {1}, 1, to));
                Thread.sleep(2);
            }
        }
        await().untilAsserted(() -> assertThat(engine.status().get(0).counters().targetFailures()).isEqualTo(1));
        assertThat(engine.status().get(0).targets().get(0).healthy()).isTrue();
        // Three clients in a row that the target never answers: now it is taken out of rotation.
        for (int k = 0; k < 2; k++) {
            try (DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                c.send(new DatagramPacket(new byte[] {1}, 1, to));
                Thread.sleep(20);
                c.send(new DatagramPacket(new byte[] {1}, 1, to));
            }
        }
        await().untilAsserted(() -> assertThat(engine.status().get(0).targets().get(0).healthy()).isFalse());
    }

    @Test
    void relaysLargeDatagramsWhole() throws Exception {
        var echo = keep(new TestNet.UdpEcho("u"));
        int port = TestNet.freeRange(1);
        start(forward("big", Set.of(Protocol.UDP), "127.0.0.1:" + port, "127.0.0.1:" + echo.port()));
        byte[] payload = new byte[60_000];
        java.util.Arrays.fill(payload, (byte) 'x');
        try (DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c.setSoTimeout(3000);
            c.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            byte[] buf = new byte[65_535];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            c.receive(reply);
            assertThat(reply.getLength()).isEqualTo(payload.length + 2);
        }
    }

    @Test
    void forgetsIdleUdpSessions() throws Exception {
        var echo = keep(new TestNet.UdpEcho("u"));
        int port = TestNet.freePort();
        Forward f = forward("dns", Set.of(Protocol.UDP), "127.0.0.1:" + port, "127.0.0.1:" + echo.port());
        start(with(f, Balance.ROUND_ROBIN, Optional.empty(), ProxyProtocol.NONE,
                new Timeouts(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(1)), 0));
        try (DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c.setSoTimeout(3000);
            c.send(new DatagramPacket("x".getBytes(), 1, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            assertThat(receive(c)).isEqualTo("u:x");
        }
        assertThat(engine.status().get(0).counters().openUdpSessions()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.status().get(0).counters().openUdpSessions() == 0);
    }

    private static String receive(DatagramSocket s) throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength());
    }

    @Test
    void mapsListenRangeOntoTargetRangePortByPort() throws Exception {
        int targetBase = TestNet.freeRange(3);
        List<TestNet.EchoServer> echoes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            echoes.add(keep(new TestNet.EchoServer("p" + i, InetAddress.getLoopbackAddress(), targetBase + i)));
        }
        int base = TestNet.freeRange(3);
        start(tcp("range", "127.0.0.1:" + base + "-" + (base + 2), "127.0.0.1:" + targetBase + "-" + (targetBase + 2)));
        for (int i = 0; i < 3; i++) {
            assertThat(tagVia(base + i)).isEqualTo("p" + i);
        }
    }

    @Test
    void mapsListenRangeOntoOneTargetPort() throws Exception {
        var echo = keep(new TestNet.EchoServer("one"));
        int base = TestNet.freeRange(4);
        start(tcp("range", "127.0.0.1:" + base + "-" + (base + 3), "127.0.0.1:" + echo.port()));
        for (int i = 0; i < 4; i++) {
            assertThat(tagVia(base + i)).isEqualTo("one");
        }
    }

    @Test
    void roundRobinTakesTargetsInTurn() throws Exception {
        var a = keep(new TestNet.EchoServer("a"));
        var b = keep(new TestNet.EchoServer("b"));
        var c = keep(new TestNet.EchoServer("c"));
        int port = TestNet.freePort();
        start(tcp("lb", "127.0.0.1:" + port, "127.0.0.1:" + a.port(), "127.0.0.1:" + b.port(), "127.0.0.1:" + c.port()));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            counts.merge(tagVia(port), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("a", "b", "c");
        assertThat(counts.values()).allMatch(n -> n == 10);
    }

    @Test
    void leastConnectionsAvoidsTheBusyTarget() throws Exception {
        var a = keep(new TestNet.EchoServer("a"));
        var b = keep(new TestNet.EchoServer("b"));
        int port = TestNet.freePort();
        Forward f = tcp("lc", "127.0.0.1:" + port, "127.0.0.1:" + a.port(), "127.0.0.1:" + b.port());
        start(with(f, Balance.LEAST_CONNECTIONS, Optional.empty(), ProxyProtocol.NONE, Timeouts.DEFAULT, 0));
        // Hold three connections open; least-connections must spread them, then keep sending new ones to the idle side.
        List<Socket> held = new ArrayList<>();
        Map<String, Integer> heldTags = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            Socket s = keep(new Socket(InetAddress.getLoopbackAddress(), port));
            s.setSoTimeout(5000);
            heldTags.merge(TestNet.readLine(s.getInputStream()), 1, Integer::sum);
            held.add(s);
        }
        assertThat(heldTags.values()).containsExactlyInAnyOrder(1, 2);
        String lighter = heldTags.get("a") == 1 ? "a" : "b";
        assertThat(tagVia(port)).isEqualTo(lighter);
    }

    @Test
    void sourceHashKeepsAClientOnOneTarget() throws Exception {
        var a = keep(new TestNet.EchoServer("a"));
        var b = keep(new TestNet.EchoServer("b"));
        int port = TestNet.freePort();
        Forward f = tcp("sh", "127.0.0.1:" + port, "127.0.0.1:" + a.port(), "127.0.0.1:" + b.port());
        start(with(f, Balance.SOURCE_HASH, Optional.empty(), ProxyProtocol.NONE, Timeouts.DEFAULT, 0));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            seen.add(tagVia(port));
        }
        assertThat(seen).hasSize(1);
        // A different source address (127.0.0.2 is loopback too) may land elsewhere, but sticks as well.
        Set<String> other = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress("127.0.0.2", 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                s.setSoTimeout(5000);
                other.add(TestNet.readLine(s.getInputStream()));
            }
        }
        assertThat(other).hasSize(1);
    }

    @Test
    void healthCheckMovesTrafficOffADeadTarget() throws Exception {
        var a = keep(new TestNet.EchoServer("a"));
        var b = new TestNet.EchoServer("b");
        int port = TestNet.freePort();
        Forward f = tcp("hc", "127.0.0.1:" + port, "127.0.0.1:" + a.port(), "127.0.0.1:" + b.port());
        HealthCheck hc = new HealthCheck(Duration.ofMillis(200), Duration.ofMillis(100), 2, 2);
        start(with(f, Balance.ROUND_ROBIN, Optional.of(hc), ProxyProtocol.NONE, Timeouts.DEFAULT, 0));
        Set<String> before = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            before.add(tagVia(port));
        }
        assertThat(before).containsExactlyInAnyOrder("a", "b");
        int bAccepted = b.accepted.get();
        b.close();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                engine.status().get(0).targets().stream().filter(t -> !t.healthy()).count() == 1);
        for (int i = 0; i < 10; i++) {
            assertThat(tagVia(port)).isEqualTo("a");
        }
        assertThat(b.accepted.get()).isEqualTo(bAccepted);
        // It comes back after enough good checks.
        keep(new TestNet.EchoServer("b", InetAddress.getLoopbackAddress(), b.port()));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                engine.status().get(0).targets().stream().allMatch(ForwardStatus.Target::healthy));
    }

    @Test
    void refusesAtOnceWhenEveryTargetIsDown() throws Exception {
        int dead = TestNet.freePort();
        int port = TestNet.freePort();
        start(tcp("dead", "127.0.0.1:" + port, "127.0.0.1:" + dead));
        long t0 = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            int r;
            try {
                r = s.getInputStream().read();
            } catch (SocketException reset) {
                r = -1;
            }
            assertThat(r).isEqualTo(-1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        await().untilAsserted(() -> assertThat(engine.status().get(0).counters().targetFailures()).isEqualTo(1));
    }

    @Test
    void passesHalfCloseAndKeepsTheOtherDirectionFlowing() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = TestNet.freePort();
            start(tcp("hc", "127.0.0.1:" + port, "127.0.0.1:" + target.getLocalPort()));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket server = target.accept()) {
                client.setSoTimeout(5000);
                server.setSoTimeout(5000);
                client.getOutputStream().write("request".getBytes());
                client.shutdownOutput();
                InputStream sin = server.getInputStream();
                assertThat(new String(sin.readAllBytes())).isEqualTo("request");
                // The target saw EOF but still answers, after the client has stopped sending.
                OutputStream sout = server.getOutputStream();
                sout.write("response-1 ".getBytes());
                sout.flush();
                Thread.sleep(100);
                sout.write("response-2".getBytes());
                server.shutdownOutput();
                assertThat(new String(client.getInputStream().readAllBytes())).isEqualTo("response-1 response-2");
            }
        }
    }

    /**
     * Request/response connections that the target ends (HTTP with Connection: close) take a shortcut on the
     * native transports: when the target's FIN is already behind its first reply, reply and FIN go to the client
     * together. The client must still get every byte, its EOF, and keep its own direction open: the target only
     * stopped sending.
     */
    @Test
    void aReplyWithTheTargetsFinBehindItArrivesWholeAndTheClientMaySendOn() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = TestNet.freePort();
            start(tcp("rr", "127.0.0.1:" + port, "127.0.0.1:" + target.getLocalPort()));
            byte[] small = pattern(1_000);
            byte[] large = pattern(3 << 20);
            for (int i = 0; i < 24; i++) {
                // Small replies fit one read (the shortcut's case); large ones do not, and must not be cut short.
                byte[] reply = i % 3 == 2 ? large : small;
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(5000);
                    client.getOutputStream().write(("request " + i + "\n").getBytes());
                    try (Socket server = target.accept()) {
                        server.setSoTimeout(5000);
                        InputStream sin = server.getInputStream();
                        assertThat(TestNet.readLine(sin)).isEqualTo("request " + i);
                        server.getOutputStream().write(reply);
                        server.shutdownOutput();
                        assertThat(client.getInputStream().readAllBytes()).as("reply %d", i).isEqualTo(reply);
                        // The target stopped sending, not receiving: what the client sends now still arrives.
                        client.getOutputStream().write("after".getBytes());
                        client.shutdownOutput();
                        assertThat(new String(sin.readAllBytes())).isEqualTo("after");
                    }
                }
            }
            await().untilAsserted(() -> assertThat(engine.status().get(0).counters().openConnections()).isZero());
            assertThat(engine.status().get(0).counters().bytesOut()).isEqualTo(16L * small.length + 8L * large.length);
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    /**
     * A connection that carries many exchanges (keep-alive traffic) changes how it reads after the first few,
     * and changes back after a quiet second; neither change may lose, reorder or hold back a byte.
     */
    @Test
    void keepsRelayingThroughManyExchangesAndAfterAQuietSpell() throws Exception {
        var echo = keep(new TestNet.EchoServer("k"));
        int port = TestNet.freePort();
        start(tcp("ka", "127.0.0.1:" + port, "127.0.0.1:" + echo.port()));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            assertThat(TestNet.readLine(in)).isEqualTo("k");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 20; i++) {
                    String line = "round " + round + " line " + i + " " + "x".repeat(i * 500);
                    out.write((line + "\n").getBytes());
                    assertThat(TestNet.readLine(in)).isEqualTo(line);
                }
                // Longer than the second after which a quiet connection gives its read buffers back.
                Thread.sleep(1600);
            }
        }
    }

    @Test
    void stopsReadingFromAFastSenderWhileTheReceiverIsPaused() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = TestNet.freePort();
            start(tcp("bp", "127.0.0.1:" + port, "127.0.0.1:" + target.getLocalPort()));
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    Socket paused = target.accept()) {
                client.configureBlocking(false);
                ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
                long written = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                // Push up to 256 MiB; the target never reads, so the gateway must stop accepting.
                while (written < (256L << 20) && System.nanoTime() < deadline) {
                    chunk.clear();
                    int n = client.write(chunk);
                    written += n;
                    if (n == 0) {
                        Thread.sleep(5);
                    }
                }
                long relayed = engine.status().get(0).counters().bytesIn();
                assertThat(written).as("client must be stalled by back-pressure").isLessThan(256L << 20);
                // What the gateway took in is bounded by socket buffers plus its water mark, not by what was sent.
                assertThat(relayed).isLessThan(64L << 20);
                // And the pause is not a break: the target can now read it all.
                paused.setSoTimeout(5000);
                long got = 0;
                byte[] buf = new byte[1 << 16];
                InputStream in = paused.getInputStream();
                while (got < written) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    got += n;
                }
                assertThat(got).isEqualTo(written);
            }
        }
    }

    @Test
    void keepsOpenConnectionsAcrossReload() throws Exception {
        var a = keep(new TestNet.EchoServer("a"));
        var b = keep(new TestNet.EchoServer("b"));
        int port = TestNet.freePort();
        int port2 = TestNet.freePort();
        start(tcp("svc", "127.0.0.1:" + port, "127.0.0.1:" + a.port()), tcp("gone", "127.0.0.1:" + port2, "127.0.0.1:" + a.port()));
        try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port);
                Socket open2 = new Socket(InetAddress.getLoopbackAddress(), port2)) {
            open.setSoTimeout(5000);
            open2.setSoTimeout(5000);
            assertThat(TestNet.readLine(open.getInputStream())).isEqualTo("a");
            assertThat(TestNet.readLine(open2.getInputStream())).isEqualTo("a");
            int port3 = TestNet.freePort();
            ApplyResult r = engine.apply(config(tcp("svc", "127.0.0.1:" + port, "127.0.0.1:" + b.port()),
                    tcp("new", "127.0.0.1:" + port3, "127.0.0.1:" + b.port())));
            assertThat(r.changed()).containsExactly("svc");
            assertThat(r.started()).containsExactly("new");
            assertThat(r.stopped()).containsExactly("gone");
            // Old connections still relay, to their old target.
            for (Socket s : List.of(open, open2)) {
                s.getOutputStream().write("still\n".getBytes());
                assertThat(TestNet.readLine(s.getInputStream())).isEqualTo("still");
            }
            // New connections follow the new rules; the removed forward no longer accepts.
            assertThat(tagVia(port)).isEqualTo("b");
            assertThat(tagVia(port3)).isEqualTo("b");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port2).close())
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void dropsNoConnectionWhileReloadingUnderLiveTraffic() throws Exception {
        var a = keep(new TestNet.EchoServer("a"));
        var b = keep(new TestNet.EchoServer("b"));
        int port = TestNet.freePort();
        int other = TestNet.freePort();
        start(tcp("svc", "127.0.0.1:" + port, "127.0.0.1:" + a.port()));
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var failures = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var roundTrips = new java.util.concurrent.atomic.AtomicLong();
        var newConnections = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int id = c;
            threads.add(Thread.ofPlatform().start(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(5000);
                    TestNet.readLine(s.getInputStream());
                    for (int i = 0; !stop.get() && i < 100_000; i++) {
                        String msg = "c" + id + "-" + i;
                        s.getOutputStream().write((msg + "\n").getBytes());
                        String back = TestNet.readLine(s.getInputStream());
                        if (!back.equals(msg)) {
                            failures.add("connection " + id + " got '" + back + "' for '" + msg + "'");
                            return;
                        }
                        roundTrips.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.add("connection " + id + ": " + e);
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            for (int i = 0; !stop.get() && i < 100_000; i++) {
                try {
                    tagVia(port);
                    newConnections.incrementAndGet();
                } catch (IOException | AssertionError e) {
                    failures.add("new connection " + i + ": " + e);
                    return;
                }
            }
        }));
        // Reload ten times while traffic flows: switch targets, add and remove a second forward.
        for (int i = 0; i < 10; i++) {
            Thread.sleep(100);
            Forward svc = tcp("svc", "127.0.0.1:" + port, "127.0.0.1:" + (i % 2 == 0 ? b.port() : a.port()));
            ApplyResult r = i % 2 == 0
                    ? engine.apply(config(svc, tcp("extra", "127.0.0.1:" + other, "127.0.0.1:" + a.port())))
                    : engine.apply(config(svc));
            assertThat(r.changed()).containsExactly("svc");
        }
        Thread.sleep(100);
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(roundTrips.get()).isGreaterThan(100);
        assertThat(newConnections.get()).isGreaterThan(10);
    }

    @Test
    void keepsCountersAndConnectionsWhenAForwardMovesPort() throws Exception {
        var a = keep(new TestNet.EchoServer("a"));
        int port = TestNet.freePort();
        int moved = TestNet.freePort();
        start(tcp("svc", "127.0.0.1:" + port, "127.0.0.1:" + a.port()));
        try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
            open.setSoTimeout(5000);
            assertThat(TestNet.readLine(open.getInputStream())).isEqualTo("a");
            engine.apply(config(tcp("svc", "127.0.0.1:" + moved, "127.0.0.1:" + a.port())));
            open.getOutputStream().write("still\n".getBytes());
            assertThat(TestNet.readLine(open.getInputStream())).isEqualTo("still");
            assertThat(tagVia(moved)).isEqualTo("a");
            assertThat(engine.status().get(0).counters().totalConnections()).isEqualTo(2);
        }
    }

    @Test
    void tellsTheTargetTheClientAddressWithProxyProtocolV1() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = TestNet.freePort();
            Forward f = tcp("pp", "127.0.0.1:" + port, "127.0.0.1:" + target.getLocalPort());
            start(with(f, Balance.ROUND_ROBIN, Optional.empty(), ProxyProtocol.V1, Timeouts.DEFAULT, 0));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket server = target.accept()) {
                server.setSoTimeout(5000);
                client.getOutputStream().write("hello".getBytes());
                String header = TestNet.readLine(server.getInputStream());
                assertThat(header).isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 " + client.getLocalPort() + " " + port + "\r");
                byte[] rest = server.getInputStream().readNBytes(5);
                assertThat(new String(rest)).isEqualTo("hello");
            }
        }
    }

    @Test
    void tellsTheTargetTheClientAddressWithProxyProtocolV2() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = TestNet.freePort();
            Forward f = tcp("pp2", "127.0.0.1:" + port, "127.0.0.1:" + target.getLocalPort());
            start(with(f, Balance.ROUND_ROBIN, Optional.empty(), ProxyProtocol.V2, Timeouts.DEFAULT, 0));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket server = target.accept()) {
                server.setSoTimeout(5000);
                client.getOutputStream().write("hi".getBytes());
                byte[] h = server.getInputStream().readNBytes(16 + 12);
                ByteBuffer b = ByteBuffer.wrap(h);
                byte[] sig = new byte[12];
                b.get(sig);
                assertThat(sig).containsExactly(0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A);
                assertThat(b.get()).isEqualTo((byte) 0x21); // version 2, PROXY
                assertThat(b.get()).isEqualTo((byte) 0x11); // TCP over IPv4
                assertThat(b.getShort()).isEqualTo((short) 12);
                byte[] src = new byte[4];
                b.get(src);
                assertThat(InetAddress.getByAddress(src)).isEqualTo(InetAddress.getLoopbackAddress());
                b.get(new byte[4]);
                assertThat(b.getShort() & 0xffff).isEqualTo(client.getLocalPort());
                assertThat(b.getShort() & 0xffff).isEqualTo(port);
                assertThat(new String(server.getInputStream().readNBytes(2))).isEqualTo("hi");
            }
        }
    }

    @Test
    void reportsABindConflictAndStartsTheOtherForwards() throws Exception {
        var echo = keep(new TestNet.EchoServer("ok"));
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int free = TestNet.freePort();
            ApplyResult r = start(tcp("taken", "127.0.0.1:" + holder.getLocalPort(), "127.0.0.1:" + echo.port()),
                    tcp("fine", "127.0.0.1:" + free, "127.0.0.1:" + echo.port()));
            assertThat(r.bindFailures()).singleElement().asString().contains("taken").containsIgnoringCase("in use");
            assertThat(tagVia(free)).isEqualTo("ok");
            ForwardStatus taken = engine.status().get(0);
            assertThat(taken.state()).isEqualTo("failed");
            assertThat(taken.listeners().get(0).error()).containsIgnoringCase("in use");
        }
    }

    @Test
    void closesIdleConnections() throws Exception {
        var echo = keep(new TestNet.EchoServer("a"));
        int port = TestNet.freePort();
        Forward f = tcp("idle", "127.0.0.1:" + port, "127.0.0.1:" + echo.port());
        start(with(f, Balance.ROUND_ROBIN, Optional.empty(), ProxyProtocol.NONE,
                new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(60)), 0));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            assertThat(TestNet.readLine(s.getInputStream())).isEqualTo("a");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void refusesConnectionsBeyondTheLimit() throws Exception {
        var echo = keep(new TestNet.EchoServer("a"));
        int port = TestNet.freePort();
        Forward f = tcp("cap", "127.0.0.1:" + port, "127.0.0.1:" + echo.port());
        start(with(f, Balance.ROUND_ROBIN, Optional.empty(), ProxyProtocol.NONE, Timeouts.DEFAULT, 2));
        Socket s1 = keep(new Socket(InetAddress.getLoopbackAddress(), port));
        Socket s2 = keep(new Socket(InetAddress.getLoopbackAddress(), port));
        s1.setSoTimeout(5000);
        s2.setSoTimeout(5000);
        assertThat(TestNet.readLine(s1.getInputStream())).isEqualTo("a");
        assertThat(TestNet.readLine(s2.getInputStream())).isEqualTo("a");
        try (Socket s3 = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s3.setSoTimeout(5000);
            int r;
            try {
                r = s3.getInputStream().read();
            } catch (SocketException reset) {
                r = -1;
            }
            assertThat(r).isEqualTo(-1);
        }
        await().untilAsserted(() -> assertThat(engine.status().get(0).counters().refused()).isEqualTo(1));
    }

    @Test
    void stopLetsOpenConnectionsFinishWithinGrace() throws Exception {
        var echo = keep(new TestNet.EchoServer("a"));
        int port = TestNet.freePort();
        start(tcp("g", "127.0.0.1:" + port, "127.0.0.1:" + echo.port()));
        Socket s = keep(new Socket(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout(5000);
        assertThat(TestNet.readLine(s.getInputStream())).isEqualTo("a");
        Thread stopper = Thread.ofPlatform().start(() -> engine.shutdown(Duration.ofSeconds(10)));
        Thread.sleep(300);
        // Stopped accepting, but the open connection still works during the grace period.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(IOException.class);
        s.getOutputStream().write("bye\n".getBytes());
        assertThat(TestNet.readLine(s.getInputStream())).isEqualTo("bye");
        s.close();
        stopper.join(5000);
        assertThat(stopper.isAlive()).as("stop returns once the last connection ended").isFalse();
    }
}
