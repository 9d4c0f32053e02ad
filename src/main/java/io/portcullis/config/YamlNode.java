package io.portcullis.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A YAML document as a small tree that remembers where every key and value was written.
 *
 * <p>It exists because Jackson's {@code JsonNode} drops source locations, and every config problem must
 * say {@code file:line:column}. Only what a config file needs is modelled: mappings, sequences and scalars.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    /** Where the node starts. */
    Position at();

    /** What the node is, in words a user understands, for "is a list (expected: ...)" messages. */
    String describe();

    /**
     * A 1-based line and column in the source text.
     *
     * @param source the text's label when it is not the config file itself (a forward made through the API), else null
     */
    record Position(int line, int column, String source) {
        Position(int line, int column) {
            this(line, column, null);
        }
    }

    /** How YAML typed a scalar; the raw text is kept as well, since "8080" and 8080 mean the same here. */
    enum Kind { TEXT, INTEGER, DECIMAL, BOOLEAN, NULL, ALIAS }

    /**
     * A single value.
     *
     * @param integer the value of an {@link Kind#INTEGER} scalar ({@code 10_000} and {@code 0x1F} included), else null
     */
    record Scalar(Position at, Kind kind, String text, BigInteger integer) implements YamlNode {

        /** Whether the value is missing: {@code key:} with nothing after it, {@code ~}, {@code null} or {@code ''}. */
        boolean isEmpty() {
            return kind == Kind.NULL || (kind == Kind.TEXT && text.isBlank());
        }

        @Override
        public String describe() {
            return switch (kind) {
                case TEXT -> "the text '" + text + "'";
                case INTEGER, DECIMAL -> "the number " + text;
                case BOOLEAN -> "the flag " + text;
                case NULL -> "empty";
                case ALIAS -> "an alias";
            };
        }
    }

    /** One {@code key: value} pair, with the key's own position so "unknown key" can point at it. */
    record Entry(String key, Position keyAt, YamlNode value) {}

    /**
     * A mapping, in file order. For a mapping that is an item of a block sequence, {@code at} is the
     * position of its {@code -}, which is where a reader looks for "this forward".
     */
    record Mapping(Position at, List<Entry> entries) implements YamlNode {

        public Mapping {
            entries = List.copyOf(entries);
        }

        Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A list. */
    record Sequence(Position at, List<YamlNode> items) implements YamlNode {

        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }
}
