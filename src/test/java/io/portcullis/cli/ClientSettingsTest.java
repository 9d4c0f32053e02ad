package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI takes the API's address, token and fingerprint from, and how each error answer reads. */
class ClientSettingsTest {

    private static final String FP = "AB:".repeat(31) + "AB";

    @TempDir
    Path dir;

    @Test
    void takesFlagsThenEnvironmentThenTheClientConfig() throws Exception {
        Path file = dir.resolve("client.yaml");
        Files.writeString(file, "url: https://file.example:1\ntoken: pct_file\nfingerprint: " + FP.toLowerCase() + "\n");
        Map<String, String> env = Map.of("PORTCULLIS_URL", "https://env.example:2", "PORTCULLIS_TOKEN", "pct_env");

        ClientSettings fromFile = ClientSettings.resolve(null, null, null, file, Map.of());
        assertThat(fromFile.url()).hasToString("https://file.example:1");
        assertThat(fromFile.token()).isEqualTo("pct_file");
        assertThat(fromFile.fingerprint()).isEqualTo(FP);
        assertThat(fromFile.configured()).isTrue();

        ClientSettings fromEnv = ClientSettings.resolve(null, null, null, file, env);
        assertThat(fromEnv.url()).hasToString("https://env.example:2");
        assertThat(fromEnv.token()).isEqualTo("pct_env");
        assertThat(fromEnv.urlFrom()).isEqualTo("PORTCULLIS_URL");

        ClientSettings fromFlags = ClientSettings.resolve("https://flag.example:3/", "pct_flag", null, file, env);
        assertThat(fromFlags.url()).hasToString("https://flag.example:3");
        assertThat(fromFlags.token()).isEqualTo("pct_flag");
        assertThat(fromFlags.fingerprintFrom()).isEqualTo(file.toString());
    }

    @Test
    void withNothingGivenUsesTheDefaultAddressAndIsNotConfigured() {
        ClientSettings s = ClientSettings.resolve(null, null, null, null, Map.of("XDG_CONFIG_HOME", dir.toString()));
        assertThat(s.url()).hasToString(ClientSettings.DEFAULT_URL);
        assertThat(s.configured()).isFalse();
        assertThat(ClientSettings.defaultFile(Map.of("XDG_CONFIG_HOME", "/x"))).isEqualTo(Path.of("/x/portcullis/client.yaml"));
    }

    @Test
    void refusesPlainHttpAndAMissingClientConfig() {
        assertThatThrownBy(() -> ClientSettings.resolve("http://127.0.0.1:9443", null, null, null, Map.of()))
                .hasMessageContaining("HTTPS only").hasMessageContaining("--url");
        assertThatThrownBy(() -> ClientSettings.resolve(null, null, null, dir.resolve("nope.yaml"), Map.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void explainsEachErrorStatusInWords() throws Exception {
        var json = ApiClient.JSON;
        assertThat(ApiErrors.explain(429, json.readTree("{\"message\":\"too many failed logins; try again later\"}"), "120", false))
                .isEqualTo("too many failed logins; try again later; try again in 120 seconds");
        assertThat(ApiErrors.explain(412, json.readTree("{\"message\":\"forward 'a' was changed by someone else\"}"), null, true))
                .contains("changed by someone else", "run the command again");
        assertThat(ApiErrors.explain(409, json.readTree("{\"message\":\"a forward named 'a' exists already\"}"), null, true))
                .contains("exists already");
        assertThat(ApiErrors.explain(401, json.readTree("{\"message\":\"this API token is unknown or revoked\"}"), null, true))
                .startsWith("the token is unknown or revoked").contains("portcullis token add");
        assertThat(ApiErrors.explain(400, json.readTree("{\"message\":\"the forward is not valid\",\"problems\":["
                + "{\"field\":\"listen\",\"message\":\"bad port\"},{\"field\":\"targets\",\"message\":\"missing\"}]}"), null, true))
                .isEqualTo("the gateway refused the request: the forward is not valid\n  listen: bad port\n  targets: missing");
        assertThat(ApiErrors.explain(502, json.missingNode(), null, true)).isEqualTo("the gateway answered HTTP 502");
    }
}
