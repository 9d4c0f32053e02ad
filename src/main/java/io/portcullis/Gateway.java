package io.portcullis;

import io.portcullis.admin.ControlActions;
import io.portcullis.admin.ControlServer;
import io.portcullis.admin.api.AdminServer;
import io.portcullis.admin.api.AdminServices;
import io.portcullis.admin.api.TlsIdentity;
import io.portcullis.admin.auth.Accounts;
import io.portcullis.admin.auth.ApiTokens;
import io.portcullis.admin.auth.AuditLog;
import io.portcullis.admin.auth.DeviceCookies;
import io.portcullis.admin.auth.FirstRun;
import io.portcullis.admin.auth.LoginThrottle;
import io.portcullis.admin.auth.PasswordHasher;
import io.portcullis.admin.auth.PasswordPolicy;
import io.portcullis.admin.auth.Sessions;
import io.portcullis.config.AdminSettings;
import io.portcullis.store.SqliteStore;
import io.portcullis.store.Store;
import java.time.InstantSource;
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
    private volatile Guard guard;
    private GuardAdmission admission;
    private ConfigWatcher watcher;
    private volatile String lastReloadError;
    /** The config as the file (or the built-in defaults) has it, without the API's forwards. */
    private volatile GatewayConfig fileConfig;
    /** The config file's text as last read (at start or reload), to check API forwards against; empty without a file. */
    private volatile Optional<String> fileText = Optional.empty();
    private Store store;
    private ApiForwards apiForwards;
    private volatile Map<String, String> apiFailures = Map.of();
    private GatewayMetrics metrics;
    private AdminServer admin;
    private volatile String adminError;
    private volatile String setupToken;
    private TlsIdentity tls;
    /** Fixed at start: a reload may not move the state (the store, bans, the control socket) elsewhere. */
    private Path dataDir;

    public Gateway(GatewayConfig config, BindFailureExplainer explainer) {
        this.config = config;
        this.fileConfig = config;
        this.configFile = config.source();
        this.explainer = explainer;
    }

    /** Starts everything; returns what the first apply did. Bind failures do not stop the other forwards. */
    public ApplyResult start() throws IOException {
        Path dataDir = config.settings().dataDir();
        this.dataDir = dataDir;
        prepareDataDir(dataDir);
        control = new ControlServer(config.settings().controlSocket(), this);
        control.start();
        store = SqliteStore.open(dataDir);
        apiForwards = new ApiForwards(store);
        fileText = configFile.flatMap(Gateway::readText);
        try {
            ApiForwards.Resolved resolved = ApiForwards.resolve(fileConfig, fileText, apiForwards.list());
            config = resolved.config();
            noteApiFailures(resolved.failed());
        } catch (ConfigException e) {
            // The file was checked before start, so this is the file changing under us; run it as read.
            log.error("cannot join the API's forwards to the config, running the file's alone:\n{}", e.getMessage());
        }
        guard = new Guard(config, dataDir, store);
        admission = new GuardAdmission(guard);
        engine = new ForwardEngine(config.settings(), explainer, admission);
        guard.start();
        ApplyResult result = engine.apply(config);
        log.info("gateway started: {} forward(s), {}", config.forwards().size(), result.summary());
        if (configFile.isPresent() && config.settings().watchConfig()) {
            watcher = new ConfigWatcher(configFile.get(), () -> reload("file change"));
            watcher.start();
        }
        Signals.onHangup(() -> reload("SIGHUP"));
        metrics = new GatewayMetrics(engine::status, () -> guard.status());
        if (config.admin().enabled()) {
            startAdmin(config.admin(), dataDir);
        }
        return result;
    }

    private void startAdmin(AdminSettings settings, Path dataDir) {
        try {
            tls = settings.tlsCertificate().isPresent()
                    ? TlsIdentity.fromPem(settings.tlsCertificate().get(), settings.tlsKey().orElseThrow())
                    : TlsIdentity.selfSigned(dataDir, certificateNames(settings));
            InstantSource clock = InstantSource.system();
            // The password list loads when a password is checked (setup, a change, a new user), not at start.
            Accounts accounts = new Accounts(store, PasswordPolicy.standard(), PasswordHasher.standard(), clock, settings.requireTotp());
            GatewayAdmin backend = new GatewayAdmin(this);
            LoginThrottle throttle = new LoginThrottle(clock, settings.loginFailuresPerHour(), 10, 100_000, backend::loginOffence);
            AdminServices services = new AdminServices(accounts, new Sessions(store, clock, settings.sessionIdle(), settings.sessionMax()),
                    new ApiTokens(store, clock), new AuditLog(store, clock), throttle, new DeviceCookies(store, clock),
                    new FirstRun(store, clock));
            admin = new AdminServer(settings, tls, backend, services);
            admin.start();
            log.info("admin API and dashboard at {} (certificate SHA-256 {}{})", admin.url(), tls.fingerprint(),
                    tls.isSelfSigned() ? ", self-signed: check this fingerprint when your browser asks" : "");
            if (!accounts.anyUser()) {
                setupToken = services.firstRun().issueSetupToken();
                log.warn("no admin user yet: open {}#/setup?token={} within an hour to create one"
                        + " (or stop the gateway and run 'portcullis user add NAME --role admin')", admin.url(), setupToken);
            }
        } catch (IOException | RuntimeException e) {
            adminError = e.getMessage();
            log.error("the admin API does not run: {}", e.getMessage());
            if (admin != null) {
                admin.close();
                admin = null;
            }
        }
    }

    private static List<String> certificateNames(AdminSettings settings) {
        List<String> names = new java.util.ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        var address = settings.listen().address();
        if (!address.isAnyLocalAddress() && !names.contains(address.getHostAddress())) {
            names.add(address.getHostAddress());
        }
        try {
            String host = java.net.InetAddress.getLocalHost().getHostName();
            if (!names.contains(host)) {
                names.add(host);
            }
        } catch (IOException e) {
            // no host name to add
        }
        return names;
    }

    private void noteApiFailures(Map<String, String> failed) {
        apiFailures = Map.copyOf(failed);
        failed.forEach((name, why) -> log.error("API forward '{}' does not run: {}", name, why));
    }

    /** Joins the stored API forwards to the file's config again and applies the result. Called under this lock. */
    synchronized void applyApiForwards(String why) {
        try {
            ApiForwards.Resolved resolved = ApiForwards.resolve(fileConfig, fileText, apiForwards.list());
            noteApiFailures(resolved.failed());
            guard.apply(resolved.config());
            ApplyResult result = engine.apply(resolved.config());
            config = resolved.config();
            log.info("{}: {}", why, result.summary());
            result.notes().forEach(n -> log.warn("{}: {}", why, n));
        } catch (ConfigException e) {
            throw new IllegalStateException("the config file no longer loads: " + e.getMessage(), e);
        }
    }

    private static Optional<String> readText(Path file) {
        try {
            String text = Files.readString(file);
            return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (IOException e) {
            log.warn("cannot read {} again to check the API's forwards against it: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    Optional<String> fileText() {
        return fileText;
    }

    GatewayConfig fileConfig() {
        return fileConfig;
    }

    ApiForwards apiForwards() {
        return apiForwards;
    }

    Map<String, String> apiFailures() {
        return apiFailures;
    }

    ForwardEngine engine() {
        return engine;
    }

    Guard guard() {
        return guard;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    /** The admin listener's port, or -1 when it does not run. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** The admin listener's routes ("METHOD /path"), or none when it does not run. */
    public List<String> adminRoutes() {
        return admin == null ? List.of() : admin.servedRoutes();
    }

    /** The first-run setup token printed at start, while no user exists; for tests and the log. */
    public Optional<String> setupToken() {
        return Optional.ofNullable(setupToken);
    }

    /** The admin listener's certificate fingerprint, or empty when it does not run. */
    public Optional<String> adminFingerprint() {
        return admin == null ? Optional.empty() : Optional.of(tls.fingerprint());
    }

    /** The store, for commands that run beside the gateway in tests. */
    public Store store() {
        return store;
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
        GatewayConfig nextFile;
        ApiForwards.Resolved resolved;
        try {
            String text = readText(configFile.get()).orElse(null);
            nextFile = ConfigLoader.load(configFile.get());
            if (text == null) {
                throw new ConfigException(List.of(new ConfigProblem(configFile.get().toString(), 0, 0, "cannot read the config file")));
            }
            resolved = ApiForwards.resolve(nextFile, Optional.of(text), apiForwards.list());
            fileText = Optional.of(text);
            next = resolved.config();
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
        fileConfig = nextFile;
        noteApiFailures(resolved.failed());
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
        if (engine == null || guard == null) {
            out.put("ok", false);
            out.put("error", "the gateway is starting; ask again in a moment");
            return out;
        }
        out.put("ok", true);
        out.put("pid", ProcessHandle.current().pid());
        out.put("startedAt", startedAt.toString());
        out.put("configFile", configFile.map(p -> p.toAbsolutePath().normalize().toString()).orElse(null));
        out.put("transport", engine.transportName());
        out.put("lastReloadError", lastReloadError);
        List<ForwardStatus> forwards = engine.status();
        out.put("forwards", forwards);
        out.put("guard", guard.status());
        Map<String, Object> adminView = new LinkedHashMap<>();
        adminView.put("url", admin == null ? null : admin.url());
        adminView.put("fingerprint", admin == null ? null : tls.fingerprint());
        adminView.put("error", adminError);
        out.put("admin", adminView);
        if (!apiFailures.isEmpty()) {
            out.put("apiForwardErrors", apiFailures);
        }
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


    @Override
    public synchronized Object backup(String file) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Path target = Path.of(file).toAbsolutePath();
            store.backup(target);
            out.put("ok", true);
            out.put("file", target.toString());
            log.info("store backed up to {}", target);
        } catch (RuntimeException e) {
            out.put("ok", false);
            out.put("error", e.getMessage());
        }
        return out;
    }

    @Override
    public synchronized Object restore(String file) {
        Map<String, Object> out = new LinkedHashMap<>();
        Path source = Path.of(file).toAbsolutePath();
        if (!Files.isRegularFile(source)) {
            return Map.of("ok", false, "error", "no such backup file: " + source);
        }
        // The store file is held open by one process at a time: the admin plane lets go of it for the swap.
        if (admin != null) {
            admin.close();
            admin = null;
        }
        // The guard writes its bans behind: it flushes into the old store and lets go of it.
        guard.close();
        store.close();
        String error = null;
        try {
            SqliteStore.restore(source, dataDir.resolve(SqliteStore.FILE_NAME));
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        store = SqliteStore.open(dataDir);
        apiForwards = new ApiForwards(store);
        try {
            Guard next = new Guard(config, dataDir, store);
            next.start();
            guard = next;
            admission.replace(next);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the guard cannot start on the restored store: " + e.getMessage(), e);
        }
        applyApiForwards(error == null ? "restore from " + source : "store reopened after a refused restore");
        if (config.admin().enabled()) {
            startAdmin(config.admin(), dataDir);
        }
        if (error != null) {
            out.put("ok", false);
            out.put("error", error + " (the store is as it was)");
        } else {
            out.put("ok", true);
            out.put("file", source.toString());
            log.info("store restored from {}", source);
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
        if (admin != null) {
            admin.close();
        }
        if (guard != null) {
            guard.close();
        }
        if (store != null) {
            store.close();
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
