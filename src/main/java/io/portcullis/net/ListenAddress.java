package io.portcullis.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a forward listens: a literal local address (or a wildcard) and one port or a range of ports.
 *
 * <p>Only literal addresses are accepted, so that starting the gateway never waits for a name lookup and
 * a config means the same on every start.
 */
public record ListenAddress(InetAddress address, PortRange ports) {

    public ListenAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ports, "ports");
    }

    /**
     * Parses {@code 0.0.0.0:8080}, {@code [::]:8080}, {@code 127.0.0.1:9000-9010}, or a bare port
     * ({@code 8080}, meaning every IPv4 address).
     */
    public static ListenAddress parse(String text) {
        String s = text.strip();
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isDigit(c) || c == '-')) {
            return new ListenAddress(Addresses.ANY_V4, PortRange.parse(s));
        }
        HostPorts hp = HostPorts.parse(s);
        InetAddress address = Addresses.parseLiteral(hp.host())
                .orElseThrow(() -> new IllegalArgumentException("listen address '" + hp.host()
                        + "' is not an IP address (expected: an IPv4 or IPv6 literal such as 0.0.0.0, 127.0.0.1, [::])"));
        return new ListenAddress(address, hp.ports());
    }

    public boolean isWildcard() {
        return address.isAnyLocalAddress();
    }

    /** The socket address of the k-th port of the range. */
    public InetSocketAddress socketAddress(int k) {
        return new InetSocketAddress(address, ports.portAt(k));
    }

    /**
     * Whether two listen addresses could collide on the same port: same address, or either one a wildcard
     * of the same family (an IPv6 wildcard also covers IPv4 on a dual-stack host).
     */
    public boolean conflictsWith(ListenAddress other) {
        if (!ports.overlaps(other.ports)) {
            return false;
        }
        if (address.equals(other.address)) {
            return true;
        }
        boolean sameFamily = (address instanceof Inet6Address) == (other.address instanceof Inet6Address);
        if (isWildcard() && other.isWildcard()) {
            return true;
        }
        if (isWildcard()) {
            return sameFamily || address instanceof Inet6Address;
        }
        if (other.isWildcard()) {
            return sameFamily || other.address instanceof Inet6Address;
        }
        return false;
    }

    @Override
    public String toString() {
        return Addresses.format(address) + ":" + ports;
    }
}
