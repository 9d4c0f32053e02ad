package io.portcullis.net;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * Networks numbered in the order they were added, answering "which is the first one that holds this
 * address?" in at most 32 (IPv4) or 128 (IPv6) steps, however many networks it holds. This is what makes an
 * access list of 10,000 rules cost about what 10 cost.
 *
 * <p>A binary trie per address family: each node is one more bit of prefix, and a node where a network ends
 * remembers that network's number. Walking an address's bits from the root passes exactly the networks that
 * hold it; the smallest number seen is the first match. Built once, then read by many threads without locks
 * (it is never changed after it is handed out).
 */
public final class NetworkTable {

    private final Trie v4 = new Trie();
    private final Trie v6 = new Trie();
    private int size;

    /**
     * Adds {@code network} as number {@link #size()}; a network added twice keeps its first number.
     *
     * @return the number of the first network already in the table that holds all of {@code network}
     *     (itself or a wider one), or -1 when none does
     */
    public int add(Cidr network) {
        int covering = firstContaining(network);
        Trie t = network.isIpv4() ? v4 : v6;
        byte[] bits = network.address().getAddress();
        int node = 0;
        for (int i = 0; i < network.prefix(); i++) {
            node = t.child(node, bit(bits, i), true);
        }
        if (t.value[node] < 0) {
            t.value[node] = size;
        }
        size++;
        return covering;
    }

    /** How many networks were added. */
    public int size() {
        return size;
    }

    /** The number of the first network that holds {@code address}, or -1. */
    public int firstMatch(InetAddress address) {
        byte[] bits = address.getAddress();
        if (Cidr.isMappedV4(bits)) {
            bits = Arrays.copyOfRange(bits, 12, 16);
        }
        return walk(bits.length == 4 ? v4 : v6, bits, bits.length * 8);
    }

    /** The number of the first network that holds every address of {@code network}, or -1. */
    public int firstContaining(Cidr network) {
        return walk(network.isIpv4() ? v4 : v6, network.address().getAddress(), network.prefix());
    }

    private static int walk(Trie t, byte[] bits, int depth) {
        int best = t.value[0];
        int node = 0;
        for (int i = 0; i < depth; i++) {
            node = t.child(node, bit(bits, i), false);
            if (node < 0) {
                break;
            }
            int v = t.value[node];
            if (v >= 0 && (best < 0 || v < best)) {
                best = v;
            }
        }
        return best;
    }

    private static int bit(byte[] b, int i) {
        return (b[i >>> 3] >>> (7 - (i & 7))) & 1;
    }

    /** Nodes in flat arrays: children by index, -1 for none; values -1 for "no network ends here". */
    private static final class Trie {
        int[] zero = new int[64];
        int[] one = new int[64];
        int[] value = new int[64];
        int nodes = 1;

        Trie() {
            Arrays.fill(zero, -1);
            Arrays.fill(one, -1);
            Arrays.fill(value, -1);
        }

        int child(int node, int bit, boolean create) {
            int[] side = bit == 0 ? zero : one;
            int c = side[node];
            if (c >= 0 || !create) {
                return c;
            }
            if (nodes == value.length) {
                int n = value.length * 2;
                zero = grow(zero, n);
                one = grow(one, n);
                value = grow(value, n);
                side = bit == 0 ? zero : one;
            }
            c = nodes++;
            side[node] = c;
            return c;
        }

        private static int[] grow(int[] a, int n) {
            int[] b = Arrays.copyOf(a, n);
            Arrays.fill(b, a.length, n, -1);
            return b;
        }
    }
}
