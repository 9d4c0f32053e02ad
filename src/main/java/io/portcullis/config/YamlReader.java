package io.portcullis.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.portcullis.config.YamlNode.Entry;
import io.portcullis.config.YamlNode.Kind;
import io.portcullis.config.YamlNode.Mapping;
import io.portcullis.config.YamlNode.Position;
import io.portcullis.config.YamlNode.Scalar;
import io.portcullis.config.YamlNode.Sequence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a {@link YamlNode} tree with Jackson's streaming parser, keeping each token's
 * line:column.
 *
 * <p>It also reports what the streaming parser lets through silently — duplicate keys, aliases, more
 * than one document — and turns YAML syntax errors into one short sentence at the place the parser
 * names, so no Java class name or stack trace reaches the user.
 */
final class YamlReader {

    // Thread-safe once configured; creating one per read would re-detect features for nothing.
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    /** An unquoted IPv6 literal with a port, which YAML reads as the start of a flow list. */
    private static final Pattern BARE_IPV6 = Pattern.compile("(^|[\\s:,-])\\[[0-9A-Fa-f:.%]*]:\\d");

    private final String text;
    private final Problems problems;
    private final YAMLParser parser;
    private String[] lines;

    private final String source;

    private YamlReader(String text, Problems problems, String source) throws IOException {
        this.text = text;
        this.source = source;
        this.problems = problems;
        this.parser = FACTORY.createParser(text);
    }

    /** The syntax error in a config text; once found, nothing after it can be trusted. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError() {
            super(null, null, false, false);
        }
    }

    /**
     * The root of the first document, or empty for a text with no document at all (empty, or only
     * comments). Duplicate keys and aliases are added to {@code problems} and reading goes on.
     *
     * @throws SyntaxError after adding the syntax error to {@code problems}
     */
    static Optional<YamlNode> read(String text, Problems problems) throws SyntaxError {
        return read(text, problems, null);
    }

    /** As {@link #read(String, Problems)}, for a text whose problems name {@code source} rather than the file. */
    static Optional<YamlNode> read(String text, Problems problems, String source) throws SyntaxError {
        try {
            YamlReader reader = new YamlReader(text, problems, source);
            try (YAMLParser p = reader.parser) {
                JsonToken first = p.nextToken();
                if (first == null) {
                    return Optional.empty();
                }
                YamlNode root = reader.node(first);
                if (p.nextToken() != null) {
                    problems.add(reader.position(), "a second YAML document starts here; a config file holds one"
                            + " (expected: remove the '---' line and everything after it, or merge the two)");
                }
                return Optional.of(root);
            }
        } catch (JsonProcessingException e) {
            Position at = errorPosition(e);
            problems.add(new Position(at.line(), at.column(), source), syntaxMessage(e, text));
            throw new SyntaxError();
        } catch (IOException e) {
            // Reading from a String cannot fail for I/O reasons; whatever this is, say it plainly.
            problems.add(new Position(1, 1, source), "cannot read the YAML: " + e.getMessage());
            throw new SyntaxError();
        }
    }

