package io.portcullis.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a password without it ever being a command-line argument (which other users see in the process list
 * and the shell keeps in its history): from the terminal without echo, else from {@code --password-file}, else
 * from standard input when that is not a terminal (a pipe from a password manager).
 */
final class Passwords {

    private Passwords() {}

    /**
     * The password.
     *
     * @param file {@code --password-file}, or null
     * @param stdin standard input, used when there is no terminal
     * @param prompt what to ask on the terminal
     * @param confirm whether to ask twice on the terminal (for a new password)
     */
    static String read(Path file, InputStream stdin, String prompt, boolean confirm) {
        if (file != null) {
            try {
                return firstLine(Files.readString(file, StandardCharsets.UTF_8), "--password-file " + file);
            } catch (IOException e) {
                throw new Main.UserException("cannot read --password-file " + file + ": " + e.getMessage(), 2);
            }
        }
        Console console = terminal();
        if (console != null) {
            char[] first = console.readPassword("%s: ", prompt);
            if (first == null) {
                throw new Main.UserException("no password given", 2);
            }
            if (confirm) {
                char[] again = console.readPassword("Again, to be sure: ");
                if (again == null || !Arrays.equals(first, again)) {
                    throw new Main.UserException("the two passwords differ; nothing was changed", 2);
                }
            }
            return new String(first);
        }
        try {
            return firstLine(readLimited(stdin), "standard input");
        } catch (IOException e) {
            throw new Main.UserException("cannot read the password from standard input: " + e.getMessage(), 2);
        }
    }

    /** A line from the terminal, for a second-factor code; fails with advice when there is no terminal. */
    static String askLine(String prompt, String flag) {
        Console console = terminal();
        if (console == null) {
            throw new Main.UserException("this account has a second factor: give the code with " + flag, 2);
        }
        String line = console.readLine("%s: ", prompt);
        if (line == null || line.isBlank()) {
            throw new Main.UserException("no code given", 2);
        }
        return line.strip();
    }

    /**
     * The console when there is a real terminal. Since Java 22 {@link System#console()} may answer a console
     * even when input is a pipe, so its {@code isTerminal()} (absent in 21, which this code targets) is asked too.
     */
    static Console terminal() {
        Console c = System.console();
        if (c == null) {
            return null;
        }
        try {
            Object terminal = Console.class.getMethod("isTerminal").invoke(c);
            return Boolean.TRUE.equals(terminal) ? c : null;
        } catch (ReflectiveOperationException e) {
            return c;
        }
    }

    private static String readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024];
        int n;
        while ((n = in.read(chunk)) > 0) {
            buf.write(chunk, 0, n);
            if (buf.size() > 8192) {
                throw new IOException("more than 8 KiB: not a password");
            }
            if (buf.toString(StandardCharsets.UTF_8).contains("\n")) {
                break;
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static String firstLine(String text, String where) {
        String line = text.lines().findFirst().orElse("");
        if (line.isEmpty()) {
            throw new Main.UserException("no password in " + where + " (expected: the password on the first line)", 2);
        }
        return line;
    }
}
