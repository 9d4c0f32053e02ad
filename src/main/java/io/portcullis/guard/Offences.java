package io.portcullis.guard;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts offences per address inside a sliding window (fail2ban's find time), to decide when an address is
 * banned. Bounded: at most {@link #MAX_TRACKED} addresses are tracked at once (a flood of spoofed UDP
 * sources must not grow memory without bound); addresses beyond that are not counted until old ones expire.
 */
final class Offences {

    static final int MAX_TRACKED = 100_000;

    /** The times of an address's recent offences, oldest first, as a ring of at most max-retries entries. */
    private static final class Record {
        final long[] times;
        int start;
        int size;

        Record(int capacity) {
            times = new long[capacity];
        }
    }

    private final ConcurrentHashMap<InetAddress, Record> records = new ConcurrentHashMap<>();

    /**
     * Records an offence at {@code now} (nanoTime) and answers whether the address has now offended
     * {@code maxRetries} times within {@code windowNanos}; if so its record is cleared (the ban takes over).
     */
    boolean offend(InetAddress address, long now, int maxRetries, long windowNanos) {
        Record r = records.get(address);
        if (r == null) {
            if (records.size() >= MAX_TRACKED) {
                return false;
            }
            r = records.computeIfAbsent(address, a -> new Record(maxRetries));
        }
        synchronized (r) {
            if (r.times.length != maxRetries) {
                r.start = 0;
                r.size = 0;
            }
            long[] t = r.times.length == maxRetries ? r.times : new long[maxRetries];
            while (r.size > 0 && now - t[r.start] > windowNanos) {
                r.start = (r.start + 1) % t.length;
                r.size--;
            }
            if (t != r.times) {
                Record fresh = new Record(maxRetries);
                records.put(address, fresh);
                r = fresh;
                t = fresh.times;
            }
            t[(r.start + r.size) % t.length] = now;
            r.size++;
            if (r.size >= maxRetries) {
                records.remove(address, r);
                return true;
            }
            return false;
        }
    }

    /** Offences of {@code address} still inside the window. */
    int count(InetAddress address, long now, long windowNanos) {
        Record r = records.get(address);
        if (r == null) {
            return 0;
        }
        synchronized (r) {
            int n = 0;
            for (int i = 0; i < r.size; i++) {
                if (now - r.times[(r.start + i) % r.times.length] <= windowNanos) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Forgets addresses whose offences have all left the window. */
    void sweep(long now, long windowNanos) {
        records.entrySet().removeIf(e -> {
            Record r = e.getValue();
            synchronized (r) {
                return r.size == 0 || now - r.times[(r.start + r.size - 1) % r.times.length] > windowNanos;
            }
        });
    }

    int tracked() {
        return records.size();
    }
}
