package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis forward}: the forwards of a running gateway, through its admin API. Forwards made here are
 * kept in the gateway's store and run beside those of the config file; the file's own are shown with source
 * {@code file} and can only be changed in the file, which the gateway says when asked.
 */
@Command(name = "forward", aliases = "forwards", mixinStandardHelpOptions = true,
        header = "List, show, add, remove, enable and disable forwards through the admin API.",
        description = {
            "Talks to a running gateway's admin API over HTTPS with an API token (see 'portcullis token'). "
                    + "Forwards added here are stored by the gateway and start at once; forwards from its config "
                    + "file are listed with source 'file' and are changed in the file, not here.",
            "",
            "The API is found with --url/--token/--fingerprint, else $PORTCULLIS_URL, $PORTCULLIS_TOKEN, "
                    + "$PORTCULLIS_FINGERPRINT, else ~/.config/portcullis/client.yaml (url:, token:, fingerprint:).",
            ""
        },
        subcommands = {ForwardCommand.ListForwards.class, ForwardCommand.Show.class, ForwardAddCommand.class,
            ForwardCommand.Remove.class, ForwardCommand.Enable.class, ForwardCommand.Disable.class},
        footerHeading = "%nExamples:%n",
        footer = {"  portcullis forward list",
            "  portcullis forward add --name camera --listen 0.0.0.0:8080 --target 192.168.1.50:8080",
            "  portcullis forward show camera --json", "  portcullis forward disable camera",
            "  portcullis forward rm camera"})
final class ForwardCommand extends ApiCommand {
    @Override
    public Integer call() {
        return list(api, local, spec, false);
    }

