package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.cli.CheckCommand;
import io.portcullis.cli.FreeCommand;
import io.portcullis.cli.PortsCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PortCommandsTest {

    private record Run(int code, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static PortsCommand fixturePorts(Path dir) throws Exception {
        Path fixtures = SocketTableTest.fixtures();
        return new PortsCommand(new PortInventory(new SocketTable(fixtures, ByteOrder.LITTLE_ENDIAN),
                new ProcessIndex(ProcessIndexTest.fakeProc(dir)), fixtures.resolveSibling("passwd"), ServiceRegistry.iana()));
    }

    @Test
    void printsATableSortedByPortWithClassServiceAndOwner(@TempDir Path dir) throws Exception {
        Run r = run(fixturePorts(dir));
        assertThat(r.code()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).startsWith("PROTO  LOCAL ADDRESS").contains("PORT", "CLASS", "SERVICE", "PID", "PROGRAM", "USER");
        assertThat(lines[1]).matches("tcp +0\\.0\\.0\\.0 +22 +system +ssh +1234 +nginx +root");
        assertThat(r.out()).containsPattern("tcp6 +\\[::\\] +80 +system +http +hidden +- +www-data")
                .containsPattern("udp +0\\.0\\.0\\.0 +5353 +registered +mdns")
                .containsPattern("tcp6 +\\[::ffff:127\\.0\\.0\\.1\\] +8081")
                .contains("note: ", "hidden");
    }

    @Test
    void filtersByProtocolPortClassPidAndProgram(@TempDir Path dir) throws Exception {
        assertThat(run(fixturePorts(dir), "--udp").out()).doesNotContain("tcp ").contains("5353");
        assertThat(run(fixturePorts(dir), "--port", "5000-6000", "--tcp").out()).contains("5432").doesNotContain("5353");
        assertThat(run(fixturePorts(dir), "--class", "system").out()).contains(" 22 ").doesNotContain("5432");
        assertThat(run(fixturePorts(dir), "--pid", "1234").out()).contains("ssh", "8080").doesNotContain("5432");
        assertThat(run(fixturePorts(dir), "--program", "NGI").out()).contains("ssh").doesNotContain("mdns");
        assertThat(run(fixturePorts(dir), "--program", "nothing-like-it").out()).contains("(no matching sockets)");
    }

    @Test
    void addsConnectionsWithPeersWithAll(@TempDir Path dir) throws Exception {
        Run r = run(fixturePorts(dir), "--all");
        assertThat(r.out()).contains("STATE", "PEER").containsPattern("ESTAB +127\\.0\\.0\\.1:50000")
                .containsPattern("TIME-WAIT +34\\.216\\.184\\.93:49153 +- +- +root");
    }

    @Test
    void writesJsonForScriptsWithHiddenOwnersMarked(@TempDir Path dir) throws Exception {
        Run r = run(fixturePorts(dir), "--json");
        JsonNode all = new ObjectMapper().readTree(r.out());
        assertThat(all.isArray()).isTrue();
        JsonNode http = all.get(3);
        assertThat(http.get("port").asInt()).isEqualTo(80);
        assertThat(http.get("owner").asText()).isEqualTo("hidden");
        assertThat(http.get("hint").asText()).isNotEmpty();
        assertThat(http.get("family").asText()).isEqualTo("ipv6");
        assertThat(http.get("address").asText()).isEqualTo("::");
        JsonNode ssh = all.get(0);
        assertThat(ssh.get("service").asText()).isEqualTo("ssh");
        assertThat(ssh.get("class").asText()).isEqualTo("system");
        assertThat(ssh.get("pids").get(0).asLong()).isEqualTo(1234);
        assertThat(ssh.get("processes").get(0).get("program").asText()).isEqualTo("nginx");
    }

    @Test
    void rejectsBadArgumentsWithAClearMessageAndExitTwo(@TempDir Path dir) throws Exception {
        Run port = run(fixturePorts(dir), "--port", "70000");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("port 70000 is out of range (expected: 0-65535)").doesNotContain("Exception", "\tat ");
        Run cls = run(fixturePorts(dir), "--class", "huge");
        assertThat(cls.code()).isEqualTo(2);
        assertThat(cls.err()).contains("'huge'");
        assertThat(run(new CheckCommand(), "80/sctp").err()).contains("transport 'sctp'");
        assertThat(run(new CheckCommand(), "80/sctp").code()).isEqualTo(2);
        assertThat(run(new CheckCommand(), "http").code()).isEqualTo(2);
        assertThat(run(new CheckCommand(), "8080", "--address", "example.com").err()).contains("not an IP address");
        assertThat(run(new CheckCommand()).code()).isEqualTo(2);
        assertThat(run(new FreeCommand(), "--count", "0").code()).isEqualTo(2);
        assertThat(run(new FreeCommand(), "--near", "x").code()).isEqualTo(2);
    }

    @Test
    void showsHelpWithExamples() {
        for (Object c : new Object[] {new PortsCommand(), new CheckCommand(), new FreeCommand()}) {
            Run r = run(c, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage:", "Examples:", "portcullis ");
        }
    }

    @Test
    void checkExitsZeroForAFreePortAndOneForAHeldOne() throws Exception {
        int free = Sockets.freePort();
        Run r = run(new CheckCommand(), Integer.toString(free));
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("is free");
        try (ServerSocketChannel tcp = Sockets.tcp("127.0.0.1"); DatagramChannel udp = Sockets.udp("127.0.0.1")) {
            Run taken = run(new CheckCommand(), Sockets.port(tcp) + "/tcp", "--address", "127.0.0.1");
            assertThat(taken.code()).isEqualTo(1);
            assertThat(taken.out()).contains("already in use by java (pid " + ProcessHandle.current().pid());
            Run json = run(new CheckCommand(), Sockets.port(udp) + "/udp", "--json");
            assertThat(json.code()).isEqualTo(1);
            JsonNode n = new ObjectMapper().readTree(json.out());
            assertThat(n.get("outcome").asText()).isEqualTo("taken");
            assertThat(n.get("holders").get(0).get("pids").get(0).asLong()).isEqualTo(ProcessHandle.current().pid());
        }
        Run elsewhere = run(new CheckCommand(), "8080", "--address", "192.0.2.55");
        assertThat(elsewhere.code()).isEqualTo(2);
        assertThat(elsewhere.out()).contains("address not available");
    }

    @Test
    void checkNamesThePortsService() {
        Run r = run(new CheckCommand(), "5432/tcp", "--address", "127.0.0.1");
        assertThat(r.out()).contains("service: 5432/tcp postgresql");
    }

    @Test
    void freePrintsPortsAndSaysWhatTheEphemeralRangeIs() throws Exception {
        Run r = run(new FreeCommand(), "--count", "3", "--tcp", "--near", "8080");
        assertThat(r.code()).isZero();
        assertThat(r.out().strip().split("\n")).hasSize(3);
        assertThat(r.err()).contains("ephemeral range on this host: " + KernelPorts.read().ephemeral(), "--ephemeral");
        Run json = run(new FreeCommand(), "--json", "--class", "dynamic", "--count", "2");
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertThat(n.get("ports")).hasSize(2);
        assertThat(n.get("ports").get(0).asInt()).isGreaterThanOrEqualTo(49152);
    }
}
