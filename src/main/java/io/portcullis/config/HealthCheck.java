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
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("health-check interval " + Durations.format(interval) + " is too short (expected: at least 100ms)");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("health-check timeout " + Durations.format(timeout)
                    + " must be positive and not longer than the interval " + Durations.format(interval));
        }
        if (failures < 1 || failures > 100) {
            throw new IllegalArgumentException("health-check failures " + failures + " is out of range (expected: 1-100)");
        }
        if (recoveries < 1 || recoveries > 100) {
            throw new IllegalArgumentException("health-check recoveries " + recoveries + " is out of range (expected: 1-100)");
        }
    }
}
