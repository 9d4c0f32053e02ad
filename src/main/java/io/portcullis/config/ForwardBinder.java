package io.portcullis.config;

import io.portcullis.config.Block.Located;
import io.portcullis.config.YamlNode.Entry;
import io.portcullis.config.YamlNode.Kind;
import io.portcullis.config.YamlNode.Mapping;
import io.portcullis.config.YamlNode.Position;
import io.portcullis.config.YamlNode.Scalar;
import io.portcullis.config.YamlNode.Sequence;
import io.portcullis.net.ListenAddress;
import io.portcullis.net.Protocol;
import io.portcullis.net.TargetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one item of {@code forwards:} into a {@link Forward}, applying {@code defaults:}, and reads the
 * {@code timeouts:} and {@code health-check:} blocks that forwards and defaults share.
 */
final class ForwardBinder {

    static final List<String> KEYS = List.of("name", "protocol", "listen", "targets", "target", "balance", "timeouts",
            "max-connections", "max-udp-sessions", "health-check", "proxy-protocol", "enabled", "access", "limits", "spa");
    static final List<String> TIMEOUT_KEYS = List.of("connect", "idle", "udp-session");
    static final List<String> HEALTH_CHECK_KEYS = List.of("interval", "timeout", "failures", "recoveries");
    static final List<String> PROTOCOLS = List.of("tcp", "udp", "both");
    static final List<String> BALANCES = Arrays.stream(Balance.values()).map(Balance::configName).toList();
    static final List<String> PROXY_PROTOCOLS = Arrays.stream(ProxyProtocol.values()).map(ProxyProtocol::configName).toList();

    static final String LISTEN_EXPECTED = "an address and port such as 0.0.0.0:8080, [::]:8080, 127.0.0.1:9000-9010 or 8080";
    static final String TARGET_EXPECTED = "host:port or host:first-last, such as 192.168.1.50:8080";
    static final String COUNT_EXPECTED = "a whole number, 0 or more";

    private ForwardBinder() {}

    /**
     * What was read of one forward: the forward itself when it is valid, and the located name and listen
     * address even when it is not, so the checks across forwards can still point at them.
     *
     * @param at the item's {@code -}
     */
    record Bound(Position at, Optional<Located<String>> name, Optional<Located<ListenAddress>> listen, Optional<Forward> forward) {}

