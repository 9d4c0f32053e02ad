package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.Gateway;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis user add} offline on the store, and {@code backup}/{@code restore} with and without a gateway. */
class StoreCommandsTest {

    @TempDir
    Path dir;

    @Test
    void addsAUserOfflineWhoCanLogInOnceTheGatewayStarts() throws Exception {
        Path data = dir.resolve("data");
        Path pw = dir.resolve("carol.pw");
        Files.writeString(pw, LiveGateway.PASSWORD + "\n");
        LiveGateway.Run add = LiveGateway.cli("user", "add", "carol", "--role", "admin", "--offline", "--password-file", pw.toString(),
                "--data-dir", data.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("added user carol (admin) to the store in " + data);

        Gateway g = LiveGateway.startBare(data, "");
        try {
            assertThat(g.setupToken()).as("a user exists, so no setup is offered").isEmpty();
            String base = "https://127.0.0.1:" + g.adminPort();
            HttpClient http = LiveGateway.http(g.adminFingerprint().orElseThrow());
            LiveGateway.Session session = LiveGateway.login(http, base, "carol", LiveGateway.PASSWORD);
            HttpResponse<String> audit = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/audit?action=user.create"))
                    .header("Cookie", session.cookie()).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode entry = ApiClient.JSON.readTree(audit.body()).path("entries").path(0);
            assertThat(entry.path("actor").asText()).startsWith("local:");
            assertThat(entry.path("target").asText()).isEqualTo("carol");
            assertThat(entry.path("source").asText()).contains("offline");

            LiveGateway.Run held = LiveGateway.cli("user", "add", "dave", "--offline", "--password-file", pw.toString(),
                    "--data-dir", data.toString());
            assertThat(held.code()).isEqualTo(1);
            assertThat(held.err()).contains("a running gateway holds the store", "through the admin API", "token");
        } finally {
            g.stop();
        }
    }

    @Test
    void withNoApiConfiguredAddsOfflineReadingThePasswordFromStandardInput() throws Exception {
        assumeThat(System.getenv("PORTCULLIS_URL")).as("no API configured in this environment").isNull();
        assumeThat(System.getenv("PORTCULLIS_TOKEN")).isNull();
        assumeThat(ClientSettings.defaultFile(System.getenv())).doesNotExist();
        UserCommand.AddUser add = new UserCommand.AddUser();
        add.stdin = new ByteArrayInputStream((LiveGateway.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        LiveGateway.Run r = LiveGateway.command(add, "erin", "--data-dir", dir.resolve("data").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("added user erin (viewer) to the store");
    }

    @Test
    void refusesAWeakPasswordOfflineWithTheReasons() throws Exception {
        Path pw = dir.resolve("weak.pw");
        Files.writeString(pw, "carol\n");
        LiveGateway.Run add = LiveGateway.cli("user", "add", "carol", "--offline", "--password-file", pw.toString(),
                "--data-dir", dir.resolve("data").toString());
        assertThat(add.code()).isEqualTo(1);
        assertThat(add.err()).startsWith("portcullis: password: ").doesNotContain("\tat ");
    }

    @Test
    void backsUpWhileTheGatewayRunsAndRestoresOfflineWhatWasThen() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("pc-backup.db");
        String token;
        try (LiveGateway gw = LiveGateway.start(data, "")) {
            token = gw.adminToken;
            assertThat(gw.api("forward", "add", "--name", "kept", "--listen", "127.0.0.1:" + LiveGateway.freePort(),
                    "--target", "127.0.0.1:9").code()).isZero();
            LiveGateway.Run b = LiveGateway.cli("backup", backup.toString(), "--data-dir", data.toString());
            assertThat(b.code()).as(b.err()).isZero();
            assertThat(b.out()).contains("backed up the running gateway's store to " + backup);
            assertThat(backup).isNotEmptyFile();
            LiveGateway.Run again = LiveGateway.cli("backup", backup.toString(), "--data-dir", data.toString());
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err()).contains("exists already");

            assertThat(gw.api("forward", "rm", "kept").code()).isZero();
            assertThat(gw.api("forward", "add", "--name", "later", "--listen", "127.0.0.1:" + LiveGateway.freePort(),
                    "--target", "127.0.0.1:9").code()).isZero();
        }

        LiveGateway.Run r = LiveGateway.cli("restore", backup.toString(), "--data-dir", data.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("restored the store in " + data);

        Gateway g = LiveGateway.startBare(data, "");
        try {
            String url = "https://127.0.0.1:" + g.adminPort();
            LiveGateway.Run list = LiveGateway.cli("forward", "list", "--url", url, "--token", token, "--data-dir", data.toString());
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).containsPattern("kept +api +listening").doesNotContain("later");
        } finally {
            g.stop();
        }

        Path offline = dir.resolve("offline.db");
        LiveGateway.Run b = LiveGateway.cli("backup", offline.toString(), "--data-dir", data.toString());
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(b.out()).contains("(no gateway running)");
        assertThat(offline).isNotEmptyFile();
    }

    @Test
    void restoresWhileTheGatewayRunsAndAppliesTheBackupAtOnce() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("before.db");
        try (LiveGateway gw = LiveGateway.start(data, "")) {
            assertThat(LiveGateway.cli("backup", backup.toString(), "--data-dir", data.toString()).code()).isZero();
            int port = LiveGateway.freePort();
            assertThat(gw.api("forward", "add", "--name", "after", "--listen", "127.0.0.1:" + port, "--target", "127.0.0.1:9")
                    .code()).isZero();
            LiveGateway.Run r = LiveGateway.cli("restore", backup.toString(), "--data-dir", data.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("restored the running gateway's store");
            String url = "https://127.0.0.1:" + gw.gateway.adminPort();
            LiveGateway.Run list = LiveGateway.cli("forward", "list", "--url", url, "--token", gw.adminToken,
                    "--data-dir", data.toString());
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).doesNotContain("after");
        }
    }

    @Test
    void refusesToRestoreSomethingThatIsNotABackup() throws Exception {
        Path junk = dir.resolve("junk.db");
        Files.writeString(junk, "not a database");
        LiveGateway.Run r = LiveGateway.cli("restore", junk.toString(), "--data-dir", dir.resolve("data").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("portcullis: ").doesNotContain("\tat ");
        LiveGateway.Run none = LiveGateway.cli("restore", dir.resolve("absent.db").toString(), "--data-dir", dir.toString());
        assertThat(none.err()).contains("no backup file");
        LiveGateway.Run noStore = LiveGateway.cli("backup", dir.resolve("x.db").toString(), "--data-dir", dir.resolve("nothing").toString());
        assertThat(noStore.code()).isEqualTo(1);
        assertThat(noStore.err()).contains("no store in");
    }
}
