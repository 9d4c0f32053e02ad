package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.admin.ControlClient;
import io.portcullis.store.SqliteStore;
import io.portcullis.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis backup} and {@code portcullis restore}: the store (API forwards, users, tokens, leases,
 * audit) to and from one file. A running gateway does it itself over its control socket, since it holds the
 * store open; with none running the command opens the store in the data directory directly.
 */
final class StoreCommands {

    private StoreCommands() {}

    /** The running gateway's answer to {@code command}, or empty when none runs with this data directory. */
    static Optional<JsonNode> askRunning(ConfigOption config, String command, Path file) {
        Path socket = config.controlSocket();
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            ControlClient.send(socket, "ping");
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("not running")) {
                return Optional.empty();
            }
            throw new Main.UserException(e.getMessage());
        }
        try {
            JsonNode reply = ControlClient.send(socket, Map.of("command", command, "file", file.toString()));
            if (!reply.path("ok").asBoolean()) {
                throw new Main.UserException(command + " refused by the running gateway: "
                        + reply.path("error").asText("no reason given"));
            }
            return Optional.of(reply);
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage());
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            header = "Write a consistent copy of the gateway's store to FILE.",
            description = {
                "The store holds what was made through the API and the dashboard (forwards, users, tokens), leases, "
                        + "and the audit log; the config file is not in it (back it up as a file). A running gateway "
                        + "writes the copy itself and goes on working; with none running the store in the data "
                        + "directory is copied. FILE must not exist yet.",
                ""
            },
            footerHeading = "%nExamples:%n",
            footer = {"  portcullis backup /var/backups/portcullis-$(date +%F).db",
                "  portcullis backup pc.db --data-dir /tmp/pc"})
    static final class Backup implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "FILE", description = "Where to write the copy; must not exist.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path target = file.toAbsolutePath().normalize();
            if (Files.exists(target)) {
                throw new Main.UserException(target + " exists already; choose a new file (a backup never overwrites)");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (askRunning(config, "backup", target).isPresent()) {
                out.println("backed up the running gateway's store to " + target);
                out.flush();
                return 0;
            }
            Path dataDir = config.dataDir();
            if (!Files.exists(dataDir.resolve(SqliteStore.FILE_NAME))) {
                throw new Main.UserException("no store in " + dataDir + " (has a gateway run with this data directory? "
                        + "point at it with --data-dir or -c)");
            }
            try (SqliteStore store = SqliteStore.open(dataDir)) {
                store.backup(target);
            } catch (Store.StoreException e) {
                throw new Main.UserException(e.getMessage());
            }
            out.println("backed up the store in " + dataDir + " to " + target + " (no gateway running)");
            out.flush();
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            header = "Replace the gateway's store with a backup made by 'portcullis backup'.",
            description = {
                "The backup is checked first (a sound Portcullis store, not newer than this program); a refused one "
                        + "changes nothing. Everything made through the API since the backup is lost: forwards, "
                        + "users and tokens are as they were in the backup. A running gateway swaps the store and "
                        + "applies it without a restart (dashboard sessions end); with none running, the file in the "
                        + "data directory is replaced.",
                ""
            },
            footerHeading = "%nExamples:%n",
            footer = {"  portcullis restore /var/backups/portcullis-2026-11-20.db",
                "  portcullis restore pc.db --data-dir /tmp/pc"})
    static final class Restore implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "FILE", description = "A backup made by 'portcullis backup'.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path source = file.toAbsolutePath().normalize();
            if (!Files.isRegularFile(source)) {
                throw new Main.UserException("no backup file " + source);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (askRunning(config, "restore", source).isPresent()) {
                out.println("restored the running gateway's store from " + source + " and applied it");
                out.flush();
                return 0;
            }
            Path dataDir = config.dataDir();
            try {
                Files.createDirectories(dataDir);
                SqliteStore.restore(source, dataDir.resolve(SqliteStore.FILE_NAME));
            } catch (IOException e) {
                throw new Main.UserException("cannot use the data directory " + dataDir + ": " + e.getMessage());
            } catch (Store.StoreException e) {
                throw new Main.UserException(e.getMessage());
            }
            out.println("restored the store in " + dataDir + " from " + source + "; the gateway uses it when it starts");
            out.flush();
            return 0;
        }
    }
}
