package io.portcullis.ports;

import io.portcullis.net.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads the kernel's socket tables, {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}, into
 * {@link HostSocket}s.
 *
 * <p>The kernel prints each address as the hexadecimal of its 32-bit words as they lie in memory, so on a
 * little-endian host {@code 127.0.0.1} reads {@code 0100007F}; ports are plain hexadecimal. A line that does
 * not parse is skipped: a malformed row never stops the rest from being read.
 */
public final class SocketTable {

    private final Path procNet;
    private final ByteOrder byteOrder;

    /** A table reader for this host: {@code /proc/net}, in the host's byte order. */
    public SocketTable() {
        this(Path.of("/proc/net"), ByteOrder.nativeOrder());
    }

    /**
     * A table reader for the files in {@code procNet}, written by a host with the given byte order (tests use
     * fixture directories).
     */
    public SocketTable(Path procNet, ByteOrder byteOrder) {
        this.procNet = Objects.requireNonNull(procNet, "procNet");
        this.byteOrder = Objects.requireNonNull(byteOrder, "byteOrder");
    }

    /** Every TCP and UDP socket in the four tables; a missing table (no IPv6) counts as empty. */
    public List<HostSocket> read() throws IOException {
        List<HostSocket> out = new ArrayList<>();
        read(Protocol.TCP, out);
        read(Protocol.UDP, out);
        return out;
    }

    /** The sockets of one protocol, IPv4 and IPv6. */
    public List<HostSocket> read(Protocol protocol) throws IOException {
        List<HostSocket> out = new ArrayList<>();
        read(protocol, false, out);
        return out;
    }

    /** Only the listening TCP sockets and bound (unconnected) UDP sockets, IPv4 and IPv6. */
    public List<HostSocket> readListening() throws IOException {
        List<HostSocket> out = new ArrayList<>();
        read(Protocol.TCP, true, out);
        read(Protocol.UDP, true, out);
        return out;
    }

    private void read(Protocol protocol, List<HostSocket> out) throws IOException {
        read(protocol, false, out);
    }

    private void read(Protocol protocol, boolean listeningOnly, List<HostSocket> out) throws IOException {
        String base = protocol.label();
        readFile(protocol, procNet.resolve(base), listeningOnly, out);
        readFile(protocol, procNet.resolve(base + "6"), listeningOnly, out);
    }

    private void readFile(Protocol protocol, Path file, boolean listeningOnly, List<HostSocket> out) throws IOException {
        // The kernel writes a TCP table's listening sockets first, then the connections (on a busy host mostly
        // TIME-WAIT). Listeners are never among the connections, so a listening-only read stops at the first
        // connection and spares the kernel writing the rest.
        boolean stopAtConnections = listeningOnly && protocol == Protocol.TCP;
        try (InputStream in = Files.newInputStream(file)) {
            readProc(in, text -> parseLines(protocol, text, byteOrder, listeningOnly, out) >= 0 || !stopAtConnections);
        } catch (NoSuchFileException e) {
            // no such table (IPv6 disabled): nothing in it
        }
    }

    /** Receives the text of whole lines; answers whether to go on reading. */
    @FunctionalInterface
    interface Lines {
        boolean accept(String text);
    }

