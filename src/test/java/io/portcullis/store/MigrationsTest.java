package io.portcullis.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {

    private static final int HISTORY = 10;

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    @Test
    void opensAStoreFromEveryEarlierVersionWithItsDataIntact() throws Exception {
        for (int version = 1; version < Migrations.CURRENT; version++) {
            Path file = dir.resolve("v" + version + ".db");
            long leaseId;
            try (SqliteStore old = new SqliteStore(file, clock, HISTORY, version)) {
                for (int i = 0; i < HISTORY + 5; i++) {
                    old.put("history/" + i, ("h" + i).getBytes(UTF_8));
                }
                old.deletePrefix("history/");
                old.put("users/alice", "a".getBytes(UTF_8));
                leaseId = old.grant(Duration.ofMinutes(1)).id();
                old.put("sessions/s", "s".getBytes(UTF_8), leaseId);
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                assertThat(Migrations.version(c)).as("built at version %d", version).isEqualTo(version);
            }

            try (SqliteStore current = new SqliteStore(file, clock, HISTORY, Migrations.CURRENT)) {
                long revision = 2L * (HISTORY + 5) + 2;
                assertThat(current.revision()).isEqualTo(revision);
                assertThat(current.get("users/alice")).get().extracting(Store.Entry::text).isEqualTo("a");
                assertThat(current.list("history/")).isEmpty();
                assertThatThrownBy(() -> current.watch("", revision - HISTORY - 1, e -> {}))
                        .isInstanceOf(Store.CompactedException.class);
                var events = new LinkedBlockingQueue<Store.Event>();
                current.watch("users/", revision - HISTORY, events::add).close();

                assertThat(current.revoke(leaseId)).isTrue();
                assertThat(current.get("sessions/s")).isEmpty();
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                assertThat(Migrations.version(c)).isEqualTo(Migrations.CURRENT);
            }
        }
    }

    @Test
    void upgradingTwiceChangesNothing() {
        Path file = dir.resolve("twice.db");
        new SqliteStore(file, clock, HISTORY, Migrations.CURRENT).close();
        try (SqliteStore again = new SqliteStore(file, clock, HISTORY, Migrations.CURRENT)) {
            assertThat(again.revision()).isZero();
        }
    }

    @Test
    void refusesAStoreWrittenByANewerProgram() throws Exception {
        Path file = dir.resolve("future.db");
        try (SqliteStore store = new SqliteStore(file, clock, HISTORY, Migrations.CURRENT)) {
            store.put("k", "v".getBytes(UTF_8));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (Migrations.CURRENT + 3));
        }
        assertThatThrownBy(() -> new SqliteStore(file, clock, HISTORY, Migrations.CURRENT))
                .isInstanceOf(Store.StoreException.class)
                .hasMessageContaining("newer Portcullis")
                .hasMessageContaining("schema version " + (Migrations.CURRENT + 3));
    }
}
