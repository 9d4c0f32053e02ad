package io.portcullis.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Gateway-wide settings: the {@code gateway:} block of the config file.
 *
 * @param dataDir where the gateway keeps its state and its control socket (default: see {@link #defaultDataDir()})
 * @param stopGrace on stop, how long open connections may go on before they are closed (default 30s)
 * @param eventLoops threads that move traffic (0: one per core)
 * @param logConnections one log line per connection and UDP session when it ends (default true)
 * @param watchConfig re-read the config file when it changes on disk (default true)
 * @param transport the socket implementation: {@code auto} (default: io_uring, else epoll, else NIO),
 *     {@code io-uring}, {@code epoll} or {@code nio}
 */
public record Settings(Path dataDir, Duration stopGrace, int eventLoops, boolean logConnections, boolean watchConfig,
        String transport) {

    /** The transports {@code gateway.transport} accepts. */
    public static final java.util.List<String> TRANSPORTS = java.util.List.of("auto", "io-uring", "epoll", "nio");

    /** Settings with the automatic choice of transport. */
    public Settings(Path dataDir, Duration stopGrace, int eventLoops, boolean logConnections, boolean watchConfig) {
        this(dataDir, stopGrace, eventLoops, logConnections, watchConfig, "auto");
    }

    public Settings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(stopGrace, "stopGrace");
        Objects.requireNonNull(transport, "transport");
        if (!TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException("transport '" + transport + "' is not one of " + TRANSPORTS);
        }
        checkStopGrace(stopGrace);
        checkEventLoops(eventLoops);
    }

    // One rule each, so the config loader can report a bad value at its own line and column.

    static void checkStopGrace(Duration stopGrace) {
        if (stopGrace.isNegative()) {
            throw new IllegalArgumentException("stop-grace must not be negative (expected: a duration such as 30s)");
        }
    }

    static void checkEventLoops(int eventLoops) {
        if (eventLoops < 0 || eventLoops > 1024) {
            throw new IllegalArgumentException("event-loops " + eventLoops + " is out of range (expected: 0 for one per core, or 1-1024)");
        }
    }

    public static Settings defaults() {
        return new Settings(defaultDataDir(), Duration.ofSeconds(30), 0, true, true);
    }

    /**
     * {@code $PORTCULLIS_DATA_DIR}, else {@code /var/lib/portcullis} for root, else
     * {@code $XDG_STATE_HOME/portcullis} or {@code ~/.local/state/portcullis}.
     */
    public static Path defaultDataDir() {
        String env = System.getenv("PORTCULLIS_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/portcullis");
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("portcullis");
    }

    /** The Unix socket through which {@code portcullis status} and {@code reload} reach a running gateway. */
    public Path controlSocket() {
        return dataDir.resolve("control.sock");
    }
}
