package io.portcullis.config;

import io.portcullis.config.Block.Located;
import io.portcullis.config.YamlNode.Entry;
import io.portcullis.config.YamlNode.Kind;
import io.portcullis.config.YamlNode.Mapping;
import io.portcullis.config.YamlNode.Scalar;
import io.portcullis.config.YamlNode.Sequence;
import io.portcullis.net.Cidr;
import io.portcullis.net.ListenAddress;
import io.portcullis.net.NetworkTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code guard:} block and each forward's {@code access:}, {@code limits:} and {@code spa:} keys,
 * and finds rules that can never apply because an earlier rule with the opposite action covers them.
 */
final class GuardBinder {

    static final List<String> GUARD_KEYS = List.of("access", "bans", "spa");
    static final List<String> BAN_KEYS = List.of("enabled", "max-retries", "find-time", "ban-time", "factor", "max-ban-time", "never-ban");
    static final List<String> SPA_KEYS = List.of("listen", "max-age", "clients");
    static final List<String> CLIENT_KEYS = List.of("name", "key", "hmac-key", "hmac-digest", "allow-packet-address");
    static final List<String> ACCESS_KEYS = List.of("default", "rules");
    static final List<String> LIMIT_KEYS = List.of("per-source-connections", "per-source-rate", "per-source-burst");
    static final List<String> FORWARD_SPA_KEYS = List.of("open-for", "clients");
    static final String RULE_EXPECTED = "'- allow: NETWORK' or '- deny: NETWORK', where NETWORK is an address or a network such as 192.0.2.0/24";
    private static final Pattern RULE_TEXT = Pattern.compile("(?i)(allow|deny)\\s+(\\S+)");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:/\\s*(s|sec|second|m|min|minute|h|hour))?");

    private GuardBinder() {}

    /** The {@code guard:} block; rules are kept with their nodes so forwards' rules can be checked against them. */
    record Bound(GuardSettings settings, List<Located<AccessRule>> access) {}

    static Bound guard(Block b) {
        Problems problems = b.problems();
        List<Located<AccessRule>> access = b.entry("access")
                .map(e -> rules(e.value(), "'access' in 'guard'", problems))
                .orElse(List.of());
        checkShadowing(List.of(), access, problems);
        BanPolicy bans = b.mapping("bans", "a block with " + String.join(", ", BAN_KEYS))
                .map(m -> bans(new Block(m, "in 'guard.bans'", BAN_KEYS, problems)))
                .orElse(BanPolicy.DEFAULT);
        SpaSettings spa = b.mapping("spa", "a block with " + String.join(", ", SPA_KEYS))
                .map(m -> spa(new Block(m, "in 'guard.spa'", SPA_KEYS, problems)))
                .orElse(SpaSettings.DEFAULT);
        return new Bound(new GuardSettings(access.stream().map(Located::value).toList(), bans, spa), access);
    }

    private static BanPolicy bans(Block b) {
        BanPolicy d = BanPolicy.DEFAULT;
        boolean enabled = b.flag("enabled").map(Located::value).orElse(d.enabled());
        int maxRetries = b.check(b.integer("max-retries", "a whole number, 1 or more"), BanPolicy::checkMaxRetries)
                .map(Located::value).orElse(d.maxRetries());
        Duration findTime = positive(b, "find-time").orElse(d.findTime());
        Duration banTime = positive(b, "ban-time").orElse(d.banTime());
        Duration maxBanTime = positive(b, "max-ban-time").orElse(d.maxBanTime());
        double factor = b.check(b.parsed("factor", "a number from 1 to 1000, such as 2", GuardBinder::decimal), BanPolicy::checkFactor)
                .map(Located::value).orElse(d.factor());
        List<Cidr> neverBan = b.entry("never-ban").map(e -> networks(e.value(), "'never-ban' " + b.where(), b.problems())).orElse(List.of());
        if (maxBanTime.compareTo(banTime) < 0) {
            b.problems().add(b.entry("max-ban-time").or(() -> b.entry("ban-time")).map(Entry::value).orElse(b.mapping()),
                    "max-ban-time " + Durations.format(maxBanTime) + " is shorter than ban-time " + Durations.format(banTime)
                            + " " + b.where() + " (expected: at least ban-time)");
            return d;
        }
        return new BanPolicy(enabled, maxRetries, findTime, banTime, factor, maxBanTime, neverBan);
    }

    private static Optional<Duration> positive(Block b, String key) {
        return b.check(b.duration(key), d -> BanPolicy.checkPositive(key, d)).map(Located::value);
    }

    private static double decimal(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number (expected: a number such as 2 or 1.5)");
        }
    }

    private static SpaSettings spa(Block b) {
        SpaSettings d = SpaSettings.DEFAULT;
        ListenAddress listen = b.check(b.parsed("listen", "a UDP address and port such as 0.0.0.0:62201", ListenAddress::parse), l -> {
            if (!l.ports().isSingle()) {
                throw new IllegalArgumentException("the SPA listen address " + l + " is a range (expected: one port, such as 0.0.0.0:62201)");
            }
        }).map(Located::value).orElse(d.listen());
        Duration maxAge = b.check(b.duration("max-age"), SpaSettings::checkMaxAge).map(Located::value).orElse(d.maxAge());
        List<SpaClient> clients = new ArrayList<>();
        b.entry("clients").ifPresent(e -> {
            if (!(e.value() instanceof Sequence seq)) {
                if (!(e.value() instanceof Scalar s && (s.isEmpty() || s.kind() == Kind.ALIAS))) {
                    b.wrongType("clients", e.value(), "a list of clients, each starting with '- name:'");
                }
                return;
            }
            Map<String, Located<String>> names = new HashMap<>();
            for (YamlNode item : seq.items()) {
                if (!(item instanceof Mapping m)) {
                    b.problems().add(item, "an SPA client " + b.where() + " is " + item.describe()
                            + " (expected: a mapping with " + String.join(", ", CLIENT_KEYS) + ")");
                    continue;
                }
                client(new Block(m, "in an SPA client", CLIENT_KEYS, b.problems()), names).ifPresent(clients::add);
            }
        });
        return new SpaSettings(listen, maxAge, clients);
    }

    private static Optional<SpaClient> client(Block b, Map<String, Located<String>> names) {
        Problems problems = b.problems();
        int before = problems.size();
        Optional<Located<String>> name = b.text("name", "a unique name such as laptop");
        if (name.isEmpty() && b.entry("name").isEmpty()) {
            problems.add(b.mapping(), "an SPA client has no 'name' (expected: name: followed by a name such as laptop)");
        }
        name.ifPresent(n -> {
            Located<String> earlier = names.putIfAbsent(n.value(), n);
            if (earlier != null) {
                problems.add(n.node(), "SPA client name '" + n.value() + "' is already used on line " + earlier.node().at().line());
            }
        });
        Optional<Located<String>> key = b.check(b.text("key", "the KEY_BASE64 that fwknop --key-gen prints"),
                k -> SpaClient.checkKey("key", k, 1, 32));
        Optional<Located<String>> hmac = b.check(b.text("hmac-key", "the HMAC_KEY_BASE64 that fwknop --key-gen prints"),
                k -> SpaClient.checkKey("hmac-key", k, 1, 128));
        for (String required : List.of("key", "hmac-key")) {
            if (b.entry(required).isEmpty()) {
                problems.add(b.mapping(), "SPA client " + name.map(n -> "'" + n.value() + "' ").orElse("")
                        + "has no '" + required + "' (expected: the base64 value fwknop --key-gen prints)");
            }
        }
        String digest = b.choice("hmac-digest", SpaClient.DIGESTS).map(Located::value).orElse("sha256");
        boolean packetAddress = b.flag("allow-packet-address").map(Located::value).orElse(false);
        if (problems.size() > before || name.isEmpty() || key.isEmpty() || hmac.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SpaClient(name.get().value(), key.get().value(), hmac.get().value(), digest, packetAddress));
        } catch (IllegalArgumentException e) {
            problems.add(name.get().node(), e.getMessage());
            return Optional.empty();
        }
    }

    /** A forward's {@code access:}, {@code limits:} and {@code spa:} keys. */
    static ForwardGuard forward(Block b, String label, Bound global) {
        Problems problems = b.problems();
        AccessPolicy access = b.mapping("access", "a block with 'default: allow|deny' and 'rules:'")
                .map(m -> {
                    Block a = new Block(m, "in the access of " + label, ACCESS_KEYS, problems);
                    boolean defaultAllow = a.choice("default", List.of("allow", "deny")).map(c -> c.value().equals("allow")).orElse(true);
                    List<Located<AccessRule>> rules = a.entry("rules")
                            .map(e -> rules(e.value(), "'rules' in the access of " + label, problems))
                            .orElse(List.of());
                    checkShadowing(global.access(), rules, problems);
                    return new AccessPolicy(rules.stream().map(Located::value).toList(), defaultAllow);
                })
                .orElse(AccessPolicy.OPEN);
        SourceLimits limits = b.mapping("limits", "a block with " + String.join(", ", LIMIT_KEYS))
                .map(m -> limits(new Block(m, "in the limits of " + label, LIMIT_KEYS, problems)))
                .orElse(SourceLimits.NONE);
        Optional<SpaGuard> spa = forwardSpa(b, label, global.settings().spa());
        return new ForwardGuard(access, limits, spa);
    }

    private static SourceLimits limits(Block b) {
        int max = b.check(b.integer("per-source-connections", "a whole number, 0 for no limit"), SourceLimits::checkMaxPerSource)
                .map(Located::value).orElse(0);
        double rate = b.check(b.parsed("per-source-rate", "a rate such as 10/s, 100/m or 1000/h", GuardBinder::rate), SourceLimits::checkRate)
                .map(Located::value).orElse(0.0);
        Optional<Located<Integer>> burst = b.check(b.integer("per-source-burst", "a whole number, 1 or more"), SourceLimits::checkBurst);
        if (burst.isPresent() && rate == 0 && b.entry("per-source-rate").isEmpty()) {
            b.problems().add(burst.get().node(), "'per-source-burst' " + b.where()
                    + " has no 'per-source-rate' to go with (expected: per-source-rate: such as 10/s beside it)");
        }
        return new SourceLimits(max, rate, burst.map(Located::value).orElse(0));
    }

    /** {@code 10/s}, {@code 600/m}, {@code 3600/h} or a bare number per second. */
    static double rate(String text) {
        Matcher m = RATE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("rate '" + text + "' is not understood (expected: a rate such as 10/s, 100/m or 1000/h)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).substring(0, 1);
        return switch (unit) {
            case "m" -> n / 60;
            case "h" -> n / 3600;
            default -> n;
        };
    }

    private static Optional<SpaGuard> forwardSpa(Block b, String label, SpaSettings settings) {
        Optional<Entry> entry = b.entry("spa");
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        YamlNode value = entry.get().value();
        Optional<SpaGuard> spa;
        if (value instanceof Scalar s && s.kind() == Kind.BOOLEAN) {
            spa = b.flag("spa").filter(Located::value).map(x -> new SpaGuard(SpaGuard.DEFAULT_OPEN_FOR, List.of()));
        } else if (value instanceof Mapping m) {
            Block s = new Block(m, "in the spa of " + label, FORWARD_SPA_KEYS, b.problems());
            Duration openFor = s.check(s.duration("open-for"), SpaGuard::checkOpenFor).map(Located::value).orElse(SpaGuard.DEFAULT_OPEN_FOR);
            List<String> clients = new ArrayList<>();
            s.entry("clients").ifPresent(e -> {
                List<YamlNode> items = e.value() instanceof Sequence seq ? seq.items() : List.of(e.value());
                List<String> known = settings.clients().stream().map(SpaClient::name).toList();
                for (YamlNode item : items) {
                    if (!(item instanceof Scalar sc) || sc.isEmpty()) {
                        b.problems().add(item, "an SPA client " + s.where() + " is " + item.describe() + " (expected: a client name from guard.spa.clients)");
                        continue;
                    }
                    String name = sc.text().strip();
                    if (!known.contains(name)) {
                        String hint = Suggestions.closest(name, known).map(k -> "did you mean '" + k + "'? ").orElse("");
                        b.problems().add(item, "SPA client '" + name + "' " + s.where() + " is not in guard.spa.clients ("
                                + hint + "expected: one of " + (known.isEmpty() ? "the clients you add there" : String.join(", ", known)) + ")");
                        continue;
                    }
                    clients.add(name);
                }
            });
            spa = Optional.of(new SpaGuard(openFor, clients));
        } else {
            if (!(value instanceof Scalar s && s.kind() == Kind.ALIAS)) {
                b.wrongType("spa", value, "true, or a block with " + String.join(", ", FORWARD_SPA_KEYS));
            }
            return Optional.empty();
        }
        if (spa.isPresent() && !settings.enabled()) {
            b.problems().add(entry.get().keyAt(), label + " is guarded by SPA, but guard.spa has no clients, so nobody could open it"
                    + " (expected: guard.spa.clients with at least one client and its keys)");
        }
        return spa;
    }

    /** A list of rules: {@code - allow: 10.0.0.0/8}, {@code - deny: [a, b]} or {@code - allow 10.0.0.0/8}. */
    static List<Located<AccessRule>> rules(YamlNode value, String where, Problems problems) {
        if (value instanceof Scalar s && (s.isEmpty() || s.kind() == Kind.ALIAS)) {
            return List.of();
        }
        if (!(value instanceof Sequence seq)) {
            problems.add(value, where + " is " + value.describe() + " (expected: a list of rules, each " + RULE_EXPECTED + ")");
            return List.of();
        }
        List<Located<AccessRule>> out = new ArrayList<>(seq.items().size());
        for (YamlNode item : seq.items()) {
            if (item instanceof Mapping m && m.entries().size() == 1) {
                Entry e = m.entries().get(0);
                String action = e.key().toLowerCase(Locale.ROOT);
                if (!action.equals("allow") && !action.equals("deny")) {
                    String hint = Suggestions.closest(e.key(), List.of("allow", "deny")).map(k -> "did you mean '" + k + "'? ").orElse("");
                    problems.add(e.keyAt(), "unknown action '" + e.key() + "' in " + where + " (" + hint + "expected: allow or deny)");
                    continue;
                }
                List<YamlNode> nets = e.value() instanceof Sequence list ? list.items() : List.of(e.value());
                for (YamlNode n : nets) {
                    network(n, where, problems).ifPresent(c -> out.add(new Located<>(new AccessRule(action.equals("allow"), c, n.at().line()), n)));
                }
            } else if (item instanceof Scalar s && s.kind() == Kind.TEXT && RULE_TEXT.matcher(s.text().strip()).matches()) {
                Matcher m = RULE_TEXT.matcher(s.text().strip());
                m.matches();
                try {
                    Cidr c = Cidr.parse(m.group(2));
                    out.add(new Located<>(new AccessRule(m.group(1).equalsIgnoreCase("allow"), c, s.at().line()), s));
                } catch (IllegalArgumentException ex) {
                    problems.add(s, ex.getMessage() + " in " + where);
                }
            } else {
                problems.add(item, "a rule in " + where + " is " + item.describe() + " (expected: " + RULE_EXPECTED + ")");
            }
        }
        return out;
    }

    private static List<Cidr> networks(YamlNode value, String where, Problems problems) {
        List<YamlNode> items = value instanceof Sequence seq ? seq.items() : List.of(value);
        List<Cidr> out = new ArrayList<>();
        for (YamlNode n : items) {
            network(n, where, problems).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Cidr> network(YamlNode n, String where, Problems problems) {
        if (!(n instanceof Scalar s) || s.isEmpty()) {
            problems.add(n, "a network in " + where + " is " + (n instanceof Scalar ? "empty" : n.describe())
                    + " (expected: an address or network such as 192.0.2.0/24 or 2001:db8::/32)");
            return Optional.empty();
        }
        if (s.kind() == Kind.ALIAS) {
            return Optional.empty();
        }
        try {
            return Optional.of(Cidr.parse(s.text()));
        } catch (IllegalArgumentException e) {
            problems.add(s, e.getMessage() + " in " + where);
            return Optional.empty();
        }
    }

    /**
     * A rule that an earlier rule of the opposite action covers completely can never apply: the user meant
     * something else (usually: the narrower rule first). The gateway-wide rules come before a forward's own.
     */
    private static void checkShadowing(List<Located<AccessRule>> earlier, List<Located<AccessRule>> rules, Problems problems) {
        if (rules.isEmpty()) {
            return;
        }
        List<Located<AccessRule>> all = new ArrayList<>(earlier.size() + rules.size());
        all.addAll(earlier);
        all.addAll(rules);
        NetworkTable table = new NetworkTable();
        for (int i = 0; i < all.size(); i++) {
            AccessRule rule = all.get(i).value();
            int covering = table.add(rule.network());
            if (i < earlier.size() || covering < 0) {
                continue;
            }
            AccessRule first = all.get(covering).value();
            if (first.allow() != rule.allow()) {
                String whereFirst = covering < earlier.size() ? "the gateway-wide rule '" + first + "' (guard.access, line " + first.line() + ")"
                        : "'" + first + "' on line " + first.line();
                problems.add(all.get(i).node(), "rule '" + rule + "' never applies: " + whereFirst
                        + " matches every address it covers first (expected: the narrower rule above the wider one, or no contradicting rule)");
            }
        }
    }
}
