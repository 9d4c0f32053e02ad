package io.portcullis.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run behind the launcher's start-up cache (class-data sharing / AOT cache): runs what the one-shot
 * commands run at start-up, once, in one JVM, with all output discarded, so that the cache the JVM writes at
 * exit holds the classes of every command rather than of whichever command happened to run first.
 *
 * <p>Not a user command; {@code ./portcullis} runs it after a build. It changes nothing on the host: it lists
 * ports (which only reads {@code /proc}), never runs {@code check} or {@code free} (they test-bind ports) beyond
 * their help, and the config it validates is the sample config in a temporary file.
 */
public final class Training {

    private Training() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(discard);
        System.setErr(discard);
        Path dir = Files.createTempDirectory("portcullis-training");
        Path config = dir.resolve("portcullis.yaml");
        try {
            // The launcher's entry point (its main would exit; loading it is what the archive needs).
            Class.forName(Start.class.getName(), true, Training.class.getClassLoader());
            // What `portcullis ports` runs, twice so that its hot loops are compiled and profiled too.
            for (int i = 0; i < 2; i++) {
                PortsCommand.runDirect(new String[0]);
                PortsCommand.runDirect(new String[] {"--json"});
            }
            run("--help");
            run("--version");
            for (String command : new String[] {"run", "validate", "status", "reload", "sample-config", "ports",
                "check", "free", "bans"}) {
                run(command, "--help");
            }
            run("ports", "--all");
            run("ports", "--no-such-option");
            Files.writeString(config, io.portcullis.config.ConfigLoader.sampleConfig());
            run("validate", "-c", config.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
            Files.deleteIfExists(config);
            Files.deleteIfExists(dir);
        }
        // As the commands end: System.exit loads classes of its own (the logging of Runtime.exit).
        System.exit(0);
    }

    private static void run(String... args) {
        try {
            Main.commandLine(args[0]).execute(args);
        } catch (RuntimeException e) {
            // a training run only loads classes; a failing command teaches as much
        }
    }
}
