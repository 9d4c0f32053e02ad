package io.portcullis.cli;

import picocli.CommandLine;

/** Subcommands contributed by other capabilities (the ports inspector), registered in one place. */
final class Extensions {

    private Extensions() {}

    static void register(CommandLine cli) {
        // filled in as capabilities add commands
    }
}
