package io.portcullis;

import io.portcullis.admin.ControlActions;
import io.portcullis.admin.ControlServer;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.ConfigProblem;
import io.portcullis.config.GatewayConfig;
import io.portcullis.forward.ApplyResult;
import io.portcullis.forward.BindFailureExplainer;
import io.portcullis.forward.ForwardEngine;
import io.portcullis.forward.ForwardStatus;
import io.portcullis.config.Durations;
import io.portcullis.guard.Ban;
import io.portcullis.guard.Guard;
import io.portcullis.net.Cidr;
import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: wires the configuration, the forwarding engine, the control socket, the config
 * watcher and the signals into one running gateway. No capability knows another; they meet here.
 */
public final class Gateway implements ControlActions {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Optional<Path> configFile;
    private final BindFailureExplainer explainer;
    private final Instant startedAt = Instant.now();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile GatewayConfig config;
    private ForwardEngine engine;
    private ControlServer control;
    private Guard guard;
    private ConfigWatcher watcher;
    private volatile String lastReloadError;

    public Gateway(GatewayConfig config, BindFailureExplainer explainer) {
        this.config = config;
        this.configFile = config.source();
        this.explainer = explainer;
    }

    /** Starts everything; returns what the first apply did. Bind failures do not stop the other forwards. */
    public ApplyResult start() throws IOException {
        Path dataDir = config.settings().dataDir();
        prepareDataDir(dataDir);
        control = new ControlServer(config.settings().controlSocket(), this);
        control.start();
        guard = new Guard(config, dataDir);
        engine = new ForwardEngine(config.settings(), explainer, new GuardAdmission(guard));
        guard.start();
        ApplyResult result = engine.apply(config);
        log.info("gateway started: {} forward(s), {}", config.forwards().size(), result.summary());
        if (configFile.isPresent() && config.settings().watchConfig()) {
            watcher = new ConfigWatcher(configFile.get(), () -> reload("file change"));
            watcher.start();
        }
        Signals.onHangup(() -> reload("SIGHUP"));
        return result;
    }

    private static void prepareDataDir(Path dataDir) throws IOException {
        try {
            Files.createDirectories(dataDir);
            try {
                Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not POSIX: nothing to tighten
            }
        } catch (IOException e) {
            throw new IOException("cannot use data directory " + dataDir + ": " + e.getMessage()
                    + " (set gateway.data-dir in the config, or PORTCULLIS_DATA_DIR)", e);
        }
    }

    /** Re-reads the config file and applies it; an invalid file is refused and the running config stays. */
    public synchronized Map<String, Object> reload(String trigger) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (configFile.isEmpty()) {
            out.put("ok", false);
            out.put("error", "the gateway runs on built-in defaults, with no config file to reload (start it with -c FILE)");
            return out;
        }
        GatewayConfig next;
        try {
            next = ConfigLoader.load(configFile.get());
        } catch (ConfigException e) {
            lastReloadError = e.getMessage();
            log.error("reload ({}) refused, the running config stays:\n{}", trigger, e.getMessage());
            out.put("ok", false);
            out.put("error", "the new config is invalid; the running config stays");
            out.put("problems", e.problems().stream().map(ConfigProblem::toString).toList());
            return out;
        }
        guard.apply(next);
        ApplyResult result = engine.apply(next);
        config = next;
        lastReloadError = null;
        log.info("reload ({}) applied: {}", trigger, result.summary());
        result.notes().forEach(n -> log.warn("reload: {}", n));
        out.put("ok", true);
        out.put("result", result);
        return out;
    }

    @Override
    public Object reload() {
        return reload("control command");
    }

    @Override
    public Object status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("pid", ProcessHandle.current().pid());
        out.put("startedAt", startedAt.toString());
        out.put("configFile", configFile.map(p -> p.toAbsolutePath().normalize().toString()).orElse(null));
        out.put("transport", engine.transportName());
        out.put("lastReloadError", lastReloadError);
        List<ForwardStatus> forwards = engine.status();
        out.put("forwards", forwards);
        out.put("guard", guard.status());
        return out;
    }

    @Override
    public Object bans(String action, Map<String, String> args) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            switch (action) {
                case "list" -> out.put("bans", guard.bans().stream().map(Ban::view).toList());
                case "add" -> {
                    Cidr network = Cidr.parse(args.getOrDefault("network", ""));
                    Duration length = Durations.parse(args.getOrDefault("duration", "1h"));
                    Ban.checkLength(length);
                    out.put("ban", guard.ban(network, length, args.getOrDefault("reason", "added by hand")).view());
                }
                case "lift" -> out.put("lifted", guard.lift(Cidr.parse(args.getOrDefault("network", ""))).stream().map(Ban::view).toList());
                default -> throw new IllegalArgumentException("unknown bans action '" + action + "' (expected: list, add, lift)");
            }
            out.put("ok", true);
        } catch (IllegalArgumentException e) {
            out.put("ok", false);
            out.put("error", e.getMessage());
        } catch (IOException e) {
            out.put("ok", false);
            out.put("error", "the change is in force but could not be written to disk: " + e.getMessage());
        }
        return out;
    }


    /** Stops accepting, gives open connections the configured grace period, then closes everything. */
    public void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        log.info("stopping: no new connections; open ones get up to {}s",
                config.settings().stopGrace().toSeconds());
        if (watcher != null) {
            watcher.close();
        }
        if (engine != null) {
            engine.shutdown(config.settings().stopGrace());
        }
        if (guard != null) {
            guard.close();
        }
        if (control != null) {
            control.close();
        }
        log.info("stopped");
        stopped.countDown();
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public GatewayConfig config() {
        return config;
    }
}
