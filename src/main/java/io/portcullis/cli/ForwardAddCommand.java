package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis forward add}: a new forward through the admin API, from flags or from a whole ForwardSpec
 * in JSON (the keys of a forward in the config file). The gateway checks it as it checks the file, so a bad
 * value is reported per key, and starts it at once.
 */
@Command(name = "add", aliases = "create", mixinStandardHelpOptions = true,
        header = "Add a forward through the admin API; it starts at once.",
        description = {
            "Give the forward with flags, or as a JSON ForwardSpec with --json FILE (- for standard input), which "
                    + "takes every key a forward has in the config file (docs/configuration.md): access rules, "
                    + "limits, health checks, timeouts. Flags given with --json replace the file's keys.",
            "",
            "The gateway checks the forward as it checks its config file; each problem is printed with its key, "
                    + "and the exit status is 1. A forward whose port cannot be bound is kept, and the reason printed.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {"  portcullis forward add --name camera --listen 0.0.0.0:8080 --target 192.168.1.50:8080",
            "  portcullis forward add --name dns --protocol udp --listen 53 --target 10.0.0.2:53 --target 10.0.0.3:53",
            "  portcullis forward add --name web --listen 443 --target 10.0.0.8:443 --proxy-protocol v2 --max-connections 500",
            "  portcullis forward add --json web.json",
            "  echo '{\"name\":\"ssh\",\"listen\":\"2222\",\"targets\":[\"10.0.0.5:22\"]}' | portcullis forward add --json -"})
final class ForwardAddCommand extends ApiCommand {
    @Option(names = "--name", paramLabel = "NAME", description = "A unique name: letters, digits, '.', '_', '-'.")
    String name;

    @Option(names = "--protocol", paramLabel = "PROTO", description = "tcp, udp or both (default: tcp).")
    String protocol;

    @Option(names = "--listen", paramLabel = "ADDRESS", description = "Where to listen: 0.0.0.0:8080, \"[::]:8080\", 8080, or a range 9000-9010.")
    String listen;

    @Option(names = "--target", paramLabel = "HOST:PORT", description = "Where traffic goes; repeat for several (load balanced).")
    List<String> targets;

    @Option(names = "--balance", paramLabel = "HOW", description = "round-robin, least-connections or source-hash.")
    String balance;

    @Option(names = "--proxy-protocol", paramLabel = "VERSION", description = "none, v1 or v2: tell the target the client's address (TCP only).")
    String proxyProtocol;

    @Option(names = "--max-connections", paramLabel = "N", description = "Open TCP connections allowed at once; 0 means no limit.")
    Integer maxConnections;

    @Option(names = "--json", paramLabel = "FILE", description = "A whole ForwardSpec as JSON, from FILE or '-' for standard input.")
    String jsonFile;

    @Option(names = "--output-json", description = "Print the created forward as JSON.")
    boolean printJson;

    /** Standard input, for {@code --json -}; tests put their own here. */
    InputStream stdin = System.in;

    @Override
    public Integer call() {
        ObjectNode body = jsonFile == null ? ApiClient.JSON.createObjectNode() : readSpec();
        put(body, "name", name);
        put(body, "protocol", protocol);
        put(body, "listen", listen);
        if (targets != null && !targets.isEmpty()) {
            body.remove("target");
            body.set("targets", ApiClient.JSON.valueToTree(targets));
        }
        put(body, "balance", balance);
        put(body, "proxy-protocol", proxyProtocol);
        if (maxConnections != null) {
            body.put("max-connections", maxConnections);
        }
        if (!body.hasNonNull("name")) {
            throw new Main.UserException("say the forward's name with --name NAME (or \"name\" in --json)", 2);
        }
        JsonNode created = api.post(local, "/api/v1/forwards", body);
        PrintWriter out = spec.commandLine().getOut();
        if (printJson) {
            Output.json(out, created);
        } else {
            out.printf("added forward %s: %s%n", created.path("name").asText(), ForwardCommand.state(created));
            ForwardCommand.problems(created).forEach(p -> out.println("! " + p));
            out.flush();
        }
        return ForwardCommand.problems(created).isEmpty() ? 0 : 1;
    }

    private static void put(ObjectNode body, String key, String value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    private ObjectNode readSpec() {
        String where = jsonFile.equals("-") ? "standard input" : jsonFile;
        JsonNode node;
        try (InputStream in = jsonFile.equals("-") ? stdin : Files.newInputStream(Path.of(jsonFile))) {
            node = ApiClient.JSON.readTree(in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Main.UserException("--json: no file " + jsonFile, 2);
        } catch (IOException e) {
            throw new Main.UserException("--json: " + where + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""), 2);
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new Main.UserException("--json: " + where + " must hold one JSON object, a forward such as "
                    + "{\"name\":\"camera\",\"listen\":\"8080\",\"targets\":[\"192.168.1.50:8080\"]}", 2);
        }
        return obj;
    }
}
