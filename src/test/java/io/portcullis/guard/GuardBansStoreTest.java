package io.portcullis.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.net.Cidr;
import io.portcullis.store.MemoryStore;
import io.portcullis.store.SqliteStore;
import io.portcullis.store.Store;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bans in the store: the import of the old bans file, restarts, and bans written by another writer. */
class GuardBansStoreTest {

    private static final String RULES = """
            guard:
              bans: {max-retries: 3, find-time: 1m, ban-time: 10m, factor: 2, max-ban-time: 1h}
            forwards:
              - name: web
                listen: 8080
                targets: [127.0.0.1:80]
                access:
                  rules:
                    - deny: 203.0.113.0/24
            """;

    @TempDir
    Path dir;

    private static GatewayConfig config() throws Exception {
        return ConfigLoader.parse(RULES, "test.yaml");
    }

    private static InetSocketAddress from(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 40000);
    }

    private static void offendThreeTimes(Guard g, String ip) throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(g.admit("web", true, from(ip)).refusal()).isEqualTo("rule");
        }
    }

    /** The bans file as versions before the store wrote it. */
    private void writeOldBansFile() throws Exception {
        Instant now = Instant.now();
        Files.writeString(dir.resolve("bans.json"), """
                {"version": 1,
                 "bans": [
                   {"network": "198.51.100.0/24", "since": "%s", "until": "%s", "reason": "scanner", "count": 1, "manual": true},
                   {"network": "198.51.100.200", "since": "%s", "until": "%s", "reason": "long over", "count": 1, "manual": true}],
                 "history": [{"address": "203.0.113.9", "count": 2, "last": "%s"}]}
                """.formatted(now.minusSeconds(60), now.plus(Duration.ofHours(2)), now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1)), now.minus(Duration.ofDays(1))));
    }

    @Test
    void importsTheOldBansFileOnceAndNotAgain() throws Exception {
        writeOldBansFile();
        try (SqliteStore db = SqliteStore.open(dir); Guard g = new Guard(config(), dir, db)) {
            assertThat(g.bans()).extracting(b -> b.network().toString()).containsExactly("198.51.100.0/24");
            assertThat(g.admit("web", true, from("198.51.100.7")).detail()).contains("scanner");
            assertThat(db.list("bans/")).extracting(Store.Entry::key)
                    .containsExactly("bans/active/198.51.100.0/24", "bans/history/203.0.113.9");
            offendThreeTimes(g, "203.0.113.9");
            assertThat(g.bans()).filteredOn(b -> b.network().toString().equals("203.0.113.9")).singleElement()
                    .satisfies(b -> assertThat(b.count()).as("the imported history counts").isEqualTo(3));
            g.lift(Cidr.parse("198.51.100.0/24"));
        }
        assertThat(dir.resolve("bans.json")).doesNotExist();
        assertThat(dir.resolve("bans.json.imported")).exists();

        // The old file comes back (a restored backup, say): the store already has bans, so it is not read again.
        Files.copy(dir.resolve("bans.json.imported"), dir.resolve("bans.json"));
        try (SqliteStore db = SqliteStore.open(dir); Guard g = new Guard(config(), dir, db)) {
            assertThat(g.bans()).extracting(b -> b.network().toString()).containsExactly("203.0.113.9");
            assertThat(g.admit("web", true, from("198.51.100.7")).admitted()).as("the lifted ban stays lifted").isTrue();
        }
        assertThat(dir.resolve("bans.json")).as("left alone").exists();
    }

    @Test
    void aDamagedBansFileIsMovedAsideAndTheGuardStillStarts() throws Exception {
        Files.writeString(dir.resolve("bans.json"), "{not json");
        try (SqliteStore db = SqliteStore.open(dir); Guard g = new Guard(config(), dir, db)) {
            assertThat(g.bans()).isEmpty();
            assertThat(db.list("bans/")).isEmpty();
            g.ban(Cidr.parse("198.51.100.1"), Duration.ofHours(1), "works");
        }
        assertThat(dir.resolve("bans.json")).doesNotExist();
        assertThat(dir.resolve("bans.json.damaged")).hasContent("{not json");
    }

    @Test
    void theBanLengthStillGrowsAcrossARestart() throws Exception {
        try (SqliteStore db = SqliteStore.open(dir); Guard g = new Guard(config(), dir, db)) {
            offendThreeTimes(g, "203.0.113.5");
            assertThat(g.bans()).singleElement().satisfies(b -> assertThat(Duration.between(b.since(), b.until())).isEqualTo(Duration.ofMinutes(10)));
            g.lift(Cidr.parse("203.0.113.5"));
        }
        try (SqliteStore db = SqliteStore.open(dir); Guard g = new Guard(config(), dir, db)) {
            offendThreeTimes(g, "203.0.113.5");
            assertThat(g.bans()).singleElement().satisfies(b -> {
                assertThat(b.count()).isEqualTo(2);
                assertThat(Duration.between(b.since(), b.until())).as("factor 2, as if never restarted").isEqualTo(Duration.ofMinutes(20));
            });
        }
    }

    @Test
    void enforcesABanAnotherWriterPutsInTheStoreWithinASecond() throws Exception {
        MemoryStore store = new MemoryStore();
        try (Guard g = new Guard(config(), dir, store)) {
            assertThat(g.admit("open", true, from("192.0.2.44")).admitted()).isTrue();
            Instant now = Instant.now();
            store.put("bans/active/192.0.2.0/24", ("{\"network\":\"192.0.2.0/24\",\"reason\":\"from node b\",\"since\":\"" + now
                    + "\",\"until\":\"" + now.plus(Duration.ofHours(1)) + "\",\"count\":1,\"manual\":true}").getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(g.admit("open", true, from("192.0.2.44")).detail()).contains("from node b"));
            assertThat(store.get("bans/active/192.0.2.0/24").orElseThrow().version()).as("not written back").isEqualTo(1);

            store.delete("bans/active/192.0.2.0/24");
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(g.admit("open", true, from("192.0.2.44")).admitted()).isTrue());
        }
    }

    @Test
    void ownWritesComingBackThroughTheWatchChangeNothing() throws Exception {
        MemoryStore store = new MemoryStore();
        try (Guard g = new Guard(config(), dir, store)) {
            g.ban(Cidr.parse("192.0.2.7"), Duration.ofHours(1), "first");
            g.ban(Cidr.parse("192.0.2.7"), Duration.ofHours(2), "second");
            g.lift(Cidr.parse("192.0.2.8"));
            long revision = store.revision();
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(g.bans()).singleElement().satisfies(b -> assertThat(b.reason()).isEqualTo("second"));
                assertThat(store.revision()).as("no write echoed back").isEqualTo(revision);
            });
        }
    }

    @Test
    void aMalformedBanFromAnotherWriterIsIgnored() throws Exception {
        MemoryStore store = new MemoryStore();
        try (Guard g = new Guard(config(), dir, store)) {
            store.put("bans/active/192.0.2.9", "{oops".getBytes(StandardCharsets.UTF_8));
            Instant now = Instant.now();
            store.put("bans/active/192.0.2.10", ("{\"network\":\"192.0.2.10\",\"since\":\"" + now + "\",\"until\":\""
                    + now.plusSeconds(600) + "\"}").getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(g.admit("open", true, from("192.0.2.10")).refusal()).isEqualTo("ban"));
            assertThat(g.admit("open", true, from("192.0.2.9")).admitted()).isTrue();
        }
    }
}
