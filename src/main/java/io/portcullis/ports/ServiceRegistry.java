package io.portcullis.ports;

import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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

    private final Service[] tcp = new Service[PortRange.MAX_PORT + 1];
    private final Service[] udp = new Service[PortRange.MAX_PORT + 1];

    private ServiceRegistry() {}

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
        return Optional.ofNullable((protocol == Protocol.TCP ? tcp : udp)[port]);
    }

    /** The registered service name, or the empty string. */
    public String name(Protocol protocol, int port) {
        return lookup(protocol, port).map(Service::name).orElse("");
    }

    private static ServiceRegistry load() {
        ServiceRegistry r = new ServiceRegistry();
        try (InputStream in = ServiceRegistry.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return r; // a build without the data: no names, but nothing breaks
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            for (String line; (line = reader.readLine()) != null; ) {
                r.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service registry " + RESOURCE, e);
        }
        return r;
    }

    private void add(String line) {
        if (line.isEmpty() || line.charAt(0) == '#') {
            return;
        }
        int t1 = line.indexOf('\t');
        int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
        if (t2 < 0) {
            return;
        }
        int t3 = line.indexOf('\t', t2 + 1);
        int port;
        try {
            port = Integer.parseInt(line, 0, t1, 10);
        } catch (NumberFormatException e) {
            return;
        }
        if (port < 0 || port > PortRange.MAX_PORT) {
            return;
        }
        String protocols = line.substring(t1 + 1, t2);
        Service s = new Service(line.substring(t2 + 1, t3 < 0 ? line.length() : t3), t3 < 0 ? "" : line.substring(t3 + 1));
        if (protocols.contains("tcp")) {
            tcp[port] = s;
        }
        if (protocols.contains("udp")) {
            udp[port] = s;
        }
    }
}