    private YamlNode node(JsonToken token) throws IOException {
        Position at = position();
        if (token == null) {
            // The parser throws on truncated input, so this is only a guard against looping on nothing.
            return new Scalar(at, Kind.NULL, "", null);
        }
        return switch (token) {
            case START_OBJECT -> mapping(at);
            case START_ARRAY -> sequence(at);
            case VALUE_STRING -> parser.isCurrentAlias() ? alias(at) : new Scalar(at, Kind.TEXT, parser.getText(), null);
            case VALUE_NUMBER_INT -> new Scalar(at, Kind.INTEGER, parser.getText(), parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> new Scalar(at, Kind.DECIMAL, parser.getText(), null);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(at, Kind.BOOLEAN, parser.getText(), null);
            case VALUE_NULL -> new Scalar(at, Kind.NULL, "", null);
            // Jackson's YAML parser yields no other value tokens; an embedded object would be a binary tag.
            default -> new Scalar(at, Kind.TEXT, String.valueOf(parser.getText()), null);
        };
    }

    private Scalar alias(Position at) throws IOException {
        problems.add(at, "the alias '*" + parser.getText() + "' is not supported (expected: write the value out in full)");
        return new Scalar(at, Kind.ALIAS, parser.getText(), null);
    }

    private Mapping mapping(Position at) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Position> seen = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Position keyAt = position();
            YamlNode value = node(parser.nextToken());
            Position first = seen.putIfAbsent(key, keyAt);
            if (first != null) {
                problems.add(keyAt, "duplicate key '" + key + "' (first on line " + first.line()
                        + "; expected: each key once per block)");
            } else {
                entries.add(new Entry(key, keyAt, value));
            }
        }
        return new Mapping(at, entries);
    }

    private Sequence sequence(Position at) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY && t != null) {
            YamlNode item = node(t);
            if (item instanceof Mapping m) {
                item = new Mapping(dashBefore(m.at()), m.entries());
            }
            items.add(item);
        }
        return new Sequence(at, items);
    }

    private Position position() {
        JsonLocation l = parser.currentTokenLocation();
        return new Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()), source);
    }

    /**
     * The position of the {@code -} that opens a block-sequence item starting at {@code at}, or {@code at}
     * itself when there is none on that line (a flow item such as {@code [{name: a}]}).
     */
    private Position dashBefore(Position at) {
        if (lines == null) {
            lines = text.split("\r\n|\r|\n", -1);
        }
        if (at.line() > lines.length) {
            return at;
        }
        String line = lines[at.line() - 1];
        int i = Math.min(at.column() - 2, line.length() - 1);
        while (i >= 0 && line.charAt(i) == ' ') {
            i--;
        }
        boolean dash = i >= 0 && line.charAt(i) == '-' && (i == 0 || line.charAt(i - 1) == ' ');
        return dash ? new Position(at.line(), i + 1, source) : at;
    }

    private static Position errorPosition(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark mark = m.getProblemMark();
            return new Position(mark.getLine() + 1, mark.getColumn() + 1);
        }
        JsonLocation l = e.getLocation();
        return l == null ? new Position(1, 1) : new Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /** One short sentence for a YAML syntax error: what the parser found, and what usually fixes it. */
    static String syntaxMessage(JsonProcessingException e, String text) {
        if (!(e.getCause() instanceof MarkedYAMLException m)) {
            String original = e.getOriginalMessage();
            if (original != null && original.startsWith("Expected a field name")) {
                return "YAML error: a key must be plain text, not a list or a mapping";
            }
            return "YAML error: " + (original == null ? "the text is not valid YAML" : firstLine(original));
        }
        String problem = m.getProblem() == null ? "the text is not valid YAML" : m.getProblem();
        Mark mark = m.getProblemMark();
        String line = mark == null ? "" : lineAt(text, mark.getLine());
        if (problem.contains("\\t(TAB)") || problem.contains("\t")) {
            return "YAML error: a tab character cannot be used here (expected: indent with spaces only; YAML forbids tabs for indentation)";
        }
        if (BARE_IPV6.matcher(line).find()) {
            return "YAML error: an IPv6 address in brackets must be quoted, because YAML reads '[' as the start of a list"
                    + " (expected: \"[::]:8080\" in double quotes)";
        }
        if (problem.equals("mapping values are not allowed here")) {
            return "YAML error: unexpected ':' here (expected: a space-separated 'key: value' per line; quote a value that contains ': ')";
        }
        StringBuilder out = new StringBuilder("YAML error: ").append(plain(problem));
        if (m.getContext() != null && m.getContextMark() != null && mark != null
                && m.getContextMark().getLine() != mark.getLine()) {
            out.append(" (").append(plain(m.getContext())).append(" started on line ").append(m.getContextMark().getLine() + 1).append(')');
        } else if (m.getContext() != null) {
            out.append(" (").append(plain(m.getContext())).append(')');
        }
        return out.toString();
    }

    /** The parser's words with its jargon swapped for the user's: "scalar" is a value, the stream is the file. */
    private static String plain(String parserWords) {
        return parserWords.replace("<stream end>", "the end of the file")
                .replace("end of stream", "end of the file")
                .replace("scalar", "value");
    }

    private static String lineAt(String text, int zeroBasedLine) {
        String[] all = text.split("\r\n|\r|\n", -1);
        return zeroBasedLine >= 0 && zeroBasedLine < all.length ? all[zeroBasedLine] : "";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