    static Bound bind(YamlNode item, int index, ForwardDefaults defaults, GuardBinder.Bound guardSettings, Problems problems) {
        String number = "forward #" + (index + 1);
        if (!(item instanceof Mapping m)) {
            String found = item instanceof Scalar s && s.isEmpty() ? "empty" : item.describe();
            problems.add(item, number + " is " + found
                    + " (expected: a mapping such as '- name: camera' with listen and targets below it)");
            return new Bound(item.at(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        int before = problems.size();
        String label = peekName(m).map(n -> "forward '" + n + "'").orElse(number);
        Block b = new Block(m, "in " + label, KEYS, problems);

        Optional<Located<String>> name = b.check(b.text("name", "a unique name such as camera"), Forward::checkName);
        if (m.entry("name").isEmpty()) {
            problems.add(m, label + " has no 'name' (expected: name: followed by a unique name such as camera)");
        }
        Set<Protocol> protocols = b.choice("protocol", PROTOCOLS).map(p -> protocols(p.value())).orElse(EnumSet.of(Protocol.TCP));
        Optional<Located<ListenAddress>> listen = b.check(b.parsed("listen", LISTEN_EXPECTED, ListenAddress::parse), Forward::checkListen);
        if (m.entry("listen").isEmpty()) {
            problems.add(m, label + " has no 'listen' (expected: listen: followed by " + LISTEN_EXPECTED + ")");
        }
        List<TargetAddress> targets = targets(b, label, listen.map(Located::value));
        Balance balance = b.choice("balance", BALANCES).map(c -> Balance.values()[BALANCES.indexOf(c.value())]).orElse(defaults.balance());
        Timeouts timeouts = b.mapping("timeouts", "a block with " + String.join(", ", TIMEOUT_KEYS))
                .map(t -> timeouts(t, "in the timeouts of " + label, defaults.timeouts(), problems))
                .orElse(defaults.timeouts());
        int maxConnections = b.check(b.integer("max-connections", COUNT_EXPECTED), Forward::checkMaxConnections)
                .map(Located::value).orElse(defaults.maxConnections());
        int maxUdpSessions = b.check(b.integer("max-udp-sessions", "a whole number, at least 1"), Forward::checkMaxUdpSessions)
                .map(Located::value).orElse(defaults.maxUdpSessions());
        Optional<HealthCheck> healthCheck = healthCheck(b, label);
        String forwardName = name.map(Located::value).orElse(label);
        ProxyProtocol proxyProtocol = b.check(
                        b.choice("proxy-protocol", PROXY_PROTOCOLS).map(c -> new Located<>(ProxyProtocol.values()[PROXY_PROTOCOLS.indexOf(c.value())], c.node())),
                        pp -> Forward.checkProxyProtocol(forwardName, pp, protocols))
                .map(Located::value)
                .orElse(protocols.contains(Protocol.TCP) ? defaults.proxyProtocol() : ProxyProtocol.NONE);
        boolean enabled = b.flag("enabled").map(Located::value).orElse(true);
        ForwardGuard guard = GuardBinder.forward(b, label, guardSettings);

        if (problems.size() > before || name.isEmpty() || listen.isEmpty() || targets.isEmpty()) {
            return new Bound(m.at(), name, listen, Optional.empty());
        }
        try {
            Forward forward = new Forward(name.get().value(), protocols, listen.get().value(), targets, balance, timeouts,
                    maxConnections, maxUdpSessions, healthCheck, proxyProtocol, enabled, guard);
            return new Bound(m.at(), name, listen, Optional.of(forward));
        } catch (IllegalArgumentException e) {
            // Every rule of Forward was run above against its own value; this is the safety net for a rule added later.
            problems.add(m, e.getMessage());
            return new Bound(m.at(), name, listen, Optional.empty());
        }
    }

    /** The name as written, to say "forward 'camera'" in messages about the forward's other keys. */
    private static Optional<String> peekName(Mapping m) {
        return m.entry("name")
                .map(Entry::value)
                .filter(v -> v instanceof Scalar s && !s.isEmpty() && s.kind() != Kind.ALIAS)
                .map(v -> ((Scalar) v).text().strip());
    }

    private static Set<Protocol> protocols(String word) {
        return switch (word) {
            case "udp" -> EnumSet.of(Protocol.UDP);
            case "both" -> EnumSet.of(Protocol.TCP, Protocol.UDP);
            default -> EnumSet.of(Protocol.TCP);
        };
    }

    /** {@code targets: [a, b]}, {@code targets: a} or {@code target: a}; each checked against the listen range. */
    private static List<TargetAddress> targets(Block b, String label, Optional<ListenAddress> listen) {
        Problems problems = b.problems();
        Optional<Entry> many = b.entry("targets");
        Optional<Entry> one = b.entry("target");
        if (many.isPresent() && one.isPresent()) {
            problems.add(one.get().keyAt(), "'target' and 'targets' are both set " + b.where()
                    + " (expected: one of them; 'targets' takes a list, 'target' one host:port)");
            return List.of();
        }
        if (many.isEmpty() && one.isEmpty()) {
            problems.add(b.mapping(), label + " has no 'targets' (expected: targets: followed by a list of "
                    + TARGET_EXPECTED + ", e.g. targets: [192.168.1.50:8080])");
            return List.of();
        }
        Entry entry = many.orElseGet(one::get);
        YamlNode value = entry.value();
        List<YamlNode> items;
        if (value instanceof Sequence seq && entry.key().equals("targets")) {
            items = seq.items();
            if (items.isEmpty()) {
                problems.add(value, "'targets' " + b.where() + " is an empty list (expected: at least one " + TARGET_EXPECTED + ")");
                return List.of();
            }
        } else if (value instanceof Scalar s && !s.isEmpty()) {
            items = List.of(value);
        } else if (value instanceof Scalar) {
            problems.add(value, "'" + entry.key() + "' " + b.where() + " is empty (expected: " + TARGET_EXPECTED + ")");
            return List.of();
        } else {
            b.wrongType(entry.key(), value, entry.key().equals("target")
                    ? "one " + TARGET_EXPECTED + "; use 'targets' for a list"
                    : "a list of " + TARGET_EXPECTED);
            return List.of();
        }
        List<TargetAddress> targets = new ArrayList<>();
        for (YamlNode item : items) {
            if (!(item instanceof Scalar s) || s.isEmpty() || s.kind() == Kind.ALIAS) {
                if (!(item instanceof Scalar s2 && s2.kind() == Kind.ALIAS)) {
                    problems.add(item, "a target " + b.where() + " is " + (item instanceof Scalar ? "empty" : item.describe())
                            + " (expected: " + TARGET_EXPECTED + ")");
                }
                continue;
            }
            try {
                TargetAddress target = TargetAddress.parse(s.text());
                listen.ifPresent(l -> Forward.checkTarget(l, target));
                targets.add(target);
            } catch (IllegalArgumentException e) {
                problems.add(item, e.getMessage());
            }
        }
        return targets;
    }

    /** {@code timeouts:} over {@code base}, key by key, so a forward may change only its idle timeout. */
    static Timeouts timeouts(Mapping m, String where, Timeouts base, Problems problems) {
        Block b = new Block(m, where, TIMEOUT_KEYS, problems);
        Duration connect = b.check(b.duration("connect"), Timeouts::checkConnect).map(Located::value).orElse(base.connect());
        Duration idle = b.check(b.duration("idle"), Timeouts::checkIdle).map(Located::value).orElse(base.idle());
        Duration udpSession = b.check(b.duration("udp-session"), Timeouts::checkUdpSession).map(Located::value).orElse(base.udpSession());
        return new Timeouts(connect, idle, udpSession);
    }

    /** {@code health-check: true}, {@code false}, or a block; absent means no active checks. */
    private static Optional<HealthCheck> healthCheck(Block b, String label) {
        Optional<Entry> entry = b.entry("health-check");
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        String expected = "true, false, or a block with " + String.join(", ", HEALTH_CHECK_KEYS);
        YamlNode value = entry.get().value();
        if (value instanceof Mapping m) {
            return healthCheck(new Block(m, "in the health-check of " + label, HEALTH_CHECK_KEYS, b.problems()));
        }
        if (value instanceof Scalar s && s.kind() == Kind.ALIAS) {
            return Optional.empty();
        }
        if (value instanceof Scalar s && s.isEmpty()) {
            b.problems().add(value, "'health-check' " + b.where() + " is empty (expected: " + expected + ")");
            return Optional.empty();
        }
        if (value instanceof Scalar s && s.kind() == Kind.BOOLEAN) {
            return b.flag("health-check").filter(Located::value).map(on -> HealthCheck.DEFAULT);
        }
        b.wrongType("health-check", value, expected);
        return Optional.empty();
    }

    private static Optional<HealthCheck> healthCheck(Block b) {
        HealthCheck d = HealthCheck.DEFAULT;
        Optional<Located<Duration>> interval = b.check(b.duration("interval"), HealthCheck::checkInterval);
        Duration every = interval.map(Located::value).orElse(d.interval());
        Optional<Located<Duration>> timeout = b.duration("timeout");
        Duration wait;
        if (timeout.isPresent()) {
            wait = b.check(timeout, t -> HealthCheck.checkTimeout(t, every)).map(Located::value).orElse(every);
        } else {
            // A short interval without a timeout gets a timeout that fits it, rather than an error about a value the user never wrote.
            wait = d.timeout().compareTo(every) > 0 ? every : d.timeout();
        }
        int failures = b.check(b.integer("failures", "a whole number 1-100"), n -> HealthCheck.checkCount("failures", n))
                .map(Located::value).orElse(d.failures());
        int recoveries = b.check(b.integer("recoveries", "a whole number 1-100"), n -> HealthCheck.checkCount("recoveries", n))
                .map(Located::value).orElse(d.recoveries());
        try {
            return Optional.of(new HealthCheck(every, wait, failures, recoveries));
        } catch (IllegalArgumentException e) {
            // Only reachable when a value above was already reported; the config fails either way.
            return Optional.empty();
        }
    }
}
