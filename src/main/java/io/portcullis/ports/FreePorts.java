package io.portcullis.ports;

import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Finds ports that are free right now: no socket in the kernel's tables uses them, the kernel did not reserve
 * them, and a trial bind succeeds. The ephemeral range is left out unless asked for, since the kernel may hand
 * those ports to outgoing connections at any moment.
 */
public final class FreePorts {

    private final SocketTable table;
    private final KernelPorts kernel;
    private final PortCheck.Binder binder;
    private final InetAddress wildcard;

    /** Free ports of this host. */
    public FreePorts() {
        this(new SocketTable(), KernelPorts.read(), PortCheck.NIO, PortCheck.defaultWildcard());
    }

    /** Free ports as seen through the given sources. */
    public FreePorts(SocketTable table, KernelPorts kernel, PortCheck.Binder binder, InetAddress wildcard) {
        this.table = Objects.requireNonNull(table, "table");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.wildcard = Objects.requireNonNull(wildcard, "wildcard");
    }

    /** The kernel settings in use (the ephemeral range among them). */
    public KernelPorts kernel() {
        return kernel;
    }

    /**
     * Up to {@code count} ports of {@code range} free for every protocol in {@code protocols}, in ascending order,
     * or nearest first to {@code near} when it is not null.
     *
     * @param includeEphemeral whether ports of the kernel's ephemeral range may be returned
     */
    public List<Integer> find(Set<Protocol> protocols, PortRange range, boolean includeEphemeral, int count,
            Integer near) throws IOException {
        Objects.requireNonNull(protocols, "protocols");
        Objects.requireNonNull(range, "range");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols is empty (expected: tcp, udp or both)");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1 or more)");
        }
        BitSet used = new BitSet(PortRange.MAX_PORT + 1);
        for (Protocol p : protocols) {
            for (HostSocket s : table.read(p)) {
                used.set(s.port());
            }
        }
        List<Integer> candidates = new ArrayList<>();
        for (int port = Math.max(1, range.first()); port <= range.last(); port++) {
            if (used.get(port) || kernel.isReserved(port) || !includeEphemeral && kernel.ephemeral().contains(port)) {
                continue;
            }
            candidates.add(port);
        }
        if (near != null) {
            int n = near;
            candidates.sort(Comparator.comparingInt((Integer p) -> Math.abs(p - n)).thenComparingInt(p -> p));
        }
        List<Integer> out = new ArrayList<>(count);
        for (int port : candidates) {
            if (bindable(protocols, port)) {
                out.add(port);
                if (out.size() == count) {
                    break;
                }
            }
        }
        return out;
    }

    private boolean bindable(Set<Protocol> protocols, int port) {
        for (Protocol p : protocols) {
            try {
                binder.tryBind(p, new InetSocketAddress(wildcard, port));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return true;
    }
}
