package io.portcullis.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Marks a forward as closed to everyone until a valid single-packet-authorization packet for its port
 * arrives; then that packet's source may open new connections for {@code openFor}.
 *
 * @param openFor how long after a valid packet new connections from its source are accepted (default 30s);
 *     connections opened in that time stay open after it
 * @param clients the SPA clients (by name) that may open this forward; empty means every configured client
 */
public record SpaGuard(Duration openFor, List<String> clients) {

    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(30);

    public SpaGuard {
        Objects.requireNonNull(openFor, "openFor");
        clients = List.copyOf(clients);
        checkOpenFor(openFor);
    }

    static void checkOpenFor(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("open-for " + Durations.format(d) + " is out of range (expected: 1s-1d)");
        }
    }
}
