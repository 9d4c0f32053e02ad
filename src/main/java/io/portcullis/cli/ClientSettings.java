package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the admin API is and how to prove who we are: the URL, the API token and the certificate
 * fingerprint, each taken from the first of the command line, the environment ({@code PORTCULLIS_URL},
 * {@code PORTCULLIS_TOKEN}, {@code PORTCULLIS_FINGERPRINT}) and the client config file
 * ({@code ~/.config/portcullis/client.yaml}, or {@code --client-config FILE}). Each value remembers where it came
 * from, so an error can say which setting to fix.
 *
 * @param url the API's base address, e.g. https://127.0.0.1:9443
 * @param token the API token (pct_...), or null
 * @param fingerprint the pinned SHA-256 certificate fingerprint (upper-case hex with colons), or null
 * @param configured whether a URL or token was given anywhere (then commands use the API rather than the socket)
 * @param urlFrom where the URL came from, for messages
 * @param fingerprintFrom where the fingerprint came from, for messages
 */
record ClientSettings(URI url, String token, String fingerprint, boolean configured, String urlFrom,
                      String fingerprintFrom) {

    /** The address when none is given: the gateway's default admin.listen. */
    static final String DEFAULT_URL = "https://127.0.0.1:9443";

    private static final Set<String> KEYS = Set.of("url", "token", "fingerprint");

    /**
     * Resolves the settings.
     *
     * @param flagUrl {@code --url}, or null; likewise the other flags
     * @param clientConfig {@code --client-config}, or null for the default file (which may be absent)
     * @param env the environment ({@link System#getenv()} outside tests)
     */
    static ClientSettings resolve(String flagUrl, String flagToken, String flagFingerprint, Path clientConfig,
                                  Map<String, String> env) {
        Map<String, String> file = readFile(clientConfig == null ? defaultFile(env) : clientConfig, clientConfig != null);
        String fileLabel = clientConfig == null ? defaultFile(env).toString() : clientConfig.toString();
        String[] url = pick(flagUrl, "--url", env.get("PORTCULLIS_URL"), "PORTCULLIS_URL", file.get("url"), fileLabel);
        String[] token = pick(flagToken, "--token", env.get("PORTCULLIS_TOKEN"), "PORTCULLIS_TOKEN", file.get("token"), fileLabel);
        String[] fp = pick(flagFingerprint, "--fingerprint", env.get("PORTCULLIS_FINGERPRINT"), "PORTCULLIS_FINGERPRINT",
                file.get("fingerprint"), fileLabel);
        boolean configured = url[0] != null || token[0] != null;
        URI uri = parseUrl(url[0] == null ? DEFAULT_URL : url[0], url[1] == null ? "the default" : url[1]);
        return new ClientSettings(uri, token[0], fp[0] == null ? null : normalise(fp[0], fp[1]), configured,
                url[1] == null ? "the default" : url[1], fp[1]);
    }

    /** {@code $XDG_CONFIG_HOME/portcullis/client.yaml}, else {@code ~/.config/portcullis/client.yaml}. */
    static Path defaultFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("portcullis").resolve("client.yaml");
    }

    /** "AB:CD:..." from "ab:cd..." or "abcd...": 32 bytes of hex, as the gateway prints it. */
    static String normalise(String fingerprint, String from) {
        String hex = fingerprint.replace(":", "").strip().toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new Main.UserException("fingerprint from " + from + " is not a SHA-256 fingerprint: '" + fingerprint
                    + "' (expected: 32 hex bytes such as 3F:A2:...:9C, as the gateway prints at start)", 2);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            sb.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return sb.toString();
    }

    private static String[] pick(String flag, String flagName, String env, String envName, String file, String fileName) {
        if (flag != null && !flag.isBlank()) {
            return new String[] {flag.strip(), flagName};
        }
        if (env != null && !env.isBlank()) {
            return new String[] {env.strip(), envName};
        }
        if (file != null && !file.isBlank()) {
            return new String[] {file.strip(), fileName};
        }
        return new String[] {null, null};
    }

    private static URI parseUrl(String text, String from) {
        try {
            URI u = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("expected: https://HOST:PORT, e.g. " + DEFAULT_URL);
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("URL from " + from + " is not usable: '" + text + "' ("
                    + (e.getMessage().startsWith("expected") ? e.getMessage() : "expected: https://HOST:PORT, e.g. " + DEFAULT_URL)
                    + "; the admin API speaks HTTPS only)", 2);
        }
    }

    private static Map<String, String> readFile(Path file, boolean mustExist) {
        if (!Files.exists(file)) {
            if (mustExist) {
                throw new Main.UserException("client config " + file + " does not exist", 2);
            }
            return Map.of();
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new Main.UserException("cannot read client config " + file + ": " + e.getMessage()
                    + " (expected: YAML with url, token and fingerprint)", 2);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new Main.UserException("client config " + file + " must be a YAML mapping with url, token and fingerprint", 2);
        }
        Map<String, String> out = new java.util.HashMap<>();
        var fields = root.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!KEYS.contains(e.getKey())) {
                throw new Main.UserException("client config " + file + ": unknown key '" + e.getKey()
                        + "' (expected: url, token, fingerprint)", 2);
            }
            if (!e.getValue().isValueNode()) {
                throw new Main.UserException("client config " + file + ": '" + e.getKey() + "' must be a single value", 2);
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
