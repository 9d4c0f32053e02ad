package io.portcullis.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the gateway's YAML config file into a checked, immutable {@link GatewayConfig}.
 *
 * <p>It exists so that a config is either fully valid or rejected with every mistake at once, each as
 * {@code file:line:column: message} saying what is wrong and what was expected; a typo never starts a
 * gateway that does something else, and a reload never replaces a running config with a broken one.
 * The format is described in {@code docs/configuration.md}; {@link #sampleConfig()} is a commented
 * example.
 */
public final class ConfigLoader {

    private static final String SAMPLE = "sample.yaml";

    private ConfigLoader() {}

    /**
     * Reads and checks the config file {@code file}.
     *
     * @throws ConfigException with every problem found, including a file that cannot be read
     */
    public static GatewayConfig load(Path file) throws ConfigException {
        return load(file, List.of());
    }

    /**
     * A forward kept outside the file (made through the API), written as JSON with the keys of a forward
     * in the file. It takes the file's defaults and guard and meets the same checks; its problems name
     * {@code source} instead of the file.
     */
    public record ExtraForward(String source, String json) {}

    /** Reads the config file with forwards from elsewhere appended after the file's own. */
    public static GatewayConfig load(Path file, List<ExtraForward> extra) throws ConfigException {
        String label = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            Problems problems = new Problems(label);
            problems.addUnplaced("cannot read the config file: " + reason(e));
            problems.throwIfAny();
            throw new AssertionError("unreachable");
        }
        return read(text, label, Optional.of(file), extra);
    }

    /**
     * Checks config text that did not come from a file (the API, a test, standard input).
     *
     * @param fileLabel how problems name the source, e.g. {@code <stdin>}
     * @throws ConfigException with every problem found
     */
    public static GatewayConfig parse(String yaml, String fileLabel) throws ConfigException {
        return read(yaml, fileLabel, Optional.empty(), List.of());
    }

    /** As {@link #parse(String, String)}, with forwards from elsewhere appended after the text's own. */
    public static GatewayConfig parse(String yaml, String fileLabel, List<ExtraForward> extra) throws ConfigException {
        return read(yaml, fileLabel, Optional.empty(), extra);
    }

    /** A commented config showing every kind of forward, as {@code portcullis init} writes it; it loads without problems. */
    public static String sampleConfig() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(SAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("the sample config " + SAMPLE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled sample config", e);
        }
    }

    private static GatewayConfig read(String text, String label, Optional<Path> source, List<ExtraForward> extra)
            throws ConfigException {
        Problems problems = new Problems(label);
        // Editors on some systems save a byte-order mark; it is not part of the YAML.
        String yaml = text.startsWith("\uFEFF") ? text.substring(1) : text;
        Optional<YamlNode> root;
        try {
            root = YamlReader.read(yaml, problems);
        } catch (YamlReader.SyntaxError e) {
            problems.throwIfAny();
            throw new AssertionError("a syntax error is always reported");
        }
        List<YamlNode> extraNodes = new ArrayList<>();
        for (ExtraForward e : extra) {
            try {
                YamlReader.read(e.json(), problems, e.source()).ifPresent(extraNodes::add);
            } catch (YamlReader.SyntaxError err) {
                // reported; the other forwards are still checked
            }
        }
        Optional<GatewayConfig> config = ConfigBinder.bind(root, problems, source, extraNodes);
        problems.throwIfAny();
        return config.orElseThrow(() -> new AssertionError("no config and no problem"));
    }

    /** The operating system's reason in words: "no such file", "permission denied", "is a directory". */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "it is not UTF-8 text";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() != null ? e.getMessage() : "input/output error";
    }
}
