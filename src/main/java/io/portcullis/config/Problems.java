package io.portcullis.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every problem found in one config text, so the user fixes them all in one round instead of
 * one per reload.
 */
final class Problems {

    private final String file;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void add(YamlNode.Position at, String message) {
        found.add(new ConfigProblem(at.source() != null ? at.source() : file, at.line(), at.column(), message));
    }

    void add(YamlNode node, String message) {
        add(node.at(), message);
    }

    /** A problem about the file as a whole, such as one that cannot be read. */
    void addUnplaced(String message) {
        found.add(new ConfigProblem(file, 0, 0, message));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    int size() {
        return found.size();
    }

    /** Throws when anything was found; problems come out in file order, whatever order the checks ran in. */
    void throwIfAny() throws ConfigException {
        if (found.isEmpty()) {
            return;
        }
        List<ConfigProblem> sorted = new ArrayList<>(found);
        // The file's own problems first, then those of each other source (forwards made through the API).
        sorted.sort(Comparator.comparing((ConfigProblem p) -> !p.file().equals(file)).thenComparing(ConfigProblem::file)
                .thenComparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        throw new ConfigException(sorted);
    }
}
