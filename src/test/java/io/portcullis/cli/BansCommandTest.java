package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.store.SqliteStore;
import io.portcullis.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portcullis bans} with no gateway running: it edits the store in the data directory itself. */
class BansCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run bans(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 3];
        all[0] = "bans";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--data-dir";
        all[args.length + 2] = dir.toString();
        int code = cli.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void addsListsAndLiftsBansInTheStoreWithNoGatewayRunning() throws Exception {
        assertThat(bans("list").out()).contains("no bans in force");
        assertThat(dir.resolve(SqliteStore.FILE_NAME)).as("listing nothing creates nothing").doesNotExist();

        Run add = bans("add", "203.0.113.7", "--for", "1d", "--reason", "ssh scanner");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("banned 203.0.113.7 until");
        assertThat(bans("add", "198.51.100.0/24", "--for", "2h").code()).isZero();

        JsonNode list = new ObjectMapper().readTree(bans("list", "--json").out());
        assertThat(list).extracting(b -> b.path("network").asText()).containsExactly("198.51.100.0/24", "203.0.113.7");
        assertThat(bans().out()).contains("203.0.113.7", "ssh scanner", "hand");

        assertThat(bans("lift", "198.51.100.0/24").out()).contains("lifted the ban on 198.51.100.0/24");
        assertThat(bans("lift", "198.51.100.0/24").code()).isEqualTo(1);
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.list("bans/active/")).extracting(Store.Entry::key).containsExactly("bans/active/203.0.113.7");
            assertThat(store.get("bans/active/203.0.113.7").orElseThrow().text()).contains("ssh scanner");
        }
        assertThat(dir.resolve("bans.json")).doesNotExist();
    }

    @Test
    void saysSoWhenARunningGatewayHoldsTheStoreButItsSocketDoesNotAnswer() {
        try (SqliteStore held = SqliteStore.open(dir)) {
            Run add = bans("add", "203.0.113.7");
            assertThat(add.code()).isEqualTo(1);
            assertThat(add.err()).contains("a running gateway holds the store", dir.resolve("control.sock").toString())
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void refusesBadInputWithoutTouchingTheStore() {
        Run bad = bans("add", "10.0.0.0/33");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("/33").doesNotContain("Exception");
        assertThat(dir.resolve(SqliteStore.FILE_NAME)).doesNotExist();
    }
}
