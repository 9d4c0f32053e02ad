package io.portcullis.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a single address is a network of
 * one ({@code /32} or {@code /128}). Access rules, bans and allow lists are made of these.
 *
 * <p>The address is kept with its host bits cleared, so {@code 10.1.2.3/8} and {@code 10.0.0.0/8} are the
 * same network. IPv4 addresses that arrive as IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3}, as dual-stack
 * sockets report them) match IPv4 networks: see {@link #canonical(InetAddress)}.
 *
 * @param address the network's first address
 * @param prefix the number of leading bits that identify the network (0-32 for IPv4, 0-128 for IPv6)
 */
public record Cidr(InetAddress address, int prefix) {

    public Cidr {
        Objects.requireNonNull(address, "address");
        address = canonical(address);
        int max = bits(address);
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix /" + prefix + " is out of range for " + Addresses.format(address)
                    + " (expected: 0-" + max + ")");
        }
        address = masked(address, prefix);
    }

    /** {@code 192.0.2.0/24}, {@code 2001:db8::/32}, or a single address such as {@code 192.0.2.7} or {@code ::1}. */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty network (expected: an address or network such as 192.0.2.0/24 or 2001:db8::/32)");
        }
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        InetAddress a = Addresses.parseLiteral(addr).orElseThrow(() -> new IllegalArgumentException("'" + text.strip()
                + "' is not an IP address or network (expected: an address or network such as 192.0.2.0/24 or 2001:db8::/32)"));
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            throw new IllegalArgumentException("'" + text.strip() + "' has a zone (%" + v6.getScopedInterface() + "); networks take none");
        }
        a = canonical(a);
        int max = bits(a);
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + text.strip() + "' has prefix '/" + p + "' (expected: /0-/" + max + ")");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("'" + text.strip() + "' has prefix /" + prefix + ", more than the "
                        + max + " bits of an " + (max == 32 ? "IPv4" : "IPv6") + " address (expected: /0-/" + max + ")");
            }
            if (!masked(a, prefix).equals(a)) {
                throw new IllegalArgumentException("'" + text.strip() + "' has host bits set (expected: "
                        + new Cidr(a, prefix) + ", the network it lies in, or " + Addresses.format(a) + "/" + max
                        + " for the single address)");
            }
        }
        return new Cidr(a, prefix);
    }

    /** The network of exactly one address. */
    public static Cidr of(InetAddress address) {
        InetAddress a = canonical(address);
        return new Cidr(a, bits(a));
    }

    /**
     * The address as the rules see it: an IPv4-mapped IPv6 address becomes the IPv4 address it carries, and a
     * zone id is dropped, so a client is judged by its address whatever kind of socket accepted it.
     */
    public static InetAddress canonical(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isMappedV4(b)) {
                return literal(Arrays.copyOfRange(b, 12, 16));
            }
            if (v6.getScopeId() != 0 || v6.getScopedInterface() != null) {
                return literal(b);
            }
        }
        return address;
    }

    /** True for the bytes of {@code ::ffff:a.b.c.d}. */
    public static boolean isMappedV4(byte[] b) {
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** Whether {@code other} lies in this network (IPv4-mapped addresses count as IPv4). */
    public boolean contains(InetAddress other) {
        InetAddress a = canonical(other);
        return bits(a) == bits(address) && masked(a, prefix).equals(address);
    }

    /** Whether every address of {@code other} lies in this network. */
    public boolean contains(Cidr other) {
        return other.isIpv4() == isIpv4() && other.prefix >= prefix && contains(other.address);
    }

    /** Whether this is a single address rather than a wider network. */
    public boolean isSingleAddress() {
        return prefix == bits(address);
    }

    private static int bits(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    private static InetAddress masked(InetAddress a, int prefix) {
        byte[] b = a.getAddress();
        boolean changed = false;
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            byte m = (byte) (keep == 0 ? 0 : 0xff << (8 - keep));
            if ((b[i] & ~m) != 0) {
                b[i] &= m;
                changed = true;
            }
        }
        return changed ? literal(b) : a;
    }

    private static InetAddress literal(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** As users write it: {@code 10.0.0.0/8}, {@code 2001:db8::/32}; a single address without its prefix. */
    @Override
    public String toString() {
        String a = Addresses.format(address);
        if (address instanceof Inet6Address) {
            a = a.substring(1, a.length() - 1);
        }
        return isSingleAddress() ? a : a + "/" + prefix;
    }
}
