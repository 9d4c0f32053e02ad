package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.cli.PortsCommand;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Opens sockets of every kind (TCP and UDP; IPv4, IPv6 and dual-stack; wildcard and specific addresses; one
 * held by a child process) and compares {@code portcullis ports --json} with {@code ss -H -tulpn}: the same
 * sockets with the same PIDs and programs.
 */
class PortsMatchSsTest {

    private static final Pattern PID = Pattern.compile("\"([^\"]*)\",pid=(\\d+),fd=\\d+");

    private final List<Closeable> open = new ArrayList<>();
    private Process child;

    @AfterEach
    void close() throws Exception {
        for (Closeable c : open) {
            c.close();
        }
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void listsTheSameSocketsAndPidsAsSs() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ss")) || Files.isExecutable(Path.of("/bin/ss")), "needs ss (iproute2)");
        Set<Integer> ports = new TreeSet<>();
        for (String a : List.of("0.0.0.0", "127.0.0.1", "::1", "::")) {
            ports.add(keep(Sockets.tcp(a)));
            ports.add(keep(Sockets.udp(a)));
        }
        ports.add(keep(Sockets.tcp("::ffff:127.0.0.1")));
        ports.addAll(startChild());

        List<String> ours = null;
        List<String> theirs = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            List<String> before = ss(ports);
            ours = portcullis(ports);
            List<String> after = ss(ports);
            theirs = before;
            if (before.equals(after) && before.equals(ours)) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(ours).as("ports --json against ss -H -tulpn").isEqualTo(theirs);
        assertThat(ours).as("every socket the test opened").hasSizeGreaterThanOrEqualTo(ports.size());
        long self = ProcessHandle.current().pid();
        assertThat(ours).anySatisfy(line -> assertThat(line).contains("pids=[" + child.pid() + "]"));
        assertThat(ours).anySatisfy(line -> assertThat(line).contains("pids=[" + self + "]"));
    }

    @Test
    void listsEveryListenerSsListsOnTheHost() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ss")) || Files.isExecutable(Path.of("/bin/ss")), "needs ss (iproute2)");
        keep(Sockets.tcp("127.0.0.1"));
        List<String> ours = null;
        List<String> theirs = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            List<String> before = ss(null);
            ours = portcullis(null);
            theirs = before;
            if (before.equals(ss(null)) && before.equals(ours)) {
                break;
            }
            Thread.sleep(300);
        }
        assertThat(ours).isEqualTo(theirs);
    }

    private int keep(NetworkChannel ch) throws Exception {
        open.add(ch);
        return Sockets.port(ch);
    }

    /** A second JVM that opens a TCP and a UDP socket on 127.0.0.1 and prints their ports. */
    private List<Integer> startChild() throws Exception {
        Path testClasses = Path.of(SocketHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-cp", testClasses.toString(), SocketHolder.class.getName()).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).as("child's ports").isNotNull();
        List<Integer> ports = new ArrayList<>();
        for (String p : line.strip().split(" ")) {
            ports.add(Integer.parseInt(p));
        }
        return ports;
    }

    /** Lines "tcp ADDRESS:PORT pids=[...] programs=[...]" from ss, for the given ports (all when null), sorted. */
    private static List<String> ss(Set<Integer> ports) throws Exception {
        Process p = new ProcessBuilder("ss", "-H", "-tulpn").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 5) {
                continue;
            }
            String local = f[4];
            int colon = local.lastIndexOf(':');
            int port = Integer.parseInt(local.substring(colon + 1));
            if (ports != null && !ports.contains(port)) {
                continue;
            }
            String host = local.substring(0, colon);
            int pct = host.indexOf('%');
            if (pct >= 0) {
                host = host.substring(0, pct); // "127.0.0.53%lo": bound to a device as well
            }
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.equals("*")) {
                host = "::"; // ss writes a dual-stack IPv6 wildcard as *
            }
            TreeSet<Long> pids = new TreeSet<>();
            TreeSet<String> programs = new TreeSet<>();
            Matcher m = PID.matcher(line);
            while (m.find()) {
                programs.add(m.group(1));
                pids.add(Long.parseLong(m.group(2)));
            }
            lines.add(key(f[0], host, port, pids, programs));
        }
        lines.sort(null);
        return lines;
    }

    private static List<String> portcullis(Set<Integer> ports) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new PortsCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("--json");
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = new ArrayList<>();
        for (JsonNode n : new ObjectMapper().readTree(out.toString())) {
            int port = n.get("port").asInt();
            if (ports != null && !ports.contains(port)) {
                continue;
            }
            TreeSet<Long> pids = new TreeSet<>();
            n.get("pids").forEach(p -> pids.add(p.asLong()));
            TreeSet<String> programs = new TreeSet<>();
            n.get("processes").forEach(p -> programs.add(p.get("program").asText()));
            lines.add(key(n.get("protocol").asText(), n.get("address").asText(), port, pids, programs));
        }
        lines.sort(null);
        return lines;
    }

    private static String key(String protocol, String host, int port, Set<Long> pids, Set<String> programs) throws Exception {
        String h = host.startsWith("::ffff:") && host.contains(".") ? host : SocketAddresses.plain(InetAddress.getByName(host));
        return protocol + " " + h + " " + port + " pids=" + pids + " programs=" + programs;
    }
}
