package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.admin.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis status}: what a running gateway is doing. */
@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Show the forwards of a running gateway, their targets and counters.",
        description = {
            "Asks the running gateway over its control socket (in its data directory), which needs the gateway's "
                    + "own user on its own host. With --api, or when an API URL or token is configured (--url, --token, "
                    + "$PORTCULLIS_URL, $PORTCULLIS_TOKEN or ~/.config/portcullis/client.yaml), it asks the admin API "
                    + "instead, from anywhere, with an API token.",
            "",
            "Columns: OPEN and TOTAL are TCP connections open now and since start; SESS is UDP sessions open "
                    + "now; IN and OUT are bytes from clients to targets and back; REFUSED counts connections "
                    + "and UDP sessions refused, with the guard's refusals by kind in brackets (rule: an access "
                    + "rule; limit: a per-client limit; ban: a banned address; spa: not opened by single-packet "
                    + "authorization), plus those refused by max-connections or for want of a healthy target; FAILS counts failed attempts to reach "
                    + "a target. Listeners that could not bind and targets that are down are listed below the "
                    + "table with the reason.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {"  portcullis status", "  portcullis status --json | jq '.forwards[].counters'",
            "  portcullis status --data-dir /tmp/pc",
            "  portcullis status --api --url https://gw.example.net:9443 --fingerprint AB:CD:..."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    ApiOptions api;

    @Option(names = "--json", description = "Print the gateway's answer as JSON.")
    boolean json;

    @Option(names = "--api", description = "Ask the admin API (GET /api/v1/status) rather than the control socket.")
    boolean useApi;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode status = useApi || api.configured() ? fromApi() : fromSocket();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
            } catch (IOException e) {
                throw new Main.UserException(e.getMessage());
            }
            out.flush();
            return 0;
        }
        out.printf("gateway pid %s, up since %s, %s transport, config %s%n", status.path("pid").asText(),
                status.path("startedAt").asText(), status.path("transport").asText(),
                status.path("configFile").isNull() ? "(built-in defaults)" : status.path("configFile").asText());
        if (!status.path("lastReloadError").isNull() && status.has("lastReloadError")) {
            out.println("last reload was refused; the running config stays:");
            out.println("  " + status.path("lastReloadError").asText().replace("\n", "\n  "));
        }
        JsonNode forwards = status.path("forwards");
        if (forwards.isEmpty()) {
            out.println("no forwards configured");
            out.flush();
            return 0;
        }
        Table t = new Table("FORWARD", "PROTO", "LISTEN", "STATE", "OPEN", "TOTAL", "SESS", "IN", "OUT", "REFUSED",
                "FAILS", "TARGETS");
        List<String> problems = new ArrayList<>();
        for (JsonNode f : forwards) {
            JsonNode c = f.path("counters");
            List<String> targets = new ArrayList<>();
            for (JsonNode tg : f.path("targets")) {
                targets.add(tg.path("address").asText() + (tg.path("healthy").asBoolean() ? " up" : " DOWN")
                        + "(" + tg.path("active").asInt() + ")");
                if (!tg.path("healthy").asBoolean() && tg.hasNonNull("reason")) {
                    problems.add(f.path("name").asText() + ": target " + tg.path("address").asText() + " down: "
                            + tg.path("reason").asText());
                }
            }
            for (JsonNode l : f.path("listeners")) {
                if (l.hasNonNull("error")) {
                    problems.add(f.path("name").asText() + ": cannot listen on " + l.path("protocol").asText() + " "
                            + l.path("address").asText() + ": " + l.path("error").asText());
                }
            }
            t.row(f.path("name").asText(), f.path("protocols").asText(), f.path("listen").asText(),
                    f.path("state").asText(), c.path("openConnections").asLong(), c.path("totalConnections").asLong(),
                    c.path("openUdpSessions").asLong(), Table.bytes(c.path("bytesIn").asLong()),
                    Table.bytes(c.path("bytesOut").asLong()), refused(c),
                    c.path("targetFailures").asLong(), String.join(", ", targets));
        }
        t.print(out);
        if (!problems.isEmpty()) {
            out.println();
            problems.forEach(p -> out.println("! " + p));
        }
        JsonNode g = status.path("guard");
        if (!g.isMissingNode()) {
            out.println();
            out.printf("guard: %d ban(s) in force, %d automatic ban(s) since start, %d address(es) with recent offences%n",
                    g.path("activeBans").asInt(), g.path("bansIssued").asLong(), g.path("offenders").asInt());
            if (g.hasNonNull("spa")) {
                List<String> counts = new ArrayList<>();
                g.path("spaPackets").fields().forEachRemaining(e -> counts.add(e.getKey() + " " + e.getValue().asLong()));
                out.printf("spa: %s; packets: %s; open now: %d%n", g.path("spa").asText(),
                        counts.isEmpty() ? "none yet" : String.join(", ", counts), g.path("spaOpen").asInt());
            }
        }
        out.flush();
        return 0;
    }

    private JsonNode fromApi() {
        return api.get(config, "/api/v1/status");
    }

    private JsonNode fromSocket() {
        try {
            return ControlClient.send(config.controlSocket(), "status");
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage());
        }
    }

    /** "12" or "12 (rule 9, ban 3)": the total with the guard's share by kind. */
    private static String refused(JsonNode c) {
        List<String> kinds = new ArrayList<>();
        c.path("refusedBy").fields().forEachRemaining(e -> kinds.add(e.getKey() + " " + e.getValue().asLong()));
        return c.path("refused").asLong() + (kinds.isEmpty() ? "" : " (" + String.join(", ", kinds) + ")");
    }
}
