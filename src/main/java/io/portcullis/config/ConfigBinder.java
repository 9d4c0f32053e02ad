package io.portcullis.config;

import io.portcullis.config.Block.Located;
import io.portcullis.config.ForwardBinder.Bound;
import io.portcullis.config.YamlNode.Entry;
import io.portcullis.config.YamlNode.Kind;
import io.portcullis.config.YamlNode.Mapping;
import io.portcullis.config.YamlNode.Scalar;
import io.portcullis.config.YamlNode.Sequence;
import io.portcullis.net.ListenAddress;
import io.portcullis.net.Protocol;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the YAML tree of a whole file into a {@link GatewayConfig}: the top level, {@code gateway:},
 * {@code defaults:}, every forward, and the checks that need all forwards at once (unique names, no two
 * forwards on the same port).
 */
final class ConfigBinder {

    static final List<String> TOP_KEYS = List.of("gateway", "defaults", "guard", "admin", "forwards");
    static final List<String> ADMIN_KEYS = List.of("enabled", "listen", "tls-certificate", "tls-key", "session-idle",
            "session-max", "require-totp", "login-failures-per-hour");
    static final List<String> GATEWAY_KEYS = List.of("data-dir", "stop-grace", "event-loops", "log-connections", "watch-config", "transport");
    static final List<String> DEFAULTS_KEYS = List.of("balance", "timeouts", "max-connections", "max-udp-sessions", "proxy-protocol");

    private ConfigBinder() {}

    /** The config, or empty when a problem was added (the caller throws them all). */
    static Optional<GatewayConfig> bind(Optional<YamlNode> root, Problems problems, Optional<Path> source) {
        return bind(root, problems, source, List.of());
    }

    /**
     * As {@link #bind(Optional, Problems, Optional)}, with forwards from elsewhere (the API's) appended after
     * the file's: they take the file's defaults and guard, and meet the same checks across forwards.
     */
    static Optional<GatewayConfig> bind(Optional<YamlNode> root, Problems problems, Optional<Path> source, List<YamlNode> extra) {
        if (root.isEmpty() || root.get() instanceof Scalar s && s.isEmpty()) {
            // An empty file, or one with only comments: a gateway with nothing to forward yet.
            root = Optional.of(new Mapping(new YamlNode.Position(1, 1), List.of()));
        }
        if (!(root.get() instanceof Mapping top)) {
            problems.add(root.get(), "the top level is " + root.get().describe()
                    + " (expected: a mapping with the keys " + String.join(", ", TOP_KEYS) + ", e.g. 'forwards:' on the first line)");
            return Optional.empty();
        }
        Block b = new Block(top, "at the top level", TOP_KEYS, problems);
        Settings settings = b.mapping("gateway", "a block with " + String.join(", ", GATEWAY_KEYS))
                .map(m -> settings(new Block(m, "in 'gateway'", GATEWAY_KEYS, problems)))
                .orElseGet(Settings::defaults);
        ForwardDefaults defaults = b.mapping("defaults", "a block with " + String.join(", ", DEFAULTS_KEYS))
                .map(m -> defaults(new Block(m, "in 'defaults'", DEFAULTS_KEYS, problems)))
                .orElse(ForwardDefaults.BUILT_IN);
        GuardBinder.Bound guard = b.mapping("guard", "a block with " + String.join(", ", GuardBinder.GUARD_KEYS))
                .map(m -> GuardBinder.guard(new Block(m, "in 'guard'", GuardBinder.GUARD_KEYS, problems)))
                .orElse(new GuardBinder.Bound(GuardSettings.DEFAULT, List.of()));
        AdminSettings admin = b.mapping("admin", "a block with " + String.join(", ", ADMIN_KEYS))
                .map(m -> admin(new Block(m, "in 'admin'", ADMIN_KEYS, problems)))
                .orElse(AdminSettings.DEFAULT);
        List<Bound> bound = new ArrayList<>(forwards(b, defaults, guard, problems));
        for (YamlNode item : extra) {
            bound.add(ForwardBinder.bind(item, bound.size(), defaults, guard, problems));
        }
        checkNames(bound, problems);
        checkConflicts(bound, problems);
        checkSpaPort(bound, guard.settings().spa(), problems);
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        List<Forward> forwards = bound.stream().map(f -> f.forward().orElseThrow()).toList();
        try {
            return Optional.of(new GatewayConfig(forwards, settings, source, guard.settings(), admin));
        } catch (IllegalArgumentException e) {
            // The checks above cover GatewayConfig's rules; this catches one added there later.
            problems.add(top, e.getMessage());
            return Optional.empty();
        }
    }

