package io.portcullis.ports;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Addresses printed as {@code ss} prints them: {@code 127.0.0.1}, {@code [::1]}, {@code [::ffff:127.0.0.1]}. */
public final class SocketAddresses {

    private SocketAddresses() {}

    /** The address alone, IPv6 in brackets. */
    public static String host(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        if (SocketTable.isV4OrMapped(a) && !a.isAnyLocalAddress()) {
            return new StringBuilder(24).append("[::ffff:").append(b[12] & 0xFF).append('.').append(b[13] & 0xFF)
                    .append('.').append(b[14] & 0xFF).append('.').append(b[15] & 0xFF).append(']').toString();
        }
        return io.portcullis.net.Addresses.format(a);
    }

    /** {@code address:port}. */
    public static String endpoint(InetSocketAddress s) {
        return host(s.getAddress()) + ":" + s.getPort();
    }

    /** The address alone without brackets, for JSON. */
    public static String plain(InetAddress a) {
        String h = host(a);
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }
}
