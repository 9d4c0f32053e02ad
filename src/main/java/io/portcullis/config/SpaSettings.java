package io.portcullis.config;

import io.portcullis.net.ListenAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The single-packet-authorization listener: where fwknop packets arrive, how old they may be, and the
 * clients whose keys are accepted. The listener runs only when at least one client is configured.
 *
 * @param listen UDP address and port for SPA packets (default 0.0.0.0:62201, fwknop's port)
 * @param maxAge packets older than this (or this far in the future) are refused (default 120s, as fwknopd)
 * @param clients who may knock
 */
public record SpaSettings(ListenAddress listen, Duration maxAge, List<SpaClient> clients) {

    public static final ListenAddress DEFAULT_LISTEN = ListenAddress.parse("0.0.0.0:62201");
    public static final SpaSettings DEFAULT = new SpaSettings(DEFAULT_LISTEN, Duration.ofSeconds(120), List.of());

    public SpaSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(maxAge, "maxAge");
        clients = List.copyOf(clients);
        if (!listen.ports().isSingle()) {
            throw new IllegalArgumentException("the SPA listen address " + listen + " is a range (expected: one port, such as 0.0.0.0:62201)");
        }
        checkMaxAge(maxAge);
    }

    static void checkMaxAge(Duration d) {
        if (d.compareTo(Duration.ofSeconds(5)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("max-age " + Durations.format(d) + " is out of range (expected: 5s-1h)");
        }
    }

    public boolean enabled() {
        return !clients.isEmpty();
    }
}
