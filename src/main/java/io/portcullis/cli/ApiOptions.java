package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --url}, {@code --token}, {@code --fingerprint} and {@code --client-config}: how a command reaches the
 * admin API. Each falls back to the environment and then the client config file, see {@link ClientSettings}.
 */
final class ApiOptions {

    @Option(names = "--url", paramLabel = "URL",
            description = "The admin API, e.g. https://127.0.0.1:9443. Default: $PORTCULLIS_URL, else 'url:' in the "
                    + "client config, else " + ClientSettings.DEFAULT_URL + ".")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "An API token (pct_...). Default: $PORTCULLIS_TOKEN, else 'token:' in the client config.")
    String token;

    @Option(names = "--fingerprint", paramLabel = "SHA256",
            description = "The SHA-256 fingerprint of the gateway's certificate, as it prints at start (AB:CD:...); "
                    + "only that certificate is trusted. Default: $PORTCULLIS_FINGERPRINT, else 'fingerprint:' in the "
                    + "client config, else (for a loopback URL) the local gateway's own certificate in its data "
                    + "directory, else the certificate authorities this Java trusts.")
    String fingerprint;

    @Option(names = "--client-config", paramLabel = "FILE",
            description = "The client config (YAML with url, token, fingerprint). Default: "
                    + "~/.config/portcullis/client.yaml, when it exists.")
    Path clientConfig;

    /** The resolved settings. */
    ClientSettings settings() {
        return ClientSettings.resolve(url, token, fingerprint, clientConfig, System.getenv());
    }

    /** Whether a URL or token was given anywhere, so the user means the API. */
    boolean configured() {
        return settings().configured();
    }

    /** A client; the data directory of {@code local} may supply the certificate's fingerprint. */
    ApiClient client(ConfigOption local) {
        ClientSettings s = settings();
        return ApiClient.open(s, local == null ? null : local.dataDir());
    }

    /** A client that must carry a token: the routes behind it answer 401 to anyone else. */
    ApiClient tokenClient(ConfigOption local) {
        ClientSettings s = settings();
        if (s.token() == null) {
            throw new Main.UserException("no API token: " + ApiErrors.TOKEN_HINT, 2);
        }
        return ApiClient.open(s, local == null ? null : local.dataDir());
    }

    /** One GET with the token, for commands that make a single call. */
    JsonNode get(ConfigOption local, String path) {
        try (ApiClient client = tokenClient(local)) {
            return client.get(path);
        }
    }

    /** One POST with the token, for commands that make a single call. */
    JsonNode post(ConfigOption local, String path, Object body) {
        try (ApiClient client = tokenClient(local)) {
            return client.post(path, body);
        }
    }
}
