package io.portcullis.net;

import java.util.Objects;

/**
 * Where a forward sends traffic: a host (IP literal or name) and one port or a range of ports.
 *
 * <p>For a forward that listens on a range, the k-th listening port goes to the k-th port of this range,
 * or to its one port when it has only one.
 */
public record TargetAddress(String host, PortRange ports) {

    public TargetAddress {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ports, "ports");
        if (host.isBlank()) {
            throw new IllegalArgumentException("target host is empty (expected: host:port)");
        }
        if (Addresses.parseLiteral(host).isEmpty() && !Addresses.isHostName(host)) {
            throw new IllegalArgumentException("target host '" + host + "' is neither an IP address nor a host name");
        }
    }

    /** Parses {@code 192.168.1.50:8080}, {@code nas.lan:9000-9010} or {@code [fd00::5]:443}. */
    public static TargetAddress parse(String text) {
        HostPorts hp = HostPorts.parse(text);
        return new TargetAddress(hp.host(), hp.ports());
    }

    @Override
    public String toString() {
        return Addresses.parseLiteral(host).map(Addresses::format).orElse(host) + ":" + ports;
    }
}
