package io.portcullis.net;

/**
 * The text form {@code host:port}, {@code host:first-last}, {@code [v6]:port} split into its host and its
 * ports, without resolving anything. Listen addresses and targets share this syntax.
 */
record HostPorts(String host, PortRange ports) {

    static HostPorts parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("address is empty (expected: host:port, e.g. 192.168.1.50:8080)");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + s + "' opens '[' but never closes it (expected: [2001:db8::1]:8080)");
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.startsWith(":") || rest.length() == 1) {
                throw new IllegalArgumentException("'" + s + "' has no port after the address (expected: [" + host + "]:PORT)");
            }
            return new HostPorts(host, PortRange.parse(rest.substring(1)));
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0 && s.chars().allMatch(c -> Character.isDigit(c) || c == '-')) {
            throw new IllegalArgumentException("'" + s + "' has no host (expected: host:port, e.g. 127.0.0.1:" + s + ")");
        }
        if (colon < 0) {
            throw new IllegalArgumentException("'" + s + "' has no port (expected: host:port, e.g. " + s + ":8080)");
        }
        if (s.indexOf(':') != colon) {
            throw new IllegalArgumentException(
                    "'" + s + "' looks like an IPv6 address without brackets (expected: [address]:port, e.g. [::1]:8080)");
        }
        String host = s.substring(0, colon).strip();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + s + "' has no host before the port (expected: host:port)");
        }
        return new HostPorts(host, PortRange.parse(s.substring(colon + 1)));
    }
}
