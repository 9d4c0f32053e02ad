package io.portcullis.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.Gateway;
import io.portcullis.admin.auth.Totp;
import io.portcullis.config.ConfigLoader;
import io.portcullis.forward.BindFailureExplainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code admin.require-totp}, a user who has no second factor yet can do nothing but enrol one. */
class RequireTotpTest {

    @TempDir
    Path dir;
    Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test
    void aUserWithoutASecondFactorMayOnlyEnrolOne() throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "gateway:\n  data-dir: " + data + "\n  watch-config: false\nadmin:\n  listen: 127.0.0.1:0\n  require-totp: true\n");
        gateway = new Gateway(ConfigLoader.load(file), BindFailureExplainer.PLAIN);
        gateway.start();
        ApiClient c = new ApiClient("https://127.0.0.1:" + gateway.adminPort(), data);
        String password = "granite meadow violin 42 ember";
        assertThat(c.post("/api/v1/setup", Map.of("token", gateway.setupToken().orElseThrow(), "user", "ops", "password", password))
                .status()).isEqualTo(201);
        assertThat(c.login("ops", password).status()).isEqualTo(200);
        ApiClient.Answer refused = c.get("/api/v1/status");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").asText()).isEqualTo("enrolment-required");
        assertThat(c.get("/api/v1/session").json().path("totpRequired").asBoolean()).isTrue();

        String secret = c.post("/api/v1/account/totp", null).json().path("secret").asText();
        long step = Totp.step(Instant.now());
        assertThat(c.post("/api/v1/account/totp/confirm", Map.of("code", Totp.code(secret, step))).status()).isEqualTo(200);
        assertThat(c.get("/api/v1/status").status()).isEqualTo(200);
        // Turning it off is refused where it is required.
        assertThat(c.delete("/api/v1/account/totp", Map.of("code", Totp.code(secret, step + 1))).status()).isEqualTo(403);

        ApiClient next = new ApiClient("https://127.0.0.1:" + gateway.adminPort(), data);
        assertThat(next.login("ops", password).json().path("state").asText()).isEqualTo("totp");
    }
}
