package io.portcullis.config;

import io.portcullis.net.ListenAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin plane's front door: where the HTTPS API and dashboard listen, which certificate they show,
 * and how long a login lasts. Loopback by default, so a fresh gateway is administered only from its own
 * host until the user chooses otherwise.
 *
 * @param enabled whether the admin listener runs at all
 * @param listen one address and port (port 0: any free port)
 * @param tlsCertificate a PEM certificate chain; empty: a self-signed one is made on first start
 * @param tlsKey the PEM private key of {@code tlsCertificate}
 * @param sessionIdle a session ends after this long without a request
 * @param sessionMax a session ends this long after login, however busy
 * @param requireTotp every user must enrol a second factor before doing anything else
 * @param loginFailuresPerHour failed logins per account per hour from devices that never logged in before
 */
public record AdminSettings(boolean enabled, ListenAddress listen, Optional<Path> tlsCertificate, Optional<Path> tlsKey,
                            Duration sessionIdle, Duration sessionMax, boolean requireTotp, int loginFailuresPerHour) {

    /** What a config file without an {@code admin:} block gets. */
    public static final AdminSettings DEFAULT = new AdminSettings(true, ListenAddress.parse("127.0.0.1:9443"),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(30), Duration.ofHours(12), false, 100);

    /** No admin listener: gateways built in code (tests, training runs) unless they ask for one. */
    public static final AdminSettings DISABLED = new AdminSettings(false, DEFAULT.listen(), Optional.empty(),
            Optional.empty(), DEFAULT.sessionIdle(), DEFAULT.sessionMax(), false, 100);

    public AdminSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tlsCertificate, "tlsCertificate");
        Objects.requireNonNull(tlsKey, "tlsKey");
        checkListen(listen);
        if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
            throw new IllegalArgumentException("tls-certificate and tls-key go together (expected: both, or neither for a self-signed certificate)");
        }
        checkSession(sessionIdle, sessionMax);
        checkFailures(loginFailuresPerHour);
    }

    static void checkListen(ListenAddress listen) {
        if (listen.ports().size() != 1) {
            throw new IllegalArgumentException("admin listen " + listen + " is a range (expected: one address and port such as 127.0.0.1:9443)");
        }
    }

    static void checkIdle(Duration idle) {
        Objects.requireNonNull(idle, "sessionIdle");
        if (idle.compareTo(Duration.ofMinutes(1)) < 0 || idle.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("session-idle " + Durations.format(idle) + " (expected: 1m to 24h)");
        }
    }

    static void checkSession(Duration idle, Duration max) {
        checkIdle(idle);
        Objects.requireNonNull(max, "sessionMax");
        if (max.compareTo(idle) < 0 || max.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("session-max " + Durations.format(max) + " (expected: at least session-idle, at most 30d)");
        }
    }

    static void checkFailures(int n) {
        if (n < 1 || n > 100) {
            throw new IllegalArgumentException("login-failures-per-hour " + n + " (expected: 1-100)");
        }
    }
}
