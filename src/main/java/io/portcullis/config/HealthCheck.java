package io.portcullis.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Active health checking of a forward's targets by opening a TCP connection to each.
 *
 * <p>A target is marked down after {@code failures} checks in a row fail, and up again after
 * {@code recoveries} in a row succeed, so one lost packet does not flap a target.
 *
 * @param interval time between two checks of one target (default 5s)
 * @param timeout how long one check waits for the connection (default 2s, at most the interval)
 * @param failures consecutive failed checks that mark a target down (default 3)
 * @param recoveries consecutive good checks that mark a down target up (default 2)
 */
public record HealthCheck(Duration interval, Duration timeout, int failures, int recoveries) {

    public static final HealthCheck DEFAULT = new HealthCheck(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 2);

    public HealthCheck {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        checkInterval(interval);
        checkTimeout(timeout, interval);
        checkCount("failures", failures);
        checkCount("recoveries", recoveries);
    }

    // One rule each, so the config loader can report a bad value at its own line and column.

    static void checkInterval(Duration interval) {
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("health-check interval " + Durations.format(interval) + " is too short (expected: at least 100ms)");
        }
    }

    static void checkTimeout(Duration timeout, Duration interval) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("health-check timeout " + Durations.format(timeout)
                    + " must be positive and not longer than the interval " + Durations.format(interval));
        }
    }

    /** {@code which} is {@code failures} or {@code recoveries}, as the config file spells it. */
    static void checkCount(String which, int count) {
        if (count < 1 || count > 100) {
            throw new IllegalArgumentException("health-check " + which + " " + count + " is out of range (expected: 1-100)");
        }
    }
}