    private static Settings settings(Block b) {
        Settings d = new Settings(Path.of("."), Duration.ofSeconds(30), 0, true, true);
        Optional<Located<Path>> dataDir = b.parsed("data-dir", "a directory such as /var/lib/portcullis", text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("data-dir '" + text + "' is not a usable path: " + e.getReason(), e);
            }
        });
        Duration stopGrace = b.check(b.duration("stop-grace"), Settings::checkStopGrace).map(Located::value).orElse(d.stopGrace());
        int eventLoops = b.check(b.integer("event-loops", "0 for one per core, or 1-1024"), Settings::checkEventLoops)
                .map(Located::value).orElse(d.eventLoops());
        boolean logConnections = b.flag("log-connections").map(Located::value).orElse(d.logConnections());
        boolean watchConfig = b.flag("watch-config").map(Located::value).orElse(d.watchConfig());
        String transport = b.choice("transport", Settings.TRANSPORTS).map(Located::value).orElse(d.transport());
        // The default directory depends on the user and the environment, so it is looked up only when needed.
        Path dir = dataDir.map(Located::value).orElseGet(Settings::defaultDataDir);
        return new Settings(dir, stopGrace, eventLoops, logConnections, watchConfig, transport);
    }

    private static AdminSettings admin(Block b) {
        AdminSettings d = AdminSettings.DEFAULT;
        boolean enabled = b.flag("enabled").map(Located::value).orElse(d.enabled());
        var listen = b.check(b.parsed("listen", "one address and port such as 127.0.0.1:9443", ListenAddress::parse),
                AdminSettings::checkListen).map(Located::value).orElse(d.listen());
        Optional<Path> cert = b.parsed("tls-certificate", "a PEM certificate file", Path::of).map(Located::value);
        Optional<Path> key = b.parsed("tls-key", "a PEM private key file", Path::of).map(Located::value);
        if (cert.isPresent() != key.isPresent()) {
            b.problems().add(b.mapping(), "tls-certificate and tls-key " + b.where()
                    + " go together (expected: both, or neither for a self-signed certificate)");
            cert = Optional.empty();
            key = Optional.empty();
        }
        Duration idle = b.check(b.duration("session-idle"), AdminSettings::checkIdle).map(Located::value).orElse(d.sessionIdle());
        Duration sessionMax = b.check(b.duration("session-max"), max -> AdminSettings.checkSession(idle, max))
                // An idle time longer than the default maximum raises the maximum with it.
                .map(Located::value).orElse(d.sessionMax().compareTo(idle) < 0 ? idle : d.sessionMax());
        boolean totp = b.flag("require-totp").map(Located::value).orElse(d.requireTotp());
        int failures = b.check(b.integer("login-failures-per-hour", "a whole number, 1-100"), AdminSettings::checkFailures)
                .map(Located::value).orElse(d.loginFailuresPerHour());
        return new AdminSettings(enabled, listen, cert, key, idle, sessionMax, totp, failures);
    }

    private static ForwardDefaults defaults(Block b) {
        ForwardDefaults d = ForwardDefaults.BUILT_IN;
        Balance balance = b.choice("balance", ForwardBinder.BALANCES)
                .map(c -> Balance.values()[ForwardBinder.BALANCES.indexOf(c.value())]).orElse(d.balance());
        Timeouts timeouts = b.mapping("timeouts", "a block with " + String.join(", ", ForwardBinder.TIMEOUT_KEYS))
                .map(m -> ForwardBinder.timeouts(m, "in the timeouts of 'defaults'", d.timeouts(), b.problems()))
                .orElse(d.timeouts());
        int maxConnections = b.check(b.integer("max-connections", ForwardBinder.COUNT_EXPECTED), Forward::checkMaxConnections)
                .map(Located::value).orElse(d.maxConnections());
        int maxUdpSessions = b.check(b.integer("max-udp-sessions", "a whole number, at least 1"), Forward::checkMaxUdpSessions)
                .map(Located::value).orElse(d.maxUdpSessions());
        ProxyProtocol proxyProtocol = b.choice("proxy-protocol", ForwardBinder.PROXY_PROTOCOLS)
                .map(c -> ProxyProtocol.values()[ForwardBinder.PROXY_PROTOCOLS.indexOf(c.value())]).orElse(d.proxyProtocol());
        return new ForwardDefaults(balance, timeouts, maxConnections, maxUdpSessions, proxyProtocol);
    }

    private static List<Bound> forwards(Block top, ForwardDefaults defaults, GuardBinder.Bound guard, Problems problems) {
        Optional<Entry> entry = top.entry("forwards");
        if (entry.isEmpty()) {
            return List.of();
        }
        YamlNode value = entry.get().value();
        if (value instanceof Scalar s && (s.isEmpty() || s.kind() == Kind.ALIAS)) {
            return List.of(); // "forwards:" with nothing under it: no forwards yet
        }
        if (!(value instanceof Sequence seq)) {
            top.wrongType("forwards", value, "a list, each forward starting with '- name:' on its own line");
            return List.of();
        }
        List<Bound> bound = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            bound.add(ForwardBinder.bind(seq.items().get(i), i, defaults, guard, problems));
        }
        return bound;
    }

    /** A name used again is reported at its second use, with the line of the first. */
    private static void checkNames(List<Bound> bound, Problems problems) {
        Map<String, Located<String>> first = new HashMap<>();
        for (Bound f : bound) {
            f.name().ifPresent(name -> {
                Located<String> earlier = first.putIfAbsent(name.value(), name);
                if (earlier != null) {
                    problems.add(name.node(), "forward name '" + name.value() + "' is already used on line "
                            + earlier.node().at().line() + " (expected: a name no other forward has)");
                }
            });
        }
    }

    /**
     * Two enabled forwards that would bind the same port on the same transport: same address, overlapping
     * ranges, or a wildcard and a specific address of the same family. Reported at the later forward's
     * listen, naming the earlier one, because that is the one the user most likely just added.
     */
    private static void checkConflicts(List<Bound> bound, Problems problems) {
        List<Bound> active = bound.stream()
                .filter(f -> f.forward().isPresent() && f.forward().get().enabled())
                .toList();
        for (int i = 0; i < active.size(); i++) {
            Forward later = active.get(i).forward().orElseThrow();
            for (int j = 0; j < i; j++) {
                Forward earlier = active.get(j).forward().orElseThrow();
                Set<Protocol> shared = EnumSet.copyOf(later.protocols());
                shared.retainAll(earlier.protocols());
                if (shared.isEmpty() || !conflicts(later.listen(), earlier.listen())) {
                    continue;
                }
                Located<ListenAddress> where = active.get(i).listen().orElseThrow();
                Located<ListenAddress> other = active.get(j).listen().orElseThrow();
                String on = shared.stream().map(Protocol::label).collect(Collectors.joining(" and "));
                problems.add(where.node(), "listen " + later.listen() + " (" + on + ") in forward '" + later.name()
                        + "' overlaps forward '" + earlier.name() + "' on line " + other.node().at().line()
                        + ", which listens on " + earlier.listen()
                        + " (expected: a different port, address or protocol, or enabled: false on one of them)");
                break; // one conflict per forward is enough to act on
            }
        }
    }

    /** The SPA listener takes a UDP port; a UDP forward on it would never bind. */
    private static void checkSpaPort(List<Bound> bound, SpaSettings spa, Problems problems) {
        if (!spa.enabled()) {
            return;
        }
        for (Bound b : bound) {
            if (b.forward().isPresent() && b.forward().get().enabled() && b.forward().get().has(Protocol.UDP)
                    && conflicts(b.forward().get().listen(), spa.listen())) {
                problems.add(b.listen().orElseThrow().node(), "listen " + b.forward().get().listen() + " (udp) in forward '"
                        + b.forward().get().name() + "' overlaps guard.spa.listen " + spa.listen()
                        + ", where SPA packets arrive (expected: another port for one of them)");
            }
        }
    }

    private static boolean conflicts(ListenAddress a, ListenAddress b) {
        // Port 0 means "any free port": two such forwards get different ports from the OS.
        if (a.ports().first() == 0 && b.ports().first() == 0) {
            return false;
        }
        return a.conflictsWith(b);
    }
}
