package io.portcullis.ports;

import io.portcullis.net.Protocol;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers "can this port be bound now?" by trying, and explains a refusal: which process holds the port, which
 * privilege a system port needs, that the address is not this host's, or that the port is reserved.
 *
 * <p>The same explanations serve {@link BindFailure}, which the gateway calls when binding a forward fails.
 */
public final class PortCheck {

    /** Opens a socket on an address and closes it at once; throws what the bind threw. */
    @FunctionalInterface
    public interface Binder {
        /** Binds {@code address} for {@code protocol} and releases it again. */
        void tryBind(Protocol protocol, InetSocketAddress address) throws IOException;
    }

    /**
     * Binds with NIO as a server would: TCP with SO_REUSEADDR (so TIME-WAIT leftovers do not count as taken),
     * UDP without it; an IPv6 wildcard is dual-stack.
     */
    public static final Binder NIO = (protocol, address) -> {
        StandardProtocolFamily family = address.getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        if (protocol == Protocol.TCP) {
            try (ServerSocketChannel ch = ServerSocketChannel.open(family)) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(address);
            }
        } else {
            try (DatagramChannel ch = DatagramChannel.open(family)) {
                ch.bind(address);
            }
        }
    };

    private static final DateTimeFormatter SINCE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final PortInventory inventory;
    private final KernelPorts kernel;
    private final Binder binder;
    private final boolean root;

    /** A check against this host. */
    public PortCheck() {
        this(new PortInventory(), KernelPorts.read(), NIO, PortInventory.isRoot());
    }

    /**
     * A check with its sources given: tests inject kernel settings and a binder that fails as an unprivileged
     * user's would.
     *
     * @param root whether the caller is root (privileged binds succeed for it)
     */
    public PortCheck(PortInventory inventory, KernelPorts kernel, Binder binder, boolean root) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.root = root;
    }

    /** The kernel settings in use. */
    public KernelPorts kernel() {
        return kernel;
    }

    /**
     * The wildcard a question about "the port" uses when no address is given: {@code [::]} on a host with IPv6
     * (dual-stack, so a holder on any IPv4 or IPv6 address counts), else {@code 0.0.0.0}.
     */
    public static InetAddress defaultWildcard() {
        try {
            if (Files.size(Path.of("/proc/net/if_inet6")) >= 0 && Files.exists(Path.of("/proc/net/tcp6"))) {
                return InetAddress.getByName("::");
            }
        } catch (IOException | RuntimeException e) {
            // no IPv6
        }
        return io.portcullis.net.Addresses.ANY_V4;
    }

    /** Whether {@code port} can be bound on {@code address} now, and if not, why. */
    public CheckResult check(Protocol protocol, InetSocketAddress address) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        int port = address.getPort();
        Optional<Service> service = ServiceRegistry.iana().lookup(protocol, port);
        List<String> notes = new ArrayList<>();
        try {
            binder.tryBind(protocol, address);
        } catch (IOException | RuntimeException e) {
            return failed(protocol, address, e, service);
        }
        String where = where(protocol, address);
        if (kernel.isReserved(port)) {
            return new CheckResult(protocol, address, CheckResult.Outcome.RESERVED,
                    where + " can be bound, but it is reserved: it is listed in net.ipv4.ip_local_reserved_ports ("
                            + kernel.reservedText() + "), which is how this host keeps it for a particular service;"
                            + " the kernel never hands it out by itself.",
                    List.of(), notes, service);
        }
        if (kernel.needsPrivilege(port)) {
            notes.add((root ? "you can bind it as root; " : "you can bind it: this process has the privilege; ")
                    + "other users need CAP_NET_BIND_SERVICE for it (net.ipv4.ip_unprivileged_port_start is "
                    + kernel.unprivilegedPortStart() + ")");
        }
        if (port != 0 && kernel.ephemeral().contains(port)) {
            notes.add("it lies in this host's ephemeral range " + kernel.ephemeral()
                    + " (net.ipv4.ip_local_port_range), so an outgoing connection may take it at any moment");
        }
        return new CheckResult(protocol, address, CheckResult.Outcome.FREE, where + " is free.", List.of(), notes,
                service);
    }

    /** The explanation of a failed bind of {@code address}, as one or more sentences. Never throws. */
    public String explain(Protocol protocol, InetSocketAddress address, Throwable cause) {
        try {
            return failed(protocol, address, cause, ServiceRegistry.iana().lookup(protocol, address.getPort())).summary();
        } catch (RuntimeException e) {
            return where(protocol, address) + " cannot be bound: " + message(cause);
        }
    }

    private CheckResult failed(Protocol protocol, InetSocketAddress address, Throwable cause, Optional<Service> service) {
        String where = where(protocol, address);
        return switch (classify(cause)) {
            case IN_USE -> {
                List<PortEntry> holders = holders(protocol, address);
                yield new CheckResult(protocol, address, CheckResult.Outcome.TAKEN,
                        where + " is already in use by " + describeHolders(holders) + ".", holders, List.of(), service);
            }
            case PERMISSION -> new CheckResult(protocol, address, CheckResult.Outcome.PRIVILEGED,
                    privilegeExplanation(protocol, address.getPort()), List.of(), List.of(), service);
            case NOT_AVAILABLE -> new CheckResult(protocol, address, CheckResult.Outcome.ADDRESS_NOT_AVAILABLE,
                    where + " cannot be bound: address not available, " + SocketAddresses.host(address.getAddress())
                            + " is not an address of this host. Use one of its own addresses, or 0.0.0.0 / [::] for all.",
                    List.of(), List.of(), service);
            case OTHER -> new CheckResult(protocol, address, CheckResult.Outcome.ERROR,
                    where + " cannot be bound: " + message(cause), List.of(), List.of(), service);
        };
    }

    /** The sockets that stand in the way of binding {@code address}, each with its owners. */
    List<PortEntry> holders(Protocol protocol, InetSocketAddress address) {
        List<HostSocket> same = new ArrayList<>();
        try {
            for (HostSocket s : inventory.table().read(protocol)) {
                if (s.port() == address.getPort() && s.inode() != 0) {
                    same.add(s);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        List<HostSocket> conflicting = new ArrayList<>();
        for (HostSocket s : same) {
            boolean bound = protocol == Protocol.UDP || s.isListening();
            if (bound && PortInventory.addressesConflict(s.local().getAddress(), address.getAddress())) {
                conflicting.add(s);
            }
        }
        return inventory.join(conflicting.isEmpty() ? same : conflicting);
    }

    private String describeHolders(List<PortEntry> holders) {
        List<String> parts = new ArrayList<>();
        List<String> hiddenUsers = new ArrayList<>();
        for (PortEntry e : holders) {
            if (e.owners().isEmpty()) {
                if (!hiddenUsers.contains(e.user())) {
                    hiddenUsers.add(e.user());
                }
                continue;
            }
            for (SocketOwner o : e.owners()) {
                String since = inventory.processes().startTime(o.pid()).map(this::since).orElse("");
                String text = o.program() + " (pid " + o.pid() + ", user " + e.user() + since + ")";
                if (!parts.contains(text)) {
                    parts.add(text);
                }
            }
        }
        if (!hiddenUsers.isEmpty()) {
            parts.add("a process this program cannot see (socket of user " + String.join(", ", hiddenUsers) + "; "
                    + PortInventory.hiddenOwnerHint() + ")");
        }
        if (parts.isEmpty()) {
            return "another socket (its owner could not be found; it may have just closed)";
        }
        return String.join(" and ", parts);
    }

    private String since(Instant t) {
        return ", running since " + SINCE.format(t);
    }

    /** Why a system port was refused and the three ways to allow it. */
    String privilegeExplanation(Protocol protocol, int port) {
        String where = "port " + port + "/" + protocol.label();
        int start = kernel.unprivilegedPortStart();
        if (port >= start) {
            return "binding " + where + " was refused (permission denied), although it is not a privileged port on this"
                    + " host (net.ipv4.ip_unprivileged_port_start is " + start + "): a security module (SELinux,"
                    + " AppArmor) or a seccomp filter refused it.";
        }
        return where + " is a system port: binding it needs root or the capability CAP_NET_BIND_SERVICE, since"
                + " net.ipv4.ip_unprivileged_port_start is " + start + " on this host. Grant it in one of three ways:"
                + " (1) run Portcullis under systemd with AmbientCapabilities=CAP_NET_BIND_SERVICE in its [Service]"
                + " section; (2) give the capability to the Java binary: sudo setcap cap_net_bind_service=+ep "
                + javaBinary() + " (the loader then ignores LD_LIBRARY_PATH, so list Java's lib directory in"
                + " /etc/ld.so.conf.d/ and run ldconfig); (3) let every program bind ports from " + port
                + " up: sudo sysctl -w net.ipv4.ip_unprivileged_port_start=" + port
                + " (keep it in /etc/sysctl.d/ to survive a reboot). Or use a port of " + start + " or above.";
    }

    private static String javaBinary() {
        Path java = Path.of(System.getProperty("java.home", "/usr"), "bin", "java");
        try {
            return java.toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return java.toString();
        }
    }

    static String where(Protocol protocol, InetSocketAddress address) {
        return "port " + address.getPort() + "/" + protocol.label() + " on " + SocketAddresses.host(address.getAddress());
    }

    /** What kind of failure a bind threw, judged by type, errno and message (Netty's epoll or NIO). */
    enum Kind { IN_USE, PERMISSION, NOT_AVAILABLE, OTHER }

    static Kind classify(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            Kind k = classifyOne(t);
            if (k != Kind.OTHER) {
                return k;
            }
        }
        return Kind.OTHER;
    }

    private static Kind classifyOne(Throwable t) {
        if (t.getClass().getName().endsWith("NativeIoException")) {
            // io.netty.channel.unix.Errors.NativeIoException: expectedErr() is -errno.
            try {
                Method m = t.getClass().getMethod("expectedErr");
                int err = -((Number) m.invoke(t)).intValue();
                if (err == 98) {
                    return Kind.IN_USE;
                }
                if (err == 13) {
                    return Kind.PERMISSION;
                }
                if (err == 99) {
                    return Kind.NOT_AVAILABLE;
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // judge by the message
            }
        }
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("address already in use") || m.contains("eaddrinuse")) {
            return Kind.IN_USE;
        }
        if (m.contains("permission denied") || m.contains("eacces")) {
            return Kind.PERMISSION;
        }
        if (m.contains("cannot assign requested address") || m.contains("eaddrnotavail")
                || m.contains("address not available")) {
            return Kind.NOT_AVAILABLE;
        }
        return Kind.OTHER;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
