package io.portcullis.ports;

import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * IANA's service names for TCP and UDP ports, shipped inside the jar as {@code services.tsv} (its source and
 * date are in {@code SERVICES-SOURCE.md} beside it), so that no {@code /etc/services} is needed.
 */
public final class ServiceRegistry {

    private static final String RESOURCE = "services.tsv";

    /** The registry's text, UTF-8: lines of {@code port TAB protocols TAB name [TAB description]}. */
    private final byte[] data;
    /** For each port, where its TCP (UDP) line starts in {@link #data}, plus one; 0 when there is none. */
    private final int[] tcpLine = new int[PortRange.MAX_PORT + 1];
    private final int[] udpLine = new int[PortRange.MAX_PORT + 1];
    /** The services made from those lines so far: a lookup makes its line's service on first use. */
    private final Service[] tcp = new Service[PortRange.MAX_PORT + 1];
    private final Service[] udp = new Service[PortRange.MAX_PORT + 1];

    private ServiceRegistry(byte[] data) {
        this.data = data;
        index();
    }

    private static final class Holder {
        static final ServiceRegistry IANA = load();
    }

    /** The registry shipped with Portcullis, read on first use. */
    public static ServiceRegistry iana() {
        return Holder.IANA;
    }

    /** The service registered for {@code port} over {@code protocol}, if any. */
    public Optional<Service> lookup(Protocol protocol, int port) {
        Objects.requireNonNull(protocol, "protocol");
        if (port < 0 || port > PortRange.MAX_PORT) {
            return Optional.empty();
        }
        boolean isTcp = protocol == Protocol.TCP;
        Service[] made = isTcp ? tcp : udp;
        Service s = made[port];
        if (s == null) {
            int line = (isTcp ? tcpLine : udpLine)[port];
            if (line == 0) {
                return Optional.empty();
            }
            // Services are immutable: two threads making the same one at once is harmless.
            s = service(line - 1);
            made[port] = s;
        }
        return Optional.of(s);
    }

    /** The registered service name, or the empty string. */
    public String name(Protocol protocol, int port) {
        return lookup(protocol, port).map(Service::name).orElse("");
    }

    private static ServiceRegistry load() {
        byte[] fromJar = readFromJar();
        if (fromJar != null) {
            return new ServiceRegistry(fromJar);
        }
        try (InputStream in = ServiceRegistry.class.getResourceAsStream(RESOURCE)) {
            // A build without the data: no names, but nothing breaks.
            return new ServiceRegistry(in == null ? new byte[0] : in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service registry " + RESOURCE, e);
        }
    }

    /**
     * The registry read straight from the jar this class came from, or null (not from a jar, or unreadable).
     * Class#getResourceAsStream asks the JDK's own module image first, and opening that image costs a one-shot
     * command more than reading the registry does.
     */
    private static byte[] readFromJar() {
        try {
            java.security.CodeSource source = ServiceRegistry.class.getProtectionDomain().getCodeSource();
            java.net.URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol()) || !location.getPath().endsWith(".jar")) {
                return null;
            }
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(new java.io.File(location.toURI()))) {
                java.util.zip.ZipEntry entry = jar.getEntry("io/portcullis/ports/" + RESOURCE);
                if (entry == null) {
                    return null;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    return in.readAllBytes();
                }
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Notes where each port's line starts; reading 6,000 lines into services up front took longer than listing
     * 10,000 sockets. Comment lines, lines without a name and lines with a bad port are skipped; a later line for
     * the same port and transport wins.
     */
    private void index() {
        int n = data.length;
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && data[end] != '\n') {
                end++;
            }
            indexLine(start, end);
            start = end + 1;
        }
    }

    private void indexLine(int start, int end) {
        if (end > start && data[end - 1] == '\r') {
            end--;
        }
        if (start == end || data[start] == '#') {
            return;
        }
        int t1 = indexOf('\t', start, end);
        int t2 = t1 < 0 ? -1 : indexOf('\t', t1 + 1, end);
        if (t2 < 0) {
            return;
        }
        int port = parsePort(start, t1);
        if (port < 0) {
            return;
        }
        if (contains(t1 + 1, t2, 't', 'c', 'p')) {
            tcpLine[port] = start + 1;
        }
        if (contains(t1 + 1, t2, 'u', 'd', 'p')) {
            udpLine[port] = start + 1;
        }
    }

    /** The service of the line that starts at {@code start}. */
    private Service service(int start) {
        int end = indexOf('\n', start, data.length);
        if (end < 0) {
            end = data.length;
        }
        if (end > start && data[end - 1] == '\r') {
            end--;
        }
        int t2 = indexOf('\t', indexOf('\t', start, end) + 1, end);
        int t3 = indexOf('\t', t2 + 1, end);
        String name = new String(data, t2 + 1, (t3 < 0 ? end : t3) - t2 - 1, StandardCharsets.UTF_8);
        String description = t3 < 0 ? "" : new String(data, t3 + 1, end - t3 - 1, StandardCharsets.UTF_8);
        return new Service(name, description);
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean contains(int from, int to, char a, char b, char c) {
        for (int i = from; i + 2 < to; i++) {
            if (data[i] == a && data[i + 1] == b && data[i + 2] == c) {
                return true;
            }
        }
        return false;
    }

    /** A decimal port number in data[from, to), or -1. */
    private int parsePort(int from, int to) {
        if (from < to && data[from] == '+') {
            from++;
        }
        if (from >= to || to - from > 5) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = data[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v <= PortRange.MAX_PORT ? v : -1;
    }
}
