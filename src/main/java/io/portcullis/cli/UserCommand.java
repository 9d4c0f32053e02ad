package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.admin.auth.AccountException;
import io.portcullis.admin.auth.Role;
import io.portcullis.admin.auth.User;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis user}: the people who may use the dashboard and the API. Through the admin API with an admin
 * token; {@code user add} also works with no gateway running, straight on the store in the data directory.
 */
@Command(name = "user", aliases = "users", mixinStandardHelpOptions = true,
        header = "List, add and remove the admin API's users.",
        description = {
            "Users log in to the dashboard and the API; an admin changes everything, a viewer only reads. "
                    + "list and rm use the admin API with an admin token. add does too when an API URL or token is "
                    + "configured; otherwise (or with --offline) it writes the user straight into the store in the "
                    + "data directory, which works only while no gateway runs: the way to make the first admin.",
            "",
            "Passwords are never flags: they are read from the terminal without echo, or from --password-file, or "
                    + "from standard input when it is not a terminal.",
            ""
        },
        subcommands = {UserCommand.ListUsers.class, UserCommand.AddUser.class, UserCommand.RemoveUser.class},
        footerHeading = "%nExamples:%n",
        footer = {"  portcullis user list", "  portcullis user add alice --role admin",
            "  portcullis user add bob --password-file /run/secrets/bob", "  pass show pc/carol | portcullis user add carol",
            "  sudo -u portcullis portcullis user add admin --role admin --offline -c /etc/portcullis/portcullis.yaml",
            "  portcullis user rm bob"})
final class UserCommand extends ApiCommand {
    @Override
    public Integer call() {
        return ListUsers.list(api, local, spec, false);
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, header = "List the users (needs an admin token).")
    static final class ListUsers extends ApiCommand {
        @Option(names = "--json", description = "Print the users as JSON.")
        boolean json;

        @Override
        public Integer call() {
            return list(api, local, spec, json);
        }

        static int list(ApiOptions api, ConfigOption local, CommandSpec spec, boolean json) {
            JsonNode users = api.get(local, "/api/v1/users");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.json(out, users);
                return 0;
            }
            Table t = new Table("NAME", "ROLE", "2FA", "CREATED", "LAST LOGIN");
            for (JsonNode u : users) {
                t.row(u.path("name").asText(), u.path("role").asText(), u.path("totpEnabled").asBoolean() ? "totp" : "-",
                        Output.time(u, "createdAt"), Output.time(u, "lastLogin"));
            }
            t.print(out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, header = "Add a user, through the API or offline on the store.",
            description = {"The password must be at least 12 characters, not a common or breached one, and not "
                    + "guessable from the name; the gateway says what is wrong with a refused one.", ""},
            footerHeading = "%nExamples:%n",
            footer = {"  portcullis user add alice --role admin", "  portcullis user add bob --password-file bob.pw",
                "  portcullis user add admin --role admin --offline --data-dir /var/lib/portcullis"})
    static final class AddUser extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "The user's login name.")
        String name;

        @Option(names = "--role", paramLabel = "ROLE", defaultValue = "viewer",
                description = "admin (changes everything) or viewer (reads only). Default: ${DEFAULT-VALUE}.")
        String role;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
        Path passwordFile;

        @Option(names = "--offline", description = "Write into the store in the data directory even when an API is "
                + "configured (no gateway may be running).")
        boolean offline;

        /** Standard input, for a piped password; tests put their own here. */
        InputStream stdin = System.in;

        @Override
        public Integer call() {
            Role r;
            try {
                r = Role.of(role);
            } catch (AccountException e) {
                throw new Main.UserException("--role: " + role + " (expected: admin or viewer)", 2);
            }
            boolean useApi = !offline && api.configured();
            String password = Passwords.read(passwordFile, stdin, "Password for " + name, true);
            PrintWriter out = spec.commandLine().getOut();
            if (useApi) {
                try (ApiClient client = api.tokenClient(local)) {
                    client.post("/api/v1/users", Map.of("name", name, "password", password, "role", r.json()));
                } catch (Main.UserException e) {
                    if (e.getMessage().startsWith("cannot connect")) {
                        throw new Main.UserException(e.getMessage() + "\nWith no gateway running, add the user to the store "
                                + "directly with --offline.");
                    }
                    throw e;
                }
                out.printf("added user %s (%s)%n", name, r.json());
            } else {
                User u = OfflineUsers.add(local.dataDir(), name, password, r);
                out.printf("added user %s (%s) to the store in %s; it can log in when the gateway starts%n", u.name(),
                        r.json(), local.dataDir());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "rm", aliases = {"remove", "delete"}, mixinStandardHelpOptions = true,
            header = "Remove a user; their sessions and API tokens end (needs an admin token).",
            footerHeading = "%nExamples:%n", footer = "  portcullis user rm bob")
    static final class RemoveUser extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "The user's login name.")
        String name;

        @Override
        public Integer call() {
            try (ApiClient client = api.tokenClient(local)) {
                client.delete("/api/v1/users/" + ApiClient.segment(name), null);
            }
            spec.commandLine().getOut().println("removed user " + name + "; their sessions and tokens have ended");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
