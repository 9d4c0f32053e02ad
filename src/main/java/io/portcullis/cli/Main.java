package io.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code portcullis} command: the gateway daemon and the tools around it.
 */
@Command(
        name = "portcullis",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Portcullis: a self-hosted port gateway.",
        description = {
            "Publishes internal TCP and UDP services on external ports, with load balancing, health checks "
                    + "and PROXY protocol, live reloads that never drop open connections, and a guard on every port "
                    + "(access rules, per-client limits, automatic bans, single-packet authorization with fwknop).",
            ""
        },
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nGetting started:%n",
        footer = {
            "  portcullis sample-config > my.yaml   write a commented example config",
            "  portcullis validate -c my.yaml       check it without starting anything",
            "  portcullis run -c my.yaml            run the gateway in the foreground",
            "  portcullis status                    what a running gateway is doing",
            "  portcullis reload                    apply an edited config (or send SIGHUP)",
            "  portcullis ports                     which process holds which port",
            "  portcullis check 8080                can port 8080 be bound now? if not, why",
            "  portcullis user add me --role admin  the first admin, before the first start",
            "  portcullis token add cli --user me   an API token (see docs/cli.md)",
            "  portcullis forward list              forwards, through the admin API",
            "  portcullis backup FILE               copy the store (users, tokens, ...)",
            "",
            "Exit status: 0 success, 1 failure (invalid config, gateway refused), 2 bad command line.",
            "Docs: README.md, docs/configuration.md and docs/cli.md."
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Leak tracking records a stack trace for sampled buffers; the tests run it at "paranoid" instead.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        if (args.length > 0 && args[0].equals("ports")) {
            Integer code = PortsCommand.runDirect(java.util.Arrays.copyOfRange(args, 1, args.length));
            if (code != null) {
                System.exit(code);
            }
        }
        System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
    }

    /** The configured command line with every command, for tests. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The configured command line. When {@code first} (the first argument) names one of the port tools, only
     * that command is registered: picocli reflects over every registered command at start-up, and the others
     * pull in the gateway, its config and Jackson, which would double the start-up time of a one-shot command.
     * What the command parses and prints is the same either way.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new Main());
        switch (first == null ? "" : first) {
            case "ports" -> cli.addSubcommand(new PortsCommand());
            case "check" -> cli.addSubcommand(new CheckCommand());
            case "free" -> cli.addSubcommand(new FreeCommand());
            default -> {
                cli.addSubcommand(new RunCommand());
                cli.addSubcommand(new ValidateCommand());
                cli.addSubcommand(new StatusCommand());
                cli.addSubcommand(new ReloadCommand());
                cli.addSubcommand(new SampleConfigCommand());
                cli.addSubcommand(new PortsCommand());
                cli.addSubcommand(new CheckCommand());
                cli.addSubcommand(new FreeCommand());
                cli.addSubcommand(new BansCommand());
                cli.addSubcommand(new ForwardCommand());
                cli.addSubcommand(new UserCommand());
                cli.addSubcommand(new TokenCommand());
                cli.addSubcommand(new StoreCommands.Backup());
                cli.addSubcommand(new StoreCommands.Restore());
                cli.addSubcommand(new CommandLine.HelpCommand());
            }
        }
        cli.setExecutionExceptionHandler(new Errors());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "portcullis " + (v == null ? "(development build)" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }

    /** A failure the user can act on: printed as one message, never with a stack trace. */
    static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        UserException(String message) {
            this(message, 1);
        }

        UserException(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** Prints errors as words; only a real bug gets its stack trace, with a request to report it. */
    static final class Errors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
            return report(ex, cli.getErr());
        }

        /** Prints {@code ex} to {@code err} as the command line does; the exit status. */
        static int report(Exception ex, java.io.PrintWriter err) {
            if (ex instanceof UserException u) {
                err.println("portcullis: " + u.getMessage());
                return u.exitCode;
            }
            err.println("portcullis: internal error: " + ex);
            ex.printStackTrace(err);
            err.println("This is a bug in Portcullis; please report it with the lines above.");
            return 1;
        }
    }
}
