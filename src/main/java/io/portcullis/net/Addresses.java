package io.portcullis.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parsing and printing of IP addresses without ever touching DNS. */
public final class Addresses {

    /** The IPv4 wildcard, 0.0.0.0. */
    public static final InetAddress ANY_V4 = literal(new byte[4]);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[\\w.-]+)?");
    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

    private Addresses() {}

    /** The address if {@code text} is an IPv4 or IPv6 literal; empty otherwise. Never does a lookup. */
    public static Optional<InetAddress> parseLiteral(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean v4 = IPV4.matcher(s).matches();
        boolean v6 = s.indexOf(':') >= 0 && IPV6.matcher(s).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        if (v4) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            // Only literals reach this point, so getByName parses and never resolves.
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code text} is a syntactically valid DNS host name. */
    public static boolean isHostName(String text) {
        return HOST_NAME.matcher(text).matches() && !IPV4.matcher(text).matches();
    }

    /** The address as users write it: {@code 192.0.2.1}, or {@code [2001:db8::1]} for IPv6. */
    public static String format(InetAddress address) {
        if (address instanceof Inet6Address) {
            String s = address.getHostAddress();
            int pct = s.indexOf('%');
            String bare = pct < 0 ? s : s.substring(0, pct);
            return "[" + compressV6(bare) + (pct < 0 ? "" : s.substring(pct)) + "]";
        }
        return address.getHostAddress();
    }

    /** {@code address:port} as users write it. */
    public static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            InetAddress a = isa.getAddress();
            return (a != null ? format(a) : isa.getHostString()) + ":" + isa.getPort();
        }
        return String.valueOf(address);
    }

    private static String compressV6(String full) {
        // Java prints 0:0:0:0:0:0:0:1; people write ::1. Replace the longest run of zero groups with "::".
        String[] groups = full.split(":", -1);
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < 8 && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, 8));
        return head + "::" + tail;
    }

    private static InetAddress literal(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
