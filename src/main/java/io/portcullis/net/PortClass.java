package io.portcullis.net;

import java.util.Locale;

/**
 * The class of a port number as IANA divides the space: system (well-known) ports need privilege to bind,
 * registered ports are assigned to services on request, dynamic ports are never assigned and are what
 * operating systems hand out for outgoing connections.
 */
public enum PortClass {
    /** Ports 0-1023: binding one needs privilege (CAP_NET_BIND_SERVICE) unless the kernel lowers the bar. */
    SYSTEM(0, 1023),
    /** Ports 1024-49151: assigned by IANA to services on request. */
    REGISTERED(1024, 49_151),
    /** Ports 49152-65535: dynamic (private, ephemeral) ports, never assigned. */
    DYNAMIC(49_152, 65_535);

    private final PortRange range;

    PortClass(int first, int last) {
        this.range = new PortRange(first, last);
    }

    /** The class of {@code port}. */
    public static PortClass of(int port) {
        if (port < 0 || port > PortRange.MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected: 0-65535)");
        }
        if (port <= SYSTEM.range.last()) {
            return SYSTEM;
        }
        return port <= REGISTERED.range.last() ? REGISTERED : DYNAMIC;
    }

    /** Parses {@code system}, {@code registered} or {@code dynamic} (any case; {@code ephemeral} means dynamic). */
    public static PortClass parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "system", "well-known", "wellknown" -> SYSTEM;
            case "registered", "user" -> REGISTERED;
            case "dynamic", "ephemeral", "private" -> DYNAMIC;
            default -> throw new IllegalArgumentException(
                    "port class '" + text + "' is unknown (expected: system, registered or dynamic)");
        };
    }

    /** The ports of this class. */
    public PortRange range() {
        return range;
    }

    /** The lower-case name users write and read. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
