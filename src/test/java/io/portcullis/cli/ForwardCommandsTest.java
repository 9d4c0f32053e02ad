package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis forward ...} and {@code status --api} against a real gateway's admin API. */
class ForwardCommandsTest {

    @TempDir
    static Path dir;

    private static LiveGateway gw;
    private static ServerSocket echo;
    private static int filePort;

    @BeforeAll
    static void start() throws Exception {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(ForwardCommandsTest::serveEcho);
        filePort = LiveGateway.freePort();
        gw = LiveGateway.start(dir.resolve("data"), """
                  - name: from-file
                    listen: 127.0.0.1:%d
                    targets: [127.0.0.1:%d]
                """.formatted(filePort, echo.getLocalPort()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (gw != null) {
            gw.close();
        }
        echo.close();
    }

    private static void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Sends a line through the forward on {@code port} and returns what came back. */
    private static String roundTrip(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void addsListsShowsDisablesEnablesAndRemovesAForwardThatReallyForwards() throws Exception {
        int port = LiveGateway.freePort();
        LiveGateway.Run add = gw.api("forward", "add", "--name", "echo", "--listen", "127.0.0.1:" + port,
                "--target", "127.0.0.1:" + echo.getLocalPort(), "--max-connections", "10");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("added forward echo: listening");
        assertThat(roundTrip(port)).isEqualTo("ping\n");

        LiveGateway.Run list = gw.api("forward", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("NAME").contains("SOURCE", "STATE", "LISTEN", "TARGETS");
        assertThat(list.out()).containsPattern("echo +api +listening +tcp +127\\.0\\.0\\.1:" + port)
                .containsPattern("from-file +file +listening");

        LiveGateway.Run show = gw.api("forward", "show", "echo");
        assertThat(show.out()).contains("forward echo (source api", "state: listening", "max-connections: 10",
                "targets: [\"127.0.0.1:" + echo.getLocalPort() + "\"]", "traffic: ");
        JsonNode shown = new ObjectMapper().readTree(gw.api("forward", "show", "echo", "--json").out());
        assertThat(shown.path("spec").path("listen").asText()).isEqualTo("127.0.0.1:" + port);

        LiveGateway.Run disable = gw.api("forward", "disable", "echo");
        assertThat(disable.code()).as(disable.err()).isZero();
        assertThat(disable.out()).contains("disabled forward echo: disabled");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThatThrownBy(() -> roundTrip(port)).isInstanceOf(IOException.class));
        assertThat(gw.api("forward", "list").out()).containsPattern("echo +api +disabled");

        assertThat(gw.api("forward", "enable", "echo").out()).contains("enabled forward echo: listening");
        assertThat(roundTrip(port)).isEqualTo("ping\n");

        LiveGateway.Run rm = gw.api("forward", "rm", "echo");
        assertThat(rm.code()).as(rm.err()).isZero();
        assertThat(rm.out()).contains("removed forward echo");
        assertThat(gw.api("forward", "list").out()).doesNotContain("echo ");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThatThrownBy(() -> roundTrip(port)).isInstanceOf(IOException.class));
        LiveGateway.Run again = gw.api("forward", "show", "echo");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("portcullis: no forward named 'echo'");
    }

    @Test
    void takesAWholeSpecAsJsonWithFlagsOverridingIt() throws Exception {
        int port = LiveGateway.freePort();
        Path spec = dir.resolve("spec.json");
        Files.writeString(spec, """
                {"name": "from-json", "protocol": "tcp", "listen": "127.0.0.1:1", "targets": ["127.0.0.1:%d"],
                 "balance": "least-connections", "timeouts": {"idle": "5m"}}""".formatted(echo.getLocalPort()));
        LiveGateway.Run add = gw.api("forward", "add", "--json", spec.toString(), "--listen", "127.0.0.1:" + port, "--output-json");
        assertThat(add.code()).as(add.err()).isZero();
        JsonNode created = new ObjectMapper().readTree(add.out());
        assertThat(created.path("source").asText()).isEqualTo("api");
        assertThat(created.path("spec").path("balance").asText()).isEqualTo("least-connections");
        assertThat(roundTrip(port)).isEqualTo("ping\n");
        assertThat(gw.api("forward", "rm", "from-json").code()).isZero();
    }

    @Test
    void readsTheSpecFromStandardInputWithJsonDash() throws Exception {
        int port = LiveGateway.freePort();
        ForwardAddCommand add = new ForwardAddCommand();
        add.stdin = new java.io.ByteArrayInputStream("""
                {"name": "piped", "listen": "127.0.0.1:%d", "targets": ["127.0.0.1:%d"]}""".formatted(port, echo.getLocalPort())
                .getBytes(StandardCharsets.UTF_8));
        LiveGateway.Run r = LiveGateway.command(add, gw.withApi(gw.adminToken, "--json", "-"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(roundTrip(port)).isEqualTo("ping\n");
        assertThat(gw.api("forward", "rm", "piped").code()).isZero();

        ForwardAddCommand notObject = new ForwardAddCommand();
        notObject.stdin = new java.io.ByteArrayInputStream("[1, 2]".getBytes(StandardCharsets.UTF_8));
        LiveGateway.Run bad = LiveGateway.command(notObject, gw.withApi(gw.adminToken, "--json", "-"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--json: standard input must hold one JSON object");
    }

    @Test
    void aBadForwardGetsEachFieldsProblemAndExitOne() {
        LiveGateway.Run add = gw.api("forward", "add", "--name", "bad", "--listen", "127.0.0.1:70000",
                "--target", "127.0.0.1:0", "--balance", "random", "--proxy-protocol", "v9");
        assertThat(add.code()).isEqualTo(1);
        assertThat(add.err()).startsWith("portcullis: the gateway refused the request")
                .contains("\n  listen: ", "\n  balance: ", "\n  proxy-protocol: ")
                .doesNotContain("Exception", "\tat ");
        assertThat(gw.api("forward", "list").out()).doesNotContain("bad ");

        LiveGateway.Run noName = gw.api("forward", "add", "--listen", "8080");
        assertThat(noName.code()).isEqualTo(2);
        assertThat(noName.err()).contains("--name");
    }

    @Test
    void aForwardFromTheConfigFileIsShownButRefusedForChanges() throws Exception {
        assertThat(roundTrip(filePort)).isEqualTo("ping\n");
        assertThat(gw.api("forward", "show", "from-file").out()).contains("forward from-file (source file");
        for (String action : new String[] {"disable", "rm"}) {
            LiveGateway.Run r = gw.api("forward", action, "from-file");
            assertThat(r.code()).as(action).isEqualTo(1);
            assertThat(r.err()).as(action).contains("not allowed: forward 'from-file' comes from the config file", "change it there");
        }
        LiveGateway.Run same = gw.api("forward", "add", "--name", "from-file", "--listen", "127.0.0.1:1", "--target", "127.0.0.1:2");
        assertThat(same.code()).isEqualTo(1);
        assertThat(same.err()).contains("the config file has a forward named 'from-file'");
        assertThat(roundTrip(filePort)).isEqualTo("ping\n");
    }

    @Test
    void statusThroughTheApiPrintsTheSameTableAsTheControlSocket() {
        LiveGateway.Run api = gw.api("status", "--api");
        assertThat(api.code()).as(api.err()).isZero();
        assertThat(api.out()).contains("gateway pid " + ProcessHandle.current().pid())
                .containsPattern("FORWARD +PROTO +LISTEN +STATE").containsPattern("from-file +tcp +127\\.0\\.0\\.1:" + filePort);
        LiveGateway.Run socket = LiveGateway.cli("status", "--data-dir", gw.dataDir.toString());
        assertThat(socket.code()).as(socket.err()).isZero();
        assertThat(socket.out().lines().skip(1).filter(l -> l.startsWith("FORWARD") || l.startsWith("from-file")).toList())
                .hasSize(2);
        assertThat(gw.api("status", "--json").out()).contains("\"forwards\"", "\"guard\"");
    }

    @Test
    void aReadOnlyTokenMayListButNotChange() throws Exception {
        var http = LiveGateway.http(gw.fingerprint);
        var session = LiveGateway.login(http, gw.url, LiveGateway.ADMIN, LiveGateway.PASSWORD);
        String readOnly = LiveGateway.call(http, gw.url, "POST", "/api/v1/tokens", java.util.Map.of("name", "ro-forwards", "scope", "read"),
                session, 201).path("token").asText();
        assertThat(gw.withToken(readOnly, "forward", "list").code()).isZero();
        LiveGateway.Run add = gw.withToken(readOnly, "forward", "add", "--name", "nope", "--listen", "127.0.0.1:1", "--target", "127.0.0.1:2");
        assertThat(add.code()).isEqualTo(1);
        assertThat(add.err()).isEqualTo("portcullis: not allowed: this API token is read-only\n");
    }
}
