package io.portcullis.config;

/**
 * Limits on what one client address may do to one forward: how many TCP connections and UDP sessions it
 * may hold at once, and how fast it may open new ones (a token bucket: {@code rate} per second on average,
 * up to {@code burst} at once). Zero means no limit.
 *
 * @param maxPerSource connections plus sessions open at once from one address (0: no limit)
 * @param ratePerSecond new connections and sessions per second from one address (0: no limit)
 * @param burst how many may come at once before the rate applies (at least 1 when a rate is set)
 */
public record SourceLimits(int maxPerSource, double ratePerSecond, int burst) {

    public static final SourceLimits NONE = new SourceLimits(0, 0, 0);

    public SourceLimits {
        checkMaxPerSource(maxPerSource);
        checkRate(ratePerSecond);
        checkBurst(burst);
        if (ratePerSecond > 0 && burst == 0) {
            // A bucket that holds nothing would refuse everyone; a burst of one second's worth is what people mean.
            burst = (int) Math.max(1, Math.ceil(ratePerSecond));
        }
    }

    static void checkMaxPerSource(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("per-source connection limit " + n + " is negative (expected: 0 for no limit, or a positive number)");
        }
    }

    static void checkRate(double rate) {
        if (!(rate >= 0) || rate > 1_000_000) {
            throw new IllegalArgumentException("rate " + rate + " is out of range (expected: 0 for no limit, or up to 1000000 per second)");
        }
    }

    static void checkBurst(int burst) {
        if (burst < 0 || burst > 1_000_000) {
            throw new IllegalArgumentException("burst " + burst + " is out of range (expected: 1-1000000)");
        }
    }

    public boolean limitsAnything() {
        return maxPerSource > 0 || ratePerSecond > 0;
    }
}
