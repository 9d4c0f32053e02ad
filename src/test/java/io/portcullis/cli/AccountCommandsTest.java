package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.admin.auth.Totp;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis token ...} and {@code user ...} through a real gateway's API, and how the client finds and
 * trusts the API: flags, client config, the local certificate, a wrong fingerprint, no gateway at all.
 */
class AccountCommandsTest {

    @TempDir
    static Path dir;

    private static LiveGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = LiveGateway.start(dir.resolve("data"), "");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String tokenIn(String out) {
        Matcher m = Pattern.compile("(pct_\\S+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    @Test
    void makesAReadOnlyTokenByLoggingInWhichMayListButNotChange() {
        LiveGateway.Run add = gw.api("token", "add", "script", "--scope", "read", "--user", LiveGateway.ADMIN,
                "--password-file", gw.passwordFile.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("made read token 'script'", "shown only now", "token: pct_", "client.yaml");
        String readOnly = tokenIn(add.out());

        LiveGateway.Run list = gw.withToken(readOnly, "token", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("ID +NAME +SCOPE +USER +CREATED +LAST USED")
                .containsPattern("script +read +admin").containsPattern("tests +admin +admin");
        String id = list.out().lines().filter(l -> l.contains(" script ")).findFirst().orElseThrow().split(" +")[0];

        LiveGateway.Run rmWithReadOnly = gw.withToken(readOnly, "token", "rm", id);
        assertThat(rmWithReadOnly.code()).isEqualTo(1);
        assertThat(rmWithReadOnly.err()).startsWith("portcullis: not allowed: ").contains("read-only");
        LiveGateway.Run userWithReadOnly = gw.withToken(readOnly, "user", "rm", "nobody");
        assertThat(userWithReadOnly.code()).isEqualTo(1);
        assertThat(userWithReadOnly.err()).contains("not allowed: this API token is read-only");

        LiveGateway.Run rm = gw.api("token", "rm", id);
        assertThat(rm.code()).as(rm.err()).isZero();
        assertThat(rm.out()).contains("revoked token " + id);
        LiveGateway.Run revoked = gw.withToken(readOnly, "token", "list");
        assertThat(revoked.code()).isEqualTo(1);
        assertThat(revoked.err()).contains("the token is unknown or revoked", "portcullis token add");
    }

    @Test
    void logsInWithASecondFactorCodeOrARecoveryCodeToMakeAToken() throws Exception {
        Path pw = dir.resolve("tina.pw");
        Files.writeString(pw, "Hq4$wTz8-Nc3pLv!\n");
        assertThat(gw.api("user", "add", "tina", "--role", "admin", "--password-file", pw.toString()).code()).isZero();
        var http = LiveGateway.http(gw.fingerprint);
        var session = LiveGateway.login(http, gw.url, "tina", "Hq4$wTz8-Nc3pLv!");
        String secret = LiveGateway.call(http, gw.url, "POST", "/api/v1/account/totp", null, session, 200).path("secret").asText();
        long step = Totp.step(Instant.now());
        JsonNode confirmed = LiveGateway.call(http, gw.url, "POST", "/api/v1/account/totp/confirm",
                Map.of("code", Totp.code(secret, step)), session, 200);

        LiveGateway.Run noCode = gw.api("token", "add", "t0", "--user", "tina", "--password-file", pw.toString());
        assertThat(noCode.code()).isEqualTo(2);
        assertThat(noCode.err()).contains("second factor", "--totp-code");

        LiveGateway.Run withCode = gw.api("token", "add", "t1", "--user", "tina", "--password-file", pw.toString(),
                "--totp-code", Totp.code(secret, step + 1));
        assertThat(withCode.code()).as(withCode.err()).isZero();
        assertThat(withCode.out()).contains("made read token 't1'", "for tina");

        LiveGateway.Run withRecovery = gw.api("token", "add", "t2", "--user", "tina", "--password-file", pw.toString(),
                "--totp-code", confirmed.path("recoveryCodes").path(0).asText());
        assertThat(withRecovery.code()).as(withRecovery.err()).isZero();

        LiveGateway.Run reused = gw.api("token", "add", "t3", "--user", "tina", "--password-file", pw.toString(),
                "--totp-code", confirmed.path("recoveryCodes").path(0).asText());
        assertThat(reused.code()).isEqualTo(1);
        assertThat(reused.err()).contains("recovery code");
        assertThat(gw.api("user", "rm", "tina").code()).isZero();
    }

    @Test
    void aWrongPasswordIsSaidPlainly() {
        LiveGateway.Run r = LiveGateway.command(new TokenCommand.ListTokens(),
                gw.withApi(gw.adminToken, "--user", LiveGateway.ADMIN, "--password-file", writeLine("wrong.pw", "not-the-password")));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("portcullis: wrong user name or password");
    }

    private static String writeLine(String name, String line) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, line + "\n");
            return p.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aTokenCannotMakeATokenAndSaysToLogIn() {
        LiveGateway.Run add = gw.api("token", "add", "nope");
        assertThat(add.code()).isEqualTo(2);
        assertThat(add.err()).contains("give --user NAME");
        LiveGateway.Run wrong = gw.api("token", "add", "nope", "--user", LiveGateway.ADMIN, "--password-file", dir.resolve("missing").toString());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("cannot read --password-file");
    }

    @Test
    void addsListsAndRemovesUsersThroughTheApi() throws IOException {
        Path pw = dir.resolve("bob.pw");
        Files.writeString(pw, "Vx7!pLq2#Zr9-wKm\n");
        LiveGateway.Run add = gw.api("user", "add", "bob", "--role", "viewer", "--password-file", pw.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("added user bob (viewer)");
        assertThat(gw.api("user", "list").out()).containsPattern("NAME +ROLE +2FA +CREATED +LAST LOGIN")
                .containsPattern("bob +viewer +- +\\d{4}-").containsPattern("admin +admin");

        LiveGateway.Run twice = gw.api("user", "add", "bob", "--password-file", pw.toString());
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err()).contains("bob");

        Path weak = dir.resolve("weak.pw");
        Files.writeString(weak, "password\n");
        LiveGateway.Run refused = gw.api("user", "add", "carol", "--password-file", weak.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("the gateway refused the request", "\n  password: ");

        LiveGateway.Run rm = gw.api("user", "rm", "bob");
        assertThat(rm.code()).as(rm.err()).isZero();
        assertThat(gw.api("user", "list").out()).doesNotContain("bob");
        assertThat(gw.api("user", "rm", "bob").err()).contains("no user named bob");
    }

    @Test
    void refusesAWrongFingerprintShowingBoth() {
        String wrong = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
        LiveGateway.Run r = LiveGateway.cli("forward", "list", "--url", gw.url, "--token", gw.adminToken, "--fingerprint", wrong);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(gw.fingerprint, wrong, "--fingerprint").doesNotContain("\tat ");
        LiveGateway.Run garbage = LiveGateway.cli("forward", "list", "--url", gw.url, "--fingerprint", "abc");
        assertThat(garbage.code()).isEqualTo(2);
        assertThat(garbage.err()).contains("not a SHA-256 fingerprint");
    }

    @Test
    void acceptsAFingerprintInLowerCaseWithoutColons() {
        String plain = gw.fingerprint.replace(":", "").toLowerCase();
        LiveGateway.Run r = LiveGateway.cli("forward", "list", "--url", gw.url, "--token", gw.adminToken, "--fingerprint", plain);
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void onLoopbackTrustsTheLocalGatewaysCertificateFromItsDataDirectory() {
        LiveGateway.Run r = LiveGateway.cli("forward", "list", "--url", gw.url, "--token", gw.adminToken,
                "--data-dir", gw.dataDir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        LiveGateway.Run elsewhere = LiveGateway.cli("forward", "list", "--url", gw.url, "--token", gw.adminToken,
                "--data-dir", dir.resolve("empty").toString());
        assertThat(elsewhere.code()).isEqualTo(1);
        assertThat(elsewhere.err()).contains("cannot trust the certificate", "--fingerprint");
    }

    @Test
    void readsTheClientConfigWithFlagsTakingPrecedence() throws IOException {
        Path config = dir.resolve("client.yaml");
        Files.writeString(config, "url: %s\ntoken: %s\nfingerprint: %s\n".formatted(gw.url, gw.adminToken, gw.fingerprint));
        LiveGateway.Run r = LiveGateway.cli("user", "list", "--client-config", config.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("admin");
        LiveGateway.Run status = LiveGateway.cli("status", "--client-config", config.toString());
        assertThat(status.code()).as("a configured API is used by status without --api: " + status.err()).isZero();
        LiveGateway.Run flag = LiveGateway.cli("user", "list", "--client-config", config.toString(), "--token", "pct_bogus");
        assertThat(flag.code()).isEqualTo(1);
        assertThat(flag.err()).contains("the token is unknown or revoked");

        Files.writeString(config, "url: %s\ntokn: x\n".formatted(gw.url));
        LiveGateway.Run typo = LiveGateway.cli("user", "list", "--client-config", config.toString());
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown key 'tokn'");
    }

    @Test
    void saysTheGatewayIsNotRunningWhenNothingListens() throws IOException {
        String url = "https://127.0.0.1:" + LiveGateway.freePort();
        LiveGateway.Run r = LiveGateway.cli("forward", "list", "--url", url, "--token", "pct_x", "--fingerprint", gw.fingerprint);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot connect to " + url, "is the gateway running?", "admin API listens on")
                .doesNotContain("\tat ");
        LiveGateway.Run noToken = LiveGateway.cli("forward", "list", "--url", url, "--client-config", writeEmpty());
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("no API token", "portcullis token add");
    }

    private static String writeEmpty() throws IOException {
        Path empty = dir.resolve("empty-client.yaml");
        Files.writeString(empty, "# nothing yet\n");
        return empty.toString();
    }
}
