package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis token}: API tokens for scripts, Prometheus and this CLI. A token belongs to a user and is
 * made by that user logged in (the API does not let one token make another), so {@code token add} logs in with
 * {@code --user}; listing and revoking work with a token too.
 */
@Command(name = "token", aliases = "tokens", mixinStandardHelpOptions = true,
        header = "List, make and revoke API tokens.",
        description = {
            "A token lets a script or this CLI use the admin API without a password: scope 'read' may only read, "
                    + "scope 'admin' may change what its user may change. The token is shown once, when made; the "
                    + "gateway keeps only its hash.",
            "",
            "Making a token needs its user's login: --user NAME, with the password from the terminal, "
                    + "--password-file or standard input (and --totp-code when the account has a second factor). "
                    + "list and rm work with a token or a login.",
            ""
        },
        subcommands = {TokenCommand.ListTokens.class, TokenCommand.AddToken.class, TokenCommand.RemoveToken.class},
        footerHeading = "%nExamples:%n",
        footer = {"  portcullis token add laptop --scope admin --user alice",
            "  portcullis token add prometheus --scope read --user alice --password-file alice.pw",
            "  portcullis token list", "  portcullis token rm 7f3a9c2e"})
final class TokenCommand extends ApiCommand {
    @Override
    public Integer call() {
        return ListTokens.list(api, local, new Login(), spec, false);
    }

    /** {@code --user}, {@code --password-file}, {@code --totp-code}: a login instead of a token. */
    static final class Login {
        @Option(names = {"-u", "--user"}, paramLabel = "NAME", description = "Log in as this user instead of using a token.")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE", description = "With --user: read the password from the first line of FILE.")
        Path passwordFile;

        @Option(names = "--totp-code", paramLabel = "CODE",
                description = "With --user: the current TOTP code (or a recovery code) when the account has a second factor; "
                        + "asked on the terminal otherwise.")
        String totpCode;

        /** Standard input, for a piped password; tests put their own here. */
        InputStream stdin = System.in;

        /** A client that is logged in as {@link #user} when one is given, else carries the configured token. */
        ApiClient connect(ApiOptions api, ConfigOption local) {
            if (user == null) {
                return api.tokenClient(local);
            }
            String password = Passwords.read(passwordFile, stdin, "Password for " + user, false);
            ApiClient client = api.client(local);
            try {
                client.login(user, password, () -> totpCode != null ? totpCode : Passwords.askLine("Code from your authenticator app", "--totp-code"));
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            return client;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
            header = "List API tokens (an admin sees all, others their own).")
    static final class ListTokens extends ApiCommand {
        @Mixin
        Login login;

        @Option(names = "--json", description = "Print the tokens as JSON.")
        boolean json;

        @Override
        public Integer call() {
            return list(api, local, login, spec, json);
        }

        static int list(ApiOptions api, ConfigOption local, Login login, CommandSpec spec, boolean json) {
            JsonNode tokens;
            try (ApiClient client = login.connect(api, local)) {
                tokens = client.get("/api/v1/tokens");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.json(out, tokens);
                return 0;
            }
            if (tokens.isEmpty()) {
                out.println("no API tokens (make one with 'portcullis token add NAME --user YOU')");
                out.flush();
                return 0;
            }
            Table t = new Table("ID", "NAME", "SCOPE", "USER", "CREATED", "LAST USED");
            for (JsonNode tk : tokens) {
                t.row(tk.path("id").asText(), tk.path("name").asText(), tk.path("scope").asText(), tk.path("user").asText(),
                        Output.time(tk, "createdAt"), Output.time(tk, "lastUsed"));
            }
            t.print(out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "add", aliases = "create", mixinStandardHelpOptions = true,
            header = "Make an API token for a user (logs in as that user); it is shown once.",
            footerHeading = "%nExamples:%n",
            footer = {"  portcullis token add laptop --scope admin --user alice",
                "  portcullis token add grafana --user alice --password-file alice.pw --json"})
    static final class AddToken extends ApiCommand {
        @Mixin
        Login login;

        @Parameters(paramLabel = "NAME", description = "What the token is for, e.g. laptop, backup-script.")
        String name;

        @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "read",
                description = "read (may only read) or admin (may change what the user may). Default: ${DEFAULT-VALUE}.")
        String scope;

        @Option(names = "--json", description = "Print the answer as JSON (with the token).")
        boolean json;

        @Override
        public Integer call() {
            if (login.user == null) {
                throw new Main.UserException("a token is made by its user, logged in: give --user NAME (an API token "
                        + "cannot make tokens)", 2);
            }
            JsonNode made;
            try (ApiClient client = login.connect(api, local)) {
                made = client.post("/api/v1/tokens", Map.of("name", name, "scope", scope));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.json(out, made);
                return 0;
            }
            out.printf("made %s token '%s' (id %s) for %s:%n%n  %s%n%n", made.path("scope").asText(), made.path("name").asText(),
                    made.path("id").asText(), login.user, made.path("token").asText());
            out.println("It is shown only now; the gateway keeps only its hash. To use it from this CLI, put it in "
                    + ClientSettings.defaultFile(System.getenv()) + " (keep the file private: chmod 600):");
            out.println("  url: " + api.settings().url());
            out.println("  token: " + made.path("token").asText());
            out.println("or set PORTCULLIS_TOKEN.");
            out.flush();
            return 0;
        }
    }

    @Command(name = "rm", aliases = {"revoke", "remove"}, mixinStandardHelpOptions = true,
            header = "Revoke an API token at once (yours, or any as an admin).",
            footerHeading = "%nExamples:%n", footer = "  portcullis token rm 7f3a9c2e")
    static final class RemoveToken extends ApiCommand {
        @Mixin
        Login login;

        @Parameters(paramLabel = "ID", description = "The token's id, as 'portcullis token list' shows it.")
        String id;

        @Override
        public Integer call() {
            try (ApiClient client = login.connect(api, local)) {
                client.delete("/api/v1/tokens/" + ApiClient.segment(id), null);
            }
            spec.commandLine().getOut().println("revoked token " + id);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
