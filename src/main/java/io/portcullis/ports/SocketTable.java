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

    /**
     * The sockets of one protocol, IPv4 then IPv6; with {@code listeningOnly}, only listening TCP sockets or
     * bound UDP sockets.
     */
    public List<HostSocket> read(Protocol protocol, boolean listeningOnly) throws IOException {
        List<HostSocket> out = new ArrayList<>();
        read(protocol, listeningOnly, out);
        return out;
    }

    private void read(Protocol protocol, boolean listeningOnly, List<HostSocket> out) throws IOException {
        boolean tcp = protocol == Protocol.TCP;
        readFile(protocol, procNet.resolve(tcp ? "tcp" : "udp"), listeningOnly, out);
        readFile(protocol, procNet.resolve(tcp ? "tcp6" : "udp6"), listeningOnly, out);
    }

    private void readFile(Protocol protocol, Path file, boolean listeningOnly, List<HostSocket> out) throws IOException {
        // The kernel writes a TCP table's listening sockets first, then the connections (on a busy host mostly
        // TIME-WAIT). Listeners are never among the connections, so a listening-only read stops at the first
        // connection and spares the kernel writing the rest.
        boolean stopAtConnections = listeningOnly && protocol == Protocol.TCP;
        try (InputStream in = Files.newInputStream(file)) {
            readProc(in, new Parser(protocol, byteOrder, listeningOnly, out, stopAtConnections));
        } catch (NoSuchFileException e) {
            // no such table (IPv6 disabled): nothing in it
        }
    }

    /** Receives the text of whole lines; answers whether to go on reading. */
    @FunctionalInterface
    interface Lines {
        boolean accept(String text);
    }

    /** Receives whole lines, {@code buf[from, to)}; answers whether to go on reading. */
    @FunctionalInterface
    interface LineBytes {
        boolean accept(byte[] buf, int from, int to);
    }

    /** As {@link #readProc(InputStream, LineBytes)}, with the lines as text. */
    static void readProc(InputStream in, Lines lines) throws IOException {
        readProc(in, (buf, from, to) -> lines.accept(new String(buf, from, to - from, StandardCharsets.ISO_8859_1)));
    }

    /**
     * Reads a /proc table in large pieces and hands over whole lines. The kernel produces these tables anew
     * for every read() call and walks its socket hash from the start to the offset each time, so the small
     * reads of {@code Files.readAllBytes} (8 KiB on a file whose size is 0) take seconds on a busy host.
     */
    static void readProc(InputStream in, LineBytes lines) throws IOException {
        byte[] buf = new byte[1 << 18];
        int filled = 0;
        for (int n; (n = in.read(buf, filled, buf.length - filled)) > 0; ) {
            int lastNewline = filled + n - 1;
            while (lastNewline >= filled && buf[lastNewline] != '\n') {
                lastNewline--;
            }
            filled += n;
            if (lastNewline < 0 || buf[lastNewline] != '\n') {
                if (filled == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                continue;
            }
            if (!lines.accept(buf, 0, lastNewline + 1)) {
                return;
            }
            filled -= lastNewline + 1;
            System.arraycopy(buf, lastNewline + 1, buf, 0, filled);
        }
        if (filled > 0) {
            lines.accept(buf, 0, filled);
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
        Parser parser = new Parser(protocol, order, listeningOnly, out);
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        parser.parse(bytes, 0, bytes.length);
        return parser.skipped;
    }

    /** The fields a row needs: sl, local, remote, st, queues, timer, retransmits, uid, timeout, inode. */
    private static final int FIELDS = 10;

    /**
     * Parses the rows of one table from its bytes, as they come: no text is made of a row, and rows that
     * share an address (on a busy host most do) share its {@link InetAddress}.
     */
    static final class Parser implements LineBytes {
        private final Protocol protocol;
        private final boolean littleEndian;
        private final boolean listeningOnly;
        private final List<HostSocket> out;
        private final int listenCode;
        private final int[] from = new int[FIELDS];
        private final int[] to = new int[FIELDS];
        private final byte[] scratch4 = new byte[4];
        private final byte[] scratch16 = new byte[16];
        private final byte[][] lastBytes = new byte[2][];
        private final InetAddress[] lastAddress = new InetAddress[2];
        private InetSocketAddress lastRemoteEndpoint;
        private final boolean stopAtConnections;
        /** Rows skipped as malformed so far. */
        int skipped;

        @Override
        public boolean accept(byte[] buf, int from, int to) {
            return parse(buf, from, to) || !stopAtConnections;
        }

        Parser(Protocol protocol, ByteOrder order, boolean listeningOnly, List<HostSocket> out) {
            this(protocol, order, listeningOnly, out, false);
        }

        /**
         * With {@code stopAtConnections}, {@link #accept} asks to stop reading after the lines in which a
         * listening-only parse met a row of another state.
         */
        Parser(Protocol protocol, ByteOrder order, boolean listeningOnly, List<HostSocket> out, boolean stopAtConnections) {
            this.stopAtConnections = stopAtConnections;
            this.protocol = protocol;
            this.littleEndian = order == ByteOrder.LITTLE_ENDIAN;
            this.listeningOnly = listeningOnly;
            this.out = out;
            this.listenCode = protocol == Protocol.TCP ? SocketState.LISTEN.code() : SocketState.UNCONN.code();
        }

        /**
         * Parses the whole lines in {@code buf[start, end)}; a first line that holds {@code local_address} is the
         * header. Answers false when a listening-only parse met a row of another state.
         */
        boolean parse(byte[] buf, int start, int end) {
            boolean metOther = false;
            boolean first = true;
            while (start < end) {
                int eol = start;
                while (eol < end && buf[eol] != '\n') {
                    eol++;
                }
                int lineStart = start;
                start = eol + 1;
                if (first) {
                    first = false;
                    if (contains(buf, lineStart, eol, LOCAL_ADDRESS)) {
                        continue;
                    }
                }
                int n = split(buf, lineStart, eol, from, to);
                if (n == 0) {
                    continue;
                }
                if (n < FIELDS) {
                    skipped++;
                    continue;
                }
                if (listeningOnly && (to[3] - from[3] != 2 || parseHex(buf, from[3], to[3]) != listenCode)) {
                    metOther = true;
                    continue;
                }
                HostSocket s = parseLine(buf);
                if (s == null) {
                    skipped++;
                } else {
                    out.add(s);
                }
            }
            return !metOther;
        }

        /** One row, or null when it does not parse. */
        private HostSocket parseLine(byte[] buf) {
            InetAddress local = address(buf, from[1], to[1], 0);
            int localPort = port(buf, from[1], to[1]);
            if (local == null || localPort < 0) {
                return null;
            }
            InetAddress remote = address(buf, from[2], to[2], 1);
            int remotePort = port(buf, from[2], to[2]);
            if (remote == null || remotePort < 0 || to[3] - from[3] > 2) {
                return null;
            }
            InetSocketAddress remoteEndpoint = lastRemoteEndpoint;
            if (remoteEndpoint == null || remoteEndpoint.getAddress() != remote || remoteEndpoint.getPort() != remotePort) {
                remoteEndpoint = new InetSocketAddress(remote, remotePort);
                lastRemoteEndpoint = remoteEndpoint;
            }
            long state = parseHex(buf, from[3], to[3]);
            long uid = parseDecimal(buf, from[7], to[7]);
            long inode = parseDecimal(buf, from[9], to[9]);
            if (state < 0 || uid < 0 || uid > 0xFFFF_FFFFL || inode < 0) {
                return null;
            }
            return new HostSocket(protocol, new InetSocketAddress(local, localPort), remoteEndpoint,
                    SocketState.ofCode((int) state), (int) uid, inode);
        }

        /** The port of an endpoint field {@code ADDRESS:PORT}, or -1 when the field is malformed. */
        private static int port(byte[] buf, int from, int to) {
            int colon = from + 8 < to && buf[from + 8] == ':' ? from + 8 : from + 32 < to && buf[from + 32] == ':' ? from + 32 : -1;
            if (colon < 0 || to - colon - 1 != 4) {
                return -1;
            }
            return (int) parseHex(buf, colon + 1, to);
        }

        /**
         * The address of an endpoint field, or null when malformed; the same object as for the previous row in
         * this slot (0 local, 1 remote) when it is the same address: addresses are immutable, rows may share one.
         */
        private InetAddress address(byte[] buf, int from, int to, int slot) {
            int colon = from + 8 < to && buf[from + 8] == ':' ? 8 : from + 32 < to && buf[from + 32] == ':' ? 32 : -1;
            if (colon < 0 || to - from - colon - 1 != 4) {
                return null;
            }
            byte[] bytes = colon == 8 ? scratch4 : scratch16;
            if (!words(buf, from, colon / 8, littleEndian, bytes)) {
                return null;
            }
            byte[] previous = lastBytes[slot];
            if (previous != null && java.util.Arrays.equals(previous, bytes)) {
                return lastAddress[slot];
            }
            byte[] copy = bytes.clone();
            InetAddress a = toAddress(copy);
            lastBytes[slot] = a == null ? null : copy;
            lastAddress[slot] = a;
            return a;
        }
    }

    private static final byte[] LOCAL_ADDRESS = "local_address".getBytes(StandardCharsets.ISO_8859_1);

    private static boolean contains(byte[] buf, int from, int to, byte[] what) {
        outer:
        for (int i = from; i + what.length <= to; i++) {
            for (int k = 0; k < what.length; k++) {
                if (buf[i + k] != what[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Splits buf[start, end) on runs of white space; fills at most {@code from.length} fields, returns how many. */
    private static int split(byte[] buf, int start, int end, int[] from, int[] to) {
        int n = 0;
        int i = start;
        while (n < from.length) {
            while (i < end && (buf[i] & 0xFF) <= ' ') {
                i++;
            }
            if (i >= end) {
                break;
            }
            int j = i;
            while (j < end && (buf[j] & 0xFF) > ' ') {
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
    private static long parseDecimal(byte[] buf, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = buf[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The value of hex digits buf[from, to) (at most 8), or -1 when one is not a hex digit. */
    private static long parseHex(byte[] buf, int from, int to) {
        if (from >= to || to - from > 8) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = HEX[buf[i] & 0xFF];
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX['a' + i] = (byte) (10 + i);
            HEX['A' + i] = (byte) (10 + i);
        }
    }

    /**
     * Decodes {@code words} 32-bit words of 8 hex digits each at buf[from...] into {@code bytes}, each word in
     * the given byte order; false when a digit is not hex.
     */
    private static boolean words(byte[] buf, int from, int words, boolean littleEndian, byte[] bytes) {
        for (int w = 0; w < words; w++) {
            long word = parseHex(buf, from + w * 8, from + w * 8 + 8);
            if (word < 0) {
                return false;
            }
            for (int b = 0; b < 4; b++) {
                int shift = littleEndian ? 8 * b : 8 * (3 - b);
                bytes[w * 4 + b] = (byte) (word >>> shift);
            }
        }
        return true;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return bytes.length == 4
                    ? InetAddress.getByAddress(bytes)
                    // Inet6Address keeps IPv4-mapped addresses (::ffff:a.b.c.d) as IPv6, as the table they came from.
                    : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code 0100007F:1F90} or the 32-hex-digit IPv6 form; null when malformed. */
    static InetSocketAddress parseEndpoint(String text, ByteOrder order) {
        byte[] buf = text.getBytes(StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        if (colon != 8 && colon != 32 || text.length() - colon - 1 != 4) {
            return null;
        }
        byte[] bytes = new byte[colon / 2];
        long port = parseHex(buf, colon + 1, buf.length);
        if (port < 0 || !words(buf, 0, colon / 8, order == ByteOrder.LITTLE_ENDIAN, bytes)) {
            return null;
        }
        InetAddress address = toAddress(bytes);
        return address == null ? null : new InetSocketAddress(address, (int) port);
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
