package io.portcullis.config;

import io.portcullis.config.YamlNode.Entry;
import io.portcullis.config.YamlNode.Kind;
import io.portcullis.config.YamlNode.Mapping;
import io.portcullis.config.YamlNode.Scalar;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One mapping of the config file being read against the keys it may hold.
 *
 * <p>Every getter either answers a value of the expected type or adds a problem that names the key,
 * the block it is in, what was found and what was expected, and answers empty, so a reader collects all
 * the problems of a file in one pass. An absent key is simply empty: defaults are the caller's business.
 */
final class Block {

    private static final Pattern SIGNED_DIGITS = Pattern.compile("[+-]?\\d{1,18}");

    private final Mapping map;
    private final String where;
    private final Problems problems;

    /**
     * Wraps {@code map} and reports each key not in {@code keys} at once.
     *
     * @param where the block in words, to follow a key: {@code "in forward 'camera'"}, {@code "at the top level"}
     */
    Block(Mapping map, String where, List<String> keys, Problems problems) {
        this.map = map;
        this.where = where;
        this.problems = problems;
        for (Entry e : map.entries()) {
            if (!keys.contains(e.key())) {
                String hint = Suggestions.closest(e.key(), keys)
                        .map(k -> "did you mean '" + k + "'?")
                        .orElse("expected one of: " + String.join(", ", keys));
                problems.add(e.keyAt(), "unknown key '" + e.key() + "' " + where + " (" + hint + ")");
            }
        }
    }

    /** A value read from the file together with the node it came from, so later checks can point at it. */
    record Located<T>(T value, YamlNode node) {}

    Mapping mapping() {
        return map;
    }

    String where() {
        return where;
    }

    Optional<Entry> entry(String key) {
        return map.entry(key);
    }

    /** Any scalar as text: {@code name: 8080} is the name "8080". */
    Optional<Located<String>> text(String key, String expected) {
        Optional<Entry> entry = map.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        YamlNode node = entry.get().value();
        if (!(node instanceof Scalar s)) {
            wrongType(key, node, expected);
            return Optional.empty();
        }
        if (s.kind() == Kind.ALIAS) {
            return Optional.empty(); // already reported by the reader
        }
        if (s.isEmpty()) {
            problems.add(node, "'" + key + "' " + where + " is empty (expected: " + expected + ")");
            return Optional.empty();
        }
        return Optional.of(new Located<>(s.text().strip(), node));
    }

    /** Text turned into a value by {@code parse}, whose {@link IllegalArgumentException} message becomes the problem. */
    <T> Optional<Located<T>> parsed(String key, String expected, Function<String, T> parse) {
        return text(key, expected).flatMap(t -> {
            try {
                return Optional.of(new Located<>(parse.apply(t.value()), t.node()));
            } catch (IllegalArgumentException e) {
                problems.add(t.node(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** A whole number; quoted digits count, since {@code "100"} can only mean 100 here. */
    Optional<Located<Integer>> integer(String key, String expected) {
        Optional<Entry> entry = map.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        YamlNode node = entry.get().value();
        if (node instanceof Scalar s && s.kind() == Kind.ALIAS) {
            return Optional.empty();
        }
        BigInteger n = null;
        if (node instanceof Scalar s && s.kind() == Kind.INTEGER) {
            n = s.integer();
        } else if (node instanceof Scalar s && s.kind() == Kind.TEXT && SIGNED_DIGITS.matcher(s.text().strip()).matches()) {
            n = new BigInteger(s.text().strip());
        }
        if (n == null) {
            if (node instanceof Scalar s && s.isEmpty()) {
                problems.add(node, "'" + key + "' " + where + " is empty (expected: " + expected + ")");
            } else {
                wrongType(key, node, expected);
            }
            return Optional.empty();
        }
        if (n.bitLength() > 31) {
            problems.add(node, "'" + key + "' " + where + " is " + n + ", which is far too "
                    + (n.signum() < 0 ? "small" : "large") + " (expected: " + expected + ")");
            return Optional.empty();
        }
        return Optional.of(new Located<>(n.intValue(), node));
    }

    /** {@code true} or {@code false}; YAML's {@code yes}/{@code no}/{@code on}/{@code off} are read the same way. */
    Optional<Located<Boolean>> flag(String key) {
        Optional<Entry> entry = map.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        YamlNode node = entry.get().value();
        if (node instanceof Scalar s && (s.kind() == Kind.BOOLEAN || s.kind() == Kind.TEXT)) {
            switch (s.text().strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "y", "on" -> {
                    return Optional.of(new Located<>(true, node));
                }
                case "false", "no", "n", "off" -> {
                    return Optional.of(new Located<>(false, node));
                }
                default -> { }
            }
        }
        if (node instanceof Scalar s && s.kind() == Kind.ALIAS) {
            return Optional.empty();
        }
        if (node instanceof Scalar s && s.isEmpty()) {
            problems.add(node, "'" + key + "' " + where + " is empty (expected: true or false)");
        } else {
            wrongType(key, node, "true or false");
        }
        return Optional.empty();
    }

    /** A duration such as {@code 30s}; a bare number is seconds. */
    Optional<Located<Duration>> duration(String key) {
        return parsed(key, "a duration such as 500ms, 30s, 5m or 1h", text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + key + "' " + where + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * One of a fixed set of words, matched ignoring case (and {@code _} for {@code -}); answers the word as
     * listed in {@code options}.
     */
    Optional<Located<String>> choice(String key, List<String> options) {
        String expected = "one of " + String.join(", ", options);
        return text(key, expected).flatMap(t -> {
            String typed = t.value().toLowerCase(Locale.ROOT).replace('_', '-');
            for (String option : options) {
                if (option.equals(typed)) {
                    return Optional.of(new Located<>(option, t.node()));
                }
            }
            String hint = Suggestions.closest(t.value(), options).map(o -> "did you mean '" + o + "'? ").orElse("");
            problems.add(t.node(), "unknown " + key + " '" + t.value() + "' " + where + " (" + hint + "expected: " + expected + ")");
            return Optional.empty();
        });
    }

    /** A nested block; {@code key:} with nothing after it is an empty block, which sets nothing. */
    Optional<Mapping> mapping(String key, String expected) {
        Optional<Entry> entry = map.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        YamlNode node = entry.get().value();
        if (node instanceof Mapping m) {
            return Optional.of(m);
        }
        if (node instanceof Scalar s && (s.isEmpty() || s.kind() == Kind.ALIAS)) {
            return Optional.empty();
        }
        wrongType(key, node, expected);
        return Optional.empty();
    }

    /**
     * Runs one of a record's validation rules against a value read from this block, so a rule's
     * {@link IllegalArgumentException} is reported at the value that broke it. Empty when the rule fails.
     */
    <T> Optional<Located<T>> check(Optional<Located<T>> value, Consumer<T> rule) {
        return value.flatMap(v -> {
            try {
                rule.accept(v.value());
                return Optional.of(v);
            } catch (IllegalArgumentException e) {
                problems.add(v.node(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** "'listen' in forward 'camera' is a list (expected: ...)". */
    void wrongType(String key, YamlNode found, String expected) {
        problems.add(found, "'" + key + "' " + where + " is " + found.describe() + " (expected: " + expected + ")");
    }

    Problems problems() {
        return problems;
    }
}