    /**
     * Reads a /proc table in large pieces and hands over whole lines. The kernel produces these tables anew
     * for every read() call and walks its socket hash from the start to the offset each time, so the small
     * reads of {@code Files.readAllBytes} (8 KiB on a file whose size is 0) take seconds on a busy host.
     */
    static void readProc(InputStream in, Lines lines) throws IOException {
        byte[] buf = new byte[1 << 18];
        int filled = 0;
        boolean header = true;
        for (int n; (n = in.read(buf, filled, buf.length - filled)) > 0; ) {
            filled += n;
            int lastNewline = filled - 1;
            while (lastNewline >= 0 && buf[lastNewline] != '\n') {
                lastNewline--;
            }
            if (lastNewline < 0) {
                if (filled == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                continue;
            }
            String text = new String(buf, 0, lastNewline + 1, StandardCharsets.ISO_8859_1);
            if (header) {
                header = false;
                int eol = text.indexOf('\n');
                if (text.lastIndexOf("local_address", eol) >= 0) {
                    text = text.substring(eol + 1);
                }
            }
            if (!lines.accept(text)) {
                return;
            }
            filled -= lastNewline + 1;
            System.arraycopy(buf, lastNewline + 1, buf, 0, filled);
        }
        if (filled > 0) {
            lines.accept(new String(buf, 0, filled, StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Parses the text of one table into {@code out}. The header line and malformed lines are skipped.
     *
     * @return how many lines were skipped as malformed (the header not counted)
     */
    static int parse(Protocol protocol, String text, ByteOrder order, List<HostSocket> out) {
        return parse(protocol, text, order, false, out);
    }

    /**
     * Parses the text of one table; with {@code listeningOnly}, rows of other states are passed over before
     * their addresses are parsed (on a busy host most rows are TIME-WAIT).
     */
    static int parse(Protocol protocol, String text, ByteOrder order, boolean listeningOnly, List<HostSocket> out) {
        int r = parseLines(protocol, text, order, listeningOnly, out);
        return r < 0 ? -1 - r : r;
    }

    /** As {@link #parse}, but answers {@code -1 - skipped} when a listening-only parse met a row of another state. */
    private static int parseLines(Protocol protocol, String text, ByteOrder order, boolean listeningOnly, List<HostSocket> out) {
        int listenCode = protocol == Protocol.TCP ? SocketState.LISTEN.code() : SocketState.UNCONN.code();
        int skipped = 0;
        boolean metOther = false;
        int start = 0;
        boolean first = true;
        int[] from = new int[FIELDS];
        int[] to = new int[FIELDS];
        int length = text.length();
        while (start < length) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            int lineStart = start;
            start = end + 1;
            if (first) {
                first = false;
                if (text.lastIndexOf("local_address", end) >= lineStart) {
                    continue;
                }
            }
            int n = split(text, lineStart, end, from, to);
            if (n == 0) {
                continue;
            }
            if (n < FIELDS) {
                skipped++;
                continue;
            }
            if (listeningOnly && (to[3] - from[3] != 2 || parseHex(text, from[3], to[3]) != listenCode)) {
                metOther = true;
                continue;
            }
            HostSocket s = parseLine(protocol, text, from, to, order);
            if (s == null) {
                skipped++;
            } else {
                out.add(s);
            }
        }
        return metOther ? -1 - skipped : skipped;
    }

    /** The fields a row needs: sl, local, remote, st, queues, timer, retransmits, uid, timeout, inode. */
    private static final int FIELDS = 10;

    /** One row, or null when it does not parse. */
    private static HostSocket parseLine(Protocol protocol, String text, int[] from, int[] to, ByteOrder order) {
        InetSocketAddress local = parseEndpoint(text.substring(from[1], to[1]), order);
        InetSocketAddress remote = parseEndpoint(text.substring(from[2], to[2]), order);
        if (local == null || remote == null || to[3] - from[3] > 2) {
            return null;
        }
        int state = parseHex(text, from[3], to[3]);
        long uid = parseDecimal(text, from[7], to[7]);
        long inode = parseDecimal(text, from[9], to[9]);
        if (state < 0 || uid < 0 || uid > 0xFFFF_FFFFL || inode < 0) {
            return null;
        }
        return new HostSocket(protocol, local, remote, SocketState.ofCode(state), (int) uid, inode);
    }

    /** Splits text[start, end) on runs of white space; fills at most {@code from.length} fields, returns how many. */
    private static int split(String text, int start, int end, int[] from, int[] to) {
        int n = 0;
        int i = start;
        while (n < from.length) {
            while (i < end && text.charAt(i) <= ' ') {
                i++;
            }
            if (i >= end) {
                break;
            }
            int j = i;
            while (j < end && text.charAt(j) > ' ') {
                j++;
            }
            from[n] = i;
            to[n] = j;
            n++;
            i = j;
        }
        return n;
    }

    /** A non-negative decimal of at most 18 digits, or -1. */
    private static long parseDecimal(String text, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@code 0100007F:1F90} or the 32-hex-digit IPv6 form; null when malformed. */
    static InetSocketAddress parseEndpoint(String text, ByteOrder order) {
        int colon = text.indexOf(':');
        if (colon != 8 && colon != 32 || text.length() - colon - 1 != 4) {
            return null;
        }
        int port = parseHex(text, colon + 1, text.length());
        byte[] bytes = new byte[colon / 2];
        for (int w = 0; w < colon / 8; w++) {
            int word = parseHex(text, w * 8, w * 8 + 8);
            if (word == -1 && !text.regionMatches(true, w * 8, "FFFFFFFF", 0, 8)) {
                return null;
            }
            for (int b = 0; b < 4; b++) {
                int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * b : 8 * (3 - b);
                bytes[w * 4 + b] = (byte) (word >>> shift);
            }
        }
        if (port < 0) {
            return null;
        }
        try {
            InetAddress address = bytes.length == 4
                    ? InetAddress.getByAddress(bytes)
                    // Inet6Address keeps IPv4-mapped addresses (::ffff:a.b.c.d) as IPv6, as the table they came from.
                    : Inet6Address.getByAddress(null, bytes, -1);
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The value of hex digits text[from, to) (at most 8), or -1 when one is not a hex digit. */
    private static int parseHex(String text, int from, int to) {
        if (from >= to || to - from > 8) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return (int) v;
    }

    /** Whether the address is IPv4, or IPv4 mapped into IPv6 ({@code ::ffff:a.b.c.d}). */
    static boolean isV4OrMapped(InetAddress a) {
        if (a instanceof Inet4Address) {
            return true;
        }
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }
}
