package io.portcullis.net;

/**
 * An inclusive range of port numbers, such as {@code 9000-9010}; a single port is a range of size one.
 *
 * <p>Ranges exist because forwards, free-port searches and reservations all speak of "these ports"
 * rather than one port, and the k-th port of one range maps to the k-th port of another.
 */
public record PortRange(int first, int last) implements Comparable<PortRange> {

    /** The highest port number a 16-bit port field can carry. */
    public static final int MAX_PORT = 65_535;

    public PortRange {
        checkPort(first);
        checkPort(last);
        if (first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last + " runs backwards (expected: first <= last)");
        }
    }

    /** A range holding the one port {@code port}. */
    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /**
     * Parses {@code "8080"} or {@code "9000-9010"}.
     *
     * @throws IllegalArgumentException with a message that says what was wrong
     */
    public static PortRange parse(String text) {
        String s = text.strip();
        int dash = s.indexOf('-');
        if (dash < 0) {
            return of(parsePort(s));
        }
        return new PortRange(parsePort(s.substring(0, dash).strip()), parsePort(s.substring(dash + 1).strip()));
    }

    /** Parses one port number, with a message that names the bad text. */
    public static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("port '" + text + "' is not a number (expected: 0-65535)");
        }
        int port = Integer.parseInt(text);
        checkPort(port);
        return port;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected: 0-65535)");
        }
    }

    /** How many ports the range holds. */
    public int size() {
        return last - first + 1;
    }

    public boolean isSingle() {
        return first == last;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public boolean overlaps(PortRange other) {
        return first <= other.last && other.first <= last;
    }

    /** The port at offset {@code k} from the start; a single-port range answers its port for every offset. */
    public int portAt(int k) {
        if (isSingle()) {
            return first;
        }
        if (k < 0 || k >= size()) {
            throw new IndexOutOfBoundsException("offset " + k + " outside " + this);
        }
        return first + k;
    }

    @Override
    public int compareTo(PortRange o) {
        return first != o.first ? Integer.compare(first, o.first) : Integer.compare(last, o.last);
    }

    @Override
    public String toString() {
        return isSingle() ? Integer.toString(first) : first + "-" + last;
    }
}
