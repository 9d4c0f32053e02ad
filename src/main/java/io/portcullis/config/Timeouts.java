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
        checkConnect(connect);
        checkIdle(idle);
        checkUdpSession(udpSession);
    }

    // One rule each, so the config loader can report a bad value at its own line and column.

    static void checkConnect(Duration connect) {
        if (connect.compareTo(Duration.ofMillis(10)) < 0 || connect.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("connect timeout " + Durations.format(connect) + " is out of range (expected: 10ms-10m)");
        }
    }

    static void checkIdle(Duration idle) {
        if (idle.isNegative()) {
            throw new IllegalArgumentException("idle timeout must not be negative (expected: 0 for never, or a duration such as 1h)");
        }
    }

    static void checkUdpSession(Duration udpSession) {
        if (udpSession.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("udp-session timeout " + Durations.format(udpSession) + " is too short (expected: at least 1s)");
        }
    }
}
