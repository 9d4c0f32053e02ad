package io.portcullis.ports;

import io.portcullis.net.PortRange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The kernel's settings about ports, from {@code /proc/sys/net/ipv4}: which ports need privilege, which it hands
 * out to outgoing connections, and which the administrator set aside.
 *
 * @param unprivilegedPortStart {@code ip_unprivileged_port_start}: ports below it need CAP_NET_BIND_SERVICE
 *     (1024 by default)
 * @param ephemeral {@code ip_local_port_range}: the ports the kernel picks for outgoing connections and for
 *     binds to port 0
 * @param reserved {@code ip_local_reserved_ports}: ports the kernel never picks by itself
 */
public record KernelPorts(int unprivilegedPortStart, PortRange ephemeral, List<PortRange> reserved) {

    /** What a kernel uses when nothing was changed. */
    public static final KernelPorts DEFAULTS = new KernelPorts(1024, new PortRange(32_768, 60_999), List.of());

    public KernelPorts {
        Objects.requireNonNull(ephemeral, "ephemeral");
        reserved = List.copyOf(reserved);
        if (unprivilegedPortStart < 0 || unprivilegedPortStart > PortRange.MAX_PORT + 1) {
            throw new IllegalArgumentException(
                    "unprivilegedPortStart: " + unprivilegedPortStart + " (expected: 0-65536)");
        }
    }

    /** The settings of this host; each one that cannot be read keeps its default. */
    public static KernelPorts read() {
        return read(Path.of("/proc/sys/net/ipv4"));
    }

    /** The settings in the directory {@code ipv4} (a copy of {@code /proc/sys/net/ipv4} in tests). */
    public static KernelPorts read(Path ipv4) {
        int start = DEFAULTS.unprivilegedPortStart;
        PortRange ephemeral = DEFAULTS.ephemeral;
        List<PortRange> reserved = List.of();
        try {
            start = Integer.parseInt(readSysctl(ipv4.resolve("ip_unprivileged_port_start")).strip());
        } catch (IOException | RuntimeException e) {
            // keep the default
        }
        try {
            String[] f = readSysctl(ipv4.resolve("ip_local_port_range")).strip().split("\\s+");
            ephemeral = new PortRange(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
        } catch (IOException | RuntimeException e) {
            // keep the default
        }
        try {
            reserved = parseReserved(readSysctl(ipv4.resolve("ip_local_reserved_ports")));
        } catch (IOException | RuntimeException e) {
            // none
        }
        return new KernelPorts(start, ephemeral, reserved);
    }

    /**
     * Reads a sysctl file in one read: the kernel's integer handlers answer a read at a non-zero offset with
     * end-of-file, so reading in small pieces (as {@code Files.readString} does on a file of size 0) sees only
     * the first byte.
     */
    static String readSysctl(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
        }
    }

    /** Parses the kernel's list form {@code 8080,9000-9010}; bad parts are skipped. */
    static List<PortRange> parseReserved(String text) {
        List<PortRange> out = new ArrayList<>();
        for (String part : text.strip().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(PortRange.parse(part));
            } catch (IllegalArgumentException e) {
                // skip it
            }
        }
        return out;
    }

    /** Whether a user without CAP_NET_BIND_SERVICE is refused {@code port}. */
    public boolean needsPrivilege(int port) {
        return port > 0 && port < unprivilegedPortStart;
    }

    /** Whether {@code port} is in {@code ip_local_reserved_ports}. */
    public boolean isReserved(int port) {
        for (PortRange r : reserved) {
            if (r.contains(port)) {
                return true;
            }
        }
        return false;
    }

    /** The reserved ports as the kernel writes them, e.g. {@code 8080,9000-9010}. */
    public String reservedText() {
        StringBuilder sb = new StringBuilder();
        for (PortRange r : reserved) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(r);
        }
        return sb.toString();
    }
}
