package io.portcullis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running gateway through its API (forward, user, token and their subcommands): the
 * API address, token and certificate pin, the config file that may name them, and the command's own spec for
 * its output. Picocli reads the annotated fields of a superclass, so each command declares only its own.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Mixin
    ConfigOption local;

    @Spec
    CommandSpec spec;
}
