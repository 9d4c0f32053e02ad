package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortCheckTest {

    private static final long PID = ProcessHandle.current().pid();

    private static InetSocketAddress any(int port) {
        return new InetSocketAddress(PortCheck.defaultWildcard(), port);
    }

    @Test
    void answersFreeForAPortNobodyHolds() throws Exception {
        int port = Sockets.freePort();
        CheckResult r = new PortCheck().check(Protocol.TCP, any(port));
        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.FREE);
        assertThat(r.exitCode()).isZero();
        assertThat(r.summary()).isEqualTo("port " + port + "/tcp on " + SocketAddresses.host(PortCheck.defaultWildcard()) + " is free.");
    }

    @Test
    void namesTheProcessHoldingATcpPort() throws Exception {
        try (ServerSocketChannel held = Sockets.tcp("127.0.0.1")) {
            int port = Sockets.port(held);
            CheckResult r = new PortCheck().check(Protocol.TCP, new InetSocketAddress("127.0.0.1", port));
            assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.TAKEN);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.summary()).startsWith("port " + port + "/tcp on 127.0.0.1 is already in use by ")
                    .contains("(pid " + PID + ", user root, running since ");
            assertThat(r.holders()).flatExtracting(PortEntry::owners).extracting(SocketOwner::pid).contains(PID);
            // The wildcard collides with a specific address too.
            assertThat(new PortCheck().check(Protocol.TCP, any(port)).outcome()).isEqualTo(CheckResult.Outcome.TAKEN);
        }
    }

    @Test
    void namesTheProcessHoldingAUdpPortOnIpv6() throws Exception {
        try (DatagramChannel held = Sockets.udp("::1")) {
            int port = Sockets.port(held);
            CheckResult r = new PortCheck().check(Protocol.UDP, new InetSocketAddress("::1", port));
            assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.TAKEN);
            assertThat(r.summary()).startsWith("port " + port + "/udp on [::1] is already in use by ").contains("pid " + PID);
        }
    }

    @Test
    void explainsPrivilegeForASystemPortWhenTheBindIsRefused() {
        KernelPorts kernel = new KernelPorts(1024, new PortRange(32768, 60999), List.of());
        PortCheck check = new PortCheck(new PortInventory(), kernel,
                (p, a) -> { throw new BindException("Permission denied"); }, false);
        CheckResult r = check.check(Protocol.TCP, any(80));
        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.PRIVILEGED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.summary()).contains("port 80/tcp is a system port", "CAP_NET_BIND_SERVICE",
                "net.ipv4.ip_unprivileged_port_start is 1024", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "setcap cap_net_bind_service=+ep /", "sysctl -w net.ipv4.ip_unprivileged_port_start=80");
        assertThat(r.service()).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("http"));
    }

    @Test
    void blamesASecurityModuleWhenAnUnprivilegedPortIsRefused() {
        KernelPorts kernel = new KernelPorts(80, new PortRange(32768, 60999), List.of());
        PortCheck check = new PortCheck(new PortInventory(), kernel,
                (p, a) -> { throw new BindException("Permission denied"); }, false);
        assertThat(check.check(Protocol.TCP, any(443)).summary()).contains("not a privileged port", "SELinux");
    }

    @Test
    void reportsAReservedPortAsTakenAlthoughABindWouldSucceed() throws Exception {
        int port = Sockets.freePort();
        KernelPorts kernel = new KernelPorts(1024, new PortRange(32768, 60999), List.of(PortRange.of(port), new PortRange(9000, 9010)));
        CheckResult r = new PortCheck(new PortInventory(), kernel, PortCheck.NIO, true).check(Protocol.TCP, any(port));
        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.RESERVED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.summary()).contains("ip_local_reserved_ports (" + port + ",9000-9010)");
    }

    @Test
    void saysAnAddressThatIsNotOnThisHostIsNotAvailable() throws Exception {
        CheckResult r = new PortCheck().check(Protocol.TCP, new InetSocketAddress(InetAddress.getByName("192.0.2.123"), 8080));
        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.ADDRESS_NOT_AVAILABLE);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.summary()).contains("address not available", "192.0.2.123 is not an address of this host");
    }

    @Test
    void notesThatAFreeSystemPortNeedsPrivilegeForOtherUsers() {
        KernelPorts kernel = new KernelPorts(1024, new PortRange(32768, 60999), List.of());
        CheckResult r = new PortCheck(new PortInventory(), kernel, (p, a) -> { }, true).check(Protocol.TCP, any(443));
        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.FREE);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("CAP_NET_BIND_SERVICE"));
    }

    @Test
    void readsKernelSettingsAndKeepsDefaultsForWhatIsMissing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ip_local_port_range"), "40000\t50000\n");
        Files.writeString(dir.resolve("ip_local_reserved_ports"), "8080,9000-9010,bogus\n");
        KernelPorts k = KernelPorts.read(dir);
        assertThat(k.ephemeral()).isEqualTo(new PortRange(40000, 50000));
        assertThat(k.reserved()).containsExactly(PortRange.of(8080), new PortRange(9000, 9010));
        assertThat(k.unprivilegedPortStart()).isEqualTo(1024);
        assertThat(k.isReserved(9005)).isTrue();
    }

    @Test
    void readsTheWholeSysctlValueOfThisHostAsCatDoes() throws Exception {
        Process cat = new ProcessBuilder("cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start").start();
        String expected = new String(cat.getInputStream().readAllBytes()).strip();
        assumeTrue(cat.waitFor() == 0 && !expected.isEmpty(), "no ip_unprivileged_port_start here");
        assertThat(KernelPorts.read().unprivilegedPortStart()).isEqualTo(Integer.parseInt(expected));
    }

    /**
     * Runs the check as user nobody (uid 65534) with setpriv, where that works: a system port must come back
     * PRIVILEGED with the capability named.
     */
    @Test
    void refusesASystemPortToAnUnprivilegedUser(@TempDir Path dir) throws Exception {
        assumeTrue(PortInventory.isRoot(), "needs root to switch to an unprivileged user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        KernelPorts kernel = KernelPorts.read();
        int port = -1;
        for (int p = 1023; p > 600 && port < 0; p--) {
            if (kernel.needsPrivilege(p) && new PortCheck().check(Protocol.TCP, any(p)).outcome() == CheckResult.Outcome.FREE) {
                port = p;
            }
        }
        assumeTrue(port > 0, "no free system port below net.ipv4.ip_unprivileged_port_start");
        // Copy the classes to a directory every user can read (the build tree may sit under /root).
        Path classes = Path.of(PortCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path testClasses = Path.of(CheckAsUser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path cp = dir.resolve("cp");
        copyTree(classes, cp);
        copyTree(testClasses.resolve("io/portcullis/ports/CheckAsUser.class"), cp.resolve("io/portcullis/ports/CheckAsUser.class"));
        makeReadable(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", java, "-XX:-UsePerfData", "-Xshare:auto", "-cp", cp.toString(),
                CheckAsUser.class.getName(), "TCP", Integer.toString(port)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "the unprivileged JVM did not finish");
        String output = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.exitValue() == 0, "could not run java as nobody here: " + output);
        assertThat(output).startsWith("PRIVILEGED").contains("port " + port + "/tcp is a system port",
                "CAP_NET_BIND_SERVICE", "ip_unprivileged_port_start is " + kernel.unprivilegedPortStart());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static void makeReadable(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
