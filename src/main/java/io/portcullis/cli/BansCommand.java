package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.admin.ControlClient;
import io.portcullis.config.Durations;
import io.portcullis.guard.Ban;
import io.portcullis.guard.BanStore;
import io.portcullis.net.Cidr;
import io.portcullis.store.SqliteStore;
import io.portcullis.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis bans}: list, add and lift bans. Talks to the running gateway; when none runs, edits the
 * bans in the store ({@code <data-dir>/portcullis.db}), which the gateway reads when it starts.
 */
@Command(name = "bans", mixinStandardHelpOptions = true,
        header = "List, add and lift bans (addresses refused on every forward).",
        description = {
            "Bans come from the guard (an address that is refused too often within the find time is banned, "
                    + "longer each time, as fail2ban does) or from this command. They apply to every forward, "
                    + "end by themselves, and survive a restart. With a running gateway the change applies at "
                    + "once; with none, the bans in the store (portcullis.db in the data directory) are edited.",
            ""
        },
        subcommands = {BansCommand.ListBans.class, BansCommand.AddBan.class, BansCommand.LiftBan.class},
        footerHeading = "%nExamples:%n",
        footer = {"  portcullis bans", "  portcullis bans add 203.0.113.7 --for 1d --reason 'ssh scanner'",
            "  portcullis bans add 198.51.100.0/24 --for 2h", "  portcullis bans lift 203.0.113.7",
            "  portcullis bans list --json"})
final class BansCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return new ListBans().run(config, spec, false);
    }

    /** Sends one bans request to the gateway, or does it on the store when no gateway runs. */
    static JsonNode request(ConfigOption config, String action, Map<String, String> args) {
        Path socket = config.controlSocket();
        Map<String, String> req = new LinkedHashMap<>(args);
        req.put("command", "bans");
        req.put("action", action);
        String unreachable = "there is no control socket " + socket;
        if (Files.exists(socket)) {
            try {
                JsonNode reply = ControlClient.send(socket, req);
                if (!reply.path("ok").asBoolean()) {
                    throw new Main.UserException(reply.path("error").asText("the gateway refused the request"));
                }
                return reply;
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("not running")) {
                    throw new Main.UserException(e.getMessage());
                }
                unreachable = e.getMessage();
            }
        }
        return offline(socket.getParent(), socket, unreachable, action, args);
    }

    /**
     * Does the request on the store in {@code dataDir} itself, as the gateway would. A gateway that holds the
     * store while its control socket does not answer (still starting, or its socket removed) is reported in
     * words: editing behind its back is impossible, and guessing would be wrong.
     */
    private static JsonNode offline(Path dataDir, Path socket, String unreachable, String action, Map<String, String> args) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("offline", true);
        if (action.equals("list") && !Files.exists(dataDir.resolve(SqliteStore.FILE_NAME)) && !Files.exists(dataDir.resolve("bans.json"))) {
            out.put("bans", List.of());
            return JSON.valueToTree(out);
        }
        Path db = dataDir.resolve(SqliteStore.FILE_NAME);
        try (SqliteStore store = openStore(dataDir, db, socket, unreachable); BanStore bans = BanStore.open(store, dataDir)) {
            switch (action) {
                case "add" -> out.put("ban", bans.add(network(args.get("network")), length(args.get("duration")), args.get("reason")).view());
                case "lift" -> out.put("lifted", bans.lift(network(args.get("network"))).stream().map(Ban::view).toList());
                default -> {
                    bans.flush();
                    out.put("bans", bans.bans().list(Instant.now()).stream().map(Ban::view).toList());
                }
            }
            return JSON.valueToTree(out);
        } catch (IOException | Store.StoreException e) {
            throw new Main.UserException("cannot use the bans in the store " + db + ": " + e.getMessage());
        }
    }

    private static SqliteStore openStore(Path dataDir, Path db, Path socket, String unreachable) {
        try {
            return SqliteStore.open(dataDir);
        } catch (Store.StoreException e) {
            if (String.valueOf(e.getMessage()).contains("another Portcullis has this store open")) {
                throw new Main.UserException("a running gateway holds the store " + db + ", but it does not answer on its control socket ("
                        + unreachable + "); if it is still starting, try again in a moment; otherwise restart it so that "
                        + socket + " is made again");
            }
            throw new Main.UserException("cannot open the store " + db + ": " + e.getMessage());
        }
    }

    static Cidr network(String text) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException(e.getMessage(), 2);
        }
    }

    static Duration length(String text) {
        try {
            Duration d = Durations.parse(text);
            Ban.checkLength(d);
            return d;
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("--for: " + e.getMessage(), 2);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, header = "List the bans in force.")
    static final class ListBans implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--json", description = "Print the bans as JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return run(config, spec, json);
        }

        int run(ConfigOption config, CommandSpec spec, boolean asJson) {
            JsonNode reply = request(config, "list", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (asJson) {
                out.println(reply.path("bans").toPrettyString());
                out.flush();
                return 0;
            }
            JsonNode bans = reply.path("bans");
            if (bans.isEmpty()) {
                out.println("no bans in force" + (reply.path("offline").asBoolean() ? " (no gateway running; read the store)" : ""));
                out.flush();
                return 0;
            }
            Instant now = Instant.now();
            Table t = new Table("NETWORK", "UNTIL", "LEFT", "BAN#", "BY", "REASON");
            for (JsonNode b : bans) {
                Instant until = Instant.parse(b.path("until").asText());
                t.row(b.path("network").asText(), b.path("until").asText(), left(Duration.between(now, until)), b.path("count").asInt(),
                        b.path("manual").asBoolean() ? "hand" : "guard", b.path("reason").asText());
            }
            t.print(out);
            out.flush();
            return 0;
        }
    }

    /** "45s", "12m", "1h59m", "6d23h": two units are enough to read at a glance. */
    static String left(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86400) {
            return s / 3600 + "h" + (s % 3600 / 60 > 0 ? s % 3600 / 60 + "m" : "");
        }
        return s / 86400 + "d" + (s % 86400 / 3600 > 0 ? s % 86400 / 3600 + "h" : "");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, header = "Ban an address or network from every forward.")
    static final class AddBan implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "NETWORK", description = "An address (203.0.113.7, 2001:db8::7) or network (198.51.100.0/24).")
        String network;

        @Option(names = "--for", paramLabel = "DURATION", defaultValue = "1h", description = "How long (default: ${DEFAULT-VALUE}), e.g. 30m, 12h, 7d.")
        String duration;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "added by hand", description = "Why, for the list and the log.")
        String reason;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            network(network);
            length(duration);
            JsonNode b = request(config, "add", Map.of("network", network, "duration", duration, "reason", reason)).path("ban");
            spec.commandLine().getOut().printf("banned %s until %s%n", b.path("network").asText(), b.path("until").asText());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "lift", aliases = "rm", mixinStandardHelpOptions = true, header = "Lift a ban before it ends.")
    static final class LiftBan implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "NETWORK", description = "The banned address or network, as 'bans' lists it.")
        String network;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            network(network);
            JsonNode lifted = request(config, "lift", Map.of("network", network)).path("lifted");
            PrintWriter out = spec.commandLine().getOut();
            if (lifted.isEmpty()) {
                out.println("no ban on " + network + " (see 'portcullis bans')");
                out.flush();
                return 1;
            }
            lifted.forEach(b -> out.println("lifted the ban on " + b.path("network").asText()));
            out.flush();
            return 0;
        }
    }
}
