package io.portcullis.ports;

import io.portcullis.net.PortClass;
import io.portcullis.net.Protocol;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The sockets of this host joined with their owners, classes and service names: what {@code portcullis ports}
 * prints and what a failed bind is explained with.
 */
public final class PortInventory {

    /** Sorted by port, then protocol, then IPv4 before IPv6, then address, then state, then peer. */
    public static final Comparator<PortEntry> BY_PORT = (a, b) -> compare(a.socket(), b.socket());

    private final SocketTable table;
    private final ProcessIndex processes;
    private final UserNames users;
    /** The service names; null until first needed when they are IANA's (reading them takes a while). */
    private ServiceRegistry services;

    /** The inventory of this host. */
    public PortInventory() {
        this(new SocketTable(), new ProcessIndex(), Path.of("/etc/passwd"));
    }

    private PortInventory(SocketTable table, ProcessIndex processes, Path passwd) {
        this.table = Objects.requireNonNull(table, "table");
        this.processes = Objects.requireNonNull(processes, "processes");
        this.users = new UserNames(Objects.requireNonNull(passwd, "passwd"));
    }

    /** An inventory over the given sources (tests use fixtures). */
    public PortInventory(SocketTable table, ProcessIndex processes, Path passwd, ServiceRegistry services) {
        this(table, processes, passwd);
        this.services = Objects.requireNonNull(services, "services");
    }

    private ServiceRegistry services() {
        if (services == null) {
            services = ServiceRegistry.iana();
        }
        return services;
    }

    /** The socket table this inventory reads. */
    public SocketTable table() {
        return table;
    }

    /** The process index this inventory uses (for start times and the like). */
    public ProcessIndex processes() {
        return processes;
    }

    /**
     * The listening TCP sockets and bound UDP sockets; with {@code includeConnections}, every other socket too
     * (established connections with their peers, TIME-WAIT, ...). Sorted {@link #BY_PORT}.
     *
     * <p>Most of the time goes to the kernel writing its tables and resolving every process's descriptors, and
     * neither depends on the other: the descriptors are scanned on a second thread (for every socket, as the
     * inodes are not known yet) and the UDP tables are read on a third while this thread reads the TCP tables.
     */
    public List<PortEntry> scan(boolean includeConnections) throws IOException {
        boolean listeningOnly = !includeConnections;
        int cpus = Runtime.getRuntime().availableProcessors();
        FutureTask<ProcessIndex.Scan> owners = background("portcullis-fd-scan", () -> processes.scan(null, cpus));
        FutureTask<List<HostSocket>> udp = background("portcullis-udp-table", () -> table.read(Protocol.UDP, listeningOnly));
        List<HostSocket> sockets = table.read(Protocol.TCP, listeningOnly);
        // While the other threads wait for the kernel: the service names and user names the join needs.
        services();
        users.name(0);
        sockets.addAll(result(udp));
        return join(sockets, result(owners));
    }

    private static <T> FutureTask<T> background(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return task;
    }

    private static <T> T result(FutureTask<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the socket tables");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Joins the sockets with owners, users, classes and services. Sorted {@link #BY_PORT}. */
    public List<PortEntry> join(List<HostSocket> sockets) {
        Set<Long> inodes = new HashSet<>();
        for (HostSocket s : sockets) {
            if (s.inode() > 0) {
                inodes.add(s.inode());
            }
        }
        ProcessIndex.Scan scan = inodes.isEmpty() ? new ProcessIndex.Scan(java.util.Map.of(), 0) : processes.scan(inodes);
        return join(sockets, scan);
    }

    // Written out: Comparator.comparingLong(...).thenComparingInt(...) spins lambda classes of the JDK at run time.
    private static final Comparator<SocketOwner> BY_PID_FD = (a, b) -> {
        int c = Long.compare(a.pid(), b.pid());
        return c != 0 ? c : Integer.compare(a.fd(), b.fd());
    };

    /** Joins the sockets with the owners in {@code scan} (which may hold other sockets too). */
    private List<PortEntry> join(List<HostSocket> sockets, ProcessIndex.Scan scan) {
        List<PortEntry> out = new ArrayList<>(sockets.size());
        ServiceRegistry names = services();
        for (HostSocket s : sockets) {
            out.add(entry(s, scan, names));
        }
        out.sort(BY_PORT);
        return out;
    }

    private PortEntry entry(HostSocket s, ProcessIndex.Scan scan, ServiceRegistry names) {
        List<SocketOwner> owners = s.inode() > 0 ? scan.ownersOf(s.inode()) : List.of();
        if (owners.size() > 1) {
            owners = new ArrayList<>(owners);
            owners.sort(BY_PID_FD);
        }
        PortEntry.Ownership ownership = !owners.isEmpty() ? PortEntry.Ownership.KNOWN
                : s.inode() == 0 ? PortEntry.Ownership.NONE : PortEntry.Ownership.HIDDEN;
        return new PortEntry(s, owners, ownership, users.name(s.uid()), PortClass.of(s.port()),
                names.lookup(s.protocol(), s.port()));
    }

    private static int compare(HostSocket a, HostSocket b) {
        int c = Integer.compare(a.port(), b.port());
        if (c == 0) {
            c = a.protocol().compareTo(b.protocol());
        }
        if (c == 0) {
            c = Boolean.compare(a.ipv6(), b.ipv6());
        }
        if (c == 0) {
            c = java.util.Arrays.compareUnsigned(a.local().getAddress().getAddress(), b.local().getAddress().getAddress());
        }
        if (c == 0) {
            c = a.state().compareTo(b.state());
        }
        if (c == 0) {
            c = java.util.Arrays.compareUnsigned(a.remote().getAddress().getAddress(), b.remote().getAddress().getAddress());
        }
        return c != 0 ? c : Integer.compare(a.remote().getPort(), b.remote().getPort());
    }

    /** A hint for a user who sees hidden owners: what to do to see them. */
    public static String hiddenOwnerHint() {
        return isRoot()
                ? "owners marked hidden are processes outside this PID namespace (another container sharing the network)"
                : "owners marked hidden belong to other users; run as root (sudo portcullis ...) to see them";
    }

    /** Whether this process runs as root. */
    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Whether a socket bound to {@code held} stands in the way of binding {@code wanted} (same port assumed). */
    static boolean addressesConflict(InetAddress held, InetAddress wanted) {
        if (held.isAnyLocalAddress() || wanted.isAnyLocalAddress()) {
            boolean heldV4 = SocketTable.isV4OrMapped(held) && !(held instanceof java.net.Inet6Address && held.isAnyLocalAddress());
            boolean wantedV4 = SocketTable.isV4OrMapped(wanted) && !(wanted instanceof java.net.Inet6Address && wanted.isAnyLocalAddress());
            // An IPv4 wildcard covers only IPv4; an IPv6 wildcard (dual-stack) covers both.
            if (held.isAnyLocalAddress() && held instanceof java.net.Inet4Address) {
                return wantedV4 || wanted.isAnyLocalAddress();
            }
            if (wanted.isAnyLocalAddress() && wanted instanceof java.net.Inet4Address) {
                return heldV4 || held.isAnyLocalAddress();
            }
            return true;
        }
        return held.equals(wanted) || java.util.Arrays.equals(v4Bytes(held), v4Bytes(wanted)) && v4Bytes(held) != null;
    }

    private static byte[] v4Bytes(InetAddress a) {
        if (!SocketTable.isV4OrMapped(a)) {
            return null;
        }
        byte[] b = a.getAddress();
        return b.length == 4 ? b : java.util.Arrays.copyOfRange(b, 12, 16);
    }
}
