package io.portcullis.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The clocks of one forward.
 *
 * @param connect how long to wait for a target to accept a TCP connection before trying the next (default 5s)
 * @param idle a TCP connection with no traffic either way for this long is closed (default 1h; 0 means never)
 * @param udpSession a UDP session with no packet either way for this long is forgotten (default 60s)
 */
public record Timeouts(Duration connect, Duration idle, Duration udpSession) {

    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(60));

    public Timeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(udpSession, "udpSession");
        if (connect.compareTo(Duration.ofMillis(10)) < 0 || connect.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("connect timeout " + Durations.format(connect) + " is out of range (expected: 10ms-10m)");
        }
        if (idle.isNegative()) {
            throw new IllegalArgumentException("idle timeout must not be negative");
        }
        if (udpSession.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("udp-session timeout " + Durations.format(udpSession) + " is too short (expected: at least 1s)");
        }
    }
}