    static int list(ApiOptions api, ConfigOption local, CommandSpec spec, boolean json) {
        JsonNode forwards = api.get(local, "/api/v1/forwards");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, forwards);
            return 0;
        }
        if (forwards.isEmpty()) {
            out.println("no forwards yet (add one with 'portcullis forward add')");
            out.flush();
            return 0;
        }
        Table t = new Table("NAME", "SOURCE", "STATE", "PROTO", "LISTEN", "TARGETS", "OPEN", "TOTAL");
        List<String> problems = new ArrayList<>();
        for (JsonNode f : forwards) {
            JsonNode s = f.path("spec");
            JsonNode c = f.path("status").path("counters");
            t.row(f.path("name").asText(), f.path("source").asText(), state(f), s.path("protocol").asText("tcp"),
                    Output.text(s, "listen"), targets(s), c.path("openConnections").asLong() + c.path("openUdpSessions").asLong(),
                    c.path("totalConnections").asLong() + c.path("totalUdpSessions").asLong());
            problems.addAll(problems(f));
        }
        t.print(out);
        if (!problems.isEmpty()) {
            out.println();
            problems.forEach(p -> out.println("! " + p));
        }
        out.flush();
        return 0;
    }

    /** "listening", "disabled", "failed", or "not running" for an API forward the gateway could not start. */
    static String state(JsonNode f) {
        if (!f.path("enabled").asBoolean(true)) {
            return "disabled";
        }
        if (f.hasNonNull("error")) {
            return "not running";
        }
        return f.path("status").hasNonNull("state") ? f.path("status").path("state").asText() : "stopped";
    }

    static String targets(JsonNode spec) {
        JsonNode t = spec.has("targets") ? spec.path("targets") : spec.path("target");
        if (t.isTextual()) {
            return t.asText();
        }
        List<String> out = new ArrayList<>();
        t.forEach(n -> out.add(n.asText()));
        return out.isEmpty() ? "-" : String.join(", ", out);
    }

    /** Why a forward does not run as asked: its own error, listeners that did not bind, targets down. */
    static List<String> problems(JsonNode f) {
        List<String> out = new ArrayList<>();
        String name = f.path("name").asText();
        if (f.hasNonNull("error")) {
            out.add(name + ": " + f.path("error").asText());
        }
        for (JsonNode l : f.path("status").path("listeners")) {
            if (l.hasNonNull("error")) {
                out.add(name + ": cannot listen on " + l.path("protocol").asText() + " " + l.path("address").asText() + ": "
                        + l.path("error").asText());
            }
        }
        for (JsonNode tg : f.path("status").path("targets")) {
            if (!tg.path("healthy").asBoolean(true) && tg.hasNonNull("reason")) {
                out.add(name + ": target " + tg.path("address").asText() + " down: " + tg.path("reason").asText());
            }
        }
        return out;
    }

    /** A forward as "key: value" lines, the spec as the config file writes it, then its live state. */
    static void describe(PrintWriter out, JsonNode f) {
        out.printf("forward %s (source %s, version %s)%n", f.path("name").asText(), f.path("source").asText(),
                f.path("version").asText());
        out.println("  state: " + state(f));
        Iterator<Map.Entry<String, JsonNode>> keys = f.path("spec").fields();
        while (keys.hasNext()) {
            Map.Entry<String, JsonNode> e = keys.next();
            if (!e.getKey().equals("name")) {
                out.println("  " + e.getKey() + ": " + (e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            }
        }
        JsonNode c = f.path("status").path("counters");
        if (!c.isMissingNode()) {
            out.printf("  traffic: %d open, %d total, %s in, %s out, %d refused%n",
                    c.path("openConnections").asLong() + c.path("openUdpSessions").asLong(),
                    c.path("totalConnections").asLong() + c.path("totalUdpSessions").asLong(),
                    Table.bytes(c.path("bytesIn").asLong()), Table.bytes(c.path("bytesOut").asLong()), c.path("refused").asLong());
        }
        problems(f).forEach(p -> out.println("! " + p));
        out.flush();
    }

    /** Base of the commands that act on one forward by name. */
    abstract static class OneForward extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "The forward's name, as 'portcullis forward list' shows it.")
        String name;

        String path() {
            return "/api/v1/forwards/" + ApiClient.segment(name);
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, header = "List every forward, from the file and the API.",
            footerHeading = "%nExamples:%n", footer = {"  portcullis forward list", "  portcullis forward list --json | jq '.[].name'"})
    static final class ListForwards extends ApiCommand {
        @Option(names = "--json", description = "Print the API's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            return list(api, local, spec, json);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, header = "Show one forward: its settings and live state.",
            footerHeading = "%nExamples:%n", footer = {"  portcullis forward show camera", "  portcullis forward show camera --json"})
    static final class Show extends OneForward {
        @Option(names = "--json", description = "Print the forward as JSON (source, enabled, version, spec, status).")
        boolean json;

        @Override
        public Integer call() {
            JsonNode f = api.get(local, path());
            if (json) {
                Output.json(spec.commandLine().getOut(), f);
            } else {
                describe(spec.commandLine().getOut(), f);
            }
            return 0;
        }
    }

    @Command(name = "rm", aliases = {"remove", "delete"}, mixinStandardHelpOptions = true,
            header = "Remove a forward made through the API; its open connections finish.",
            description = {"Reads the forward first and removes exactly that version (If-Match), so a change made by "
                    + "someone else in between is not removed unseen. Forwards from the config file are removed "
                    + "from the file.", ""},
            footerHeading = "%nExamples:%n", footer = "  portcullis forward rm camera")
    static final class Remove extends OneForward {
        @Override
        public Integer call() {
            try (ApiClient client = api.tokenClient(local)) {
                ApiClient.Reply current = client.getReply(path());
                client.delete(path(), current.etag().orElse("\"" + current.body().path("version").asText() + "\""));
            }
            spec.commandLine().getOut().println("removed forward " + name);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, header = "Enable a forward made through the API: it listens again.",
            footerHeading = "%nExamples:%n", footer = "  portcullis forward enable camera")
    static final class Enable extends OneForward {
        @Override
        public Integer call() {
            return toggle(this, "enable");
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            header = "Disable a forward made through the API: it stops listening; open connections finish.",
            footerHeading = "%nExamples:%n", footer = "  portcullis forward disable camera")
    static final class Disable extends OneForward {
        @Override
        public Integer call() {
            return toggle(this, "disable");
        }
    }

    private static int toggle(OneForward c, String action) {
        JsonNode f = c.api.post(c.local, c.path() + "/" + action, null);
        PrintWriter out = c.spec.commandLine().getOut();
        out.println(action + "d forward " + c.name + ": " + state(f));
        problems(f).forEach(p -> out.println("! " + p));
        out.flush();
        return 0;
    }
}
