package io.portcullis.config;

/**
 * One mistake in a config file, with where it is.
 *
 * @param file the file name as the user gave it (or a label such as {@code <built-in>})
 * @param line 1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param message what is wrong, in words, with what was expected
 */
public record ConfigProblem(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
