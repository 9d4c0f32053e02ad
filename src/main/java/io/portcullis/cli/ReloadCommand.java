package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.admin.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis reload}: make a running gateway re-read and apply its config file. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        header = "Make a running gateway re-read and apply its config file.",
        description = {
            "The new config is checked first; if it has problems they are printed, the gateway keeps "
                    + "running the old one, and the exit status is 1. Otherwise only the difference is applied: "
                    + "new forwards start, removed ones stop listening, changed ones take new connections under "
                    + "the new rules; connections already open are not dropped. Same as sending SIGHUP.",
            ""
        })
final class ReloadCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode reply;
        try {
            reply = ControlClient.send(config.controlSocket(), "reload");
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!reply.path("ok").asBoolean()) {
            err.println("portcullis: reload refused: " + reply.path("error").asText());
            for (JsonNode p : reply.path("problems")) {
                err.println("  " + p.asText());
            }
            err.flush();
            return 1;
        }
        JsonNode r = reply.path("result");
        out.printf("reloaded: started %s, changed %s, stopped %s, unchanged %d%n", list(r.path("started")),
                list(r.path("changed")), list(r.path("stopped")), r.path("unchanged").size());
        for (JsonNode f : r.path("bindFailures")) {
            out.println("! cannot listen: " + f.asText());
        }
        for (JsonNode n : r.path("notes")) {
            out.println("note: " + n.asText());
        }
        out.flush();
        return r.path("bindFailures").isEmpty() ? 0 : 1;
    }

    private static String list(JsonNode arr) {
        if (arr.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        arr.forEach(n -> sb.append(sb.isEmpty() ? "" : ", ").append(n.asText()));
        return sb.toString();
    }
}
