package io.portcullis.cli;

/**
 * The entry point {@code ./portcullis} starts ({@code java -cp portcullis.jar io.portcullis.cli.Start ARGS}); the
 * jar's Main-Class stays {@link Main}, and both behave the same.
 *
 * <p>It exists for start-up time. Finding {@code main} makes the JVM resolve every type in the signatures of the
 * main class's public methods, and {@link Main#commandLine()} returns picocli's {@code CommandLine}: picocli
 * classes (built for Java 5) cannot be put in a class-data archive, so that costs a read of the jar's 4,700-entry
 * index before {@code main} runs, and {@code java -jar} costs another. {@code portcullis ports} needs neither.
 */
public final class Start {

    private Start() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("ports")) {
            Integer code = PortsCommand.runDirect(java.util.Arrays.copyOfRange(args, 1, args.length));
            if (code != null) {
                System.exit(code);
            }
        }
        Main.main(args);
    }
}
