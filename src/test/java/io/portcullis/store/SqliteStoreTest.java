package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContractTest {

    @TempDir
    Path dir;

    @Override
    Store newStore(FakeClock clock, int historyLimit) {
        return new SqliteStore(dir.resolve(SqliteStore.FILE_NAME), clock, historyLimit, Migrations.CURRENT);
    }

    @Override
    void sweep(Store store) {
        ((SqliteStore) store).sweepExpired();
    }

    private Store reopen() {
        store.close();
        store = newStore(clock, HISTORY_LIMIT);
        return store;
    }

    @Test
    void keepsKeysLeasesRevisionAndHistoryAcrossReopen() throws InterruptedException {
        store.put("users/alice", bytes("a"));
        Store.Lease lease = store.grant(Duration.ofSeconds(30));
        store.put("sessions/s1", bytes("s"), lease.id());
        store.delete("users/alice");
        store.put("users/bob", bytes("b"));

        Store again = reopen();
        assertThat(again.revision()).isEqualTo(4);
        assertThat(keys(again.list(""))).containsExactly("sessions/s1", "users/bob");
        assertThat(again.get("sessions/s1")).get().extracting(Store.Entry::lease).isEqualTo(lease.id());
        var events = new java.util.concurrent.LinkedBlockingQueue<Store.Event>();
        again.watch("users/", 0, events::add);
        assertThat(next(events).type()).isEqualTo(Store.Event.Type.PUT);
        assertThat(next(events).type()).isEqualTo(Store.Event.Type.DELETE);

        clock.advance(Duration.ofSeconds(31));
        sweep(again);
        assertThat(again.get("sessions/s1")).isEmpty();
        assertThat(again.grant(Duration.ofSeconds(1)).id()).isGreaterThan(lease.id());
    }

    @Test
    void keepsTheHistoryCutAcrossReopen() {
        for (int i = 0; i < HISTORY_LIMIT + 5; i++) {
            store.put("k", bytes(Integer.toString(i)));
        }
        Store again = reopen();
        assertThatThrownBy(() -> again.watch("", 4, e -> {})).isInstanceOf(Store.CompactedException.class);
        again.watch("", 5, e -> {}).close();
    }

    @Test
    void usesWalModeAndFullSync() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
        assertThat(((SqliteStore) store).file()).hasFileName("portcullis.db");
    }

    @Test
    void refusesAFileThatIsNotADatabaseAndLeavesIt() throws Exception {
        Path notes = dir.resolve("elsewhere").resolve(SqliteStore.FILE_NAME);
        Files.createDirectories(notes.getParent());
        byte[] text = "these are my notes, not a database\n".repeat(200).getBytes();
        Files.write(notes, text);

        assertThatThrownBy(() -> SqliteStore.open(notes.getParent()))
                .isInstanceOf(Store.StoreException.class)
                .hasMessageContaining("cannot open the store at " + notes.toAbsolutePath())
                .hasMessageContaining("not a SQLite database");
        assertThat(Files.readAllBytes(notes)).isEqualTo(text);
    }

    @Test
    void refusesAnotherProgramsSqliteDatabase() throws Exception {
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)");
        }
        assertThatThrownBy(() -> new SqliteStore(other, clock, 10, Migrations.CURRENT))
                .isInstanceOf(Store.StoreException.class).hasMessageContaining("not a Portcullis store");
    }

    @Test
    void saysWhenTheDataDirectoryCannotBeOpened() {
        Path missing = dir.resolve("no/such/dir/portcullis.db");
        assertThatThrownBy(() -> new SqliteStore(missing, clock, 10, Migrations.CURRENT))
                .isInstanceOf(Store.StoreException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("cannot be opened")
                .hasMessageContaining("does not exist");
    }

    @Test
    void refusesASecondWriterOnTheSameFile() {
        assertThatThrownBy(() -> newStore(clock, HISTORY_LIMIT))
                .isInstanceOf(Store.StoreException.class)
                .hasMessageContaining("another Portcullis has this store open");
        store.put("still", bytes("works"));
        assertThat(reopen().get("still")).isPresent();
    }

    @Test
    void explainsSqliteErrorsInWords() {
        assertThat(SqliteFiles.failure("cannot write users/alice in the store at /x/portcullis.db",
                new SQLiteException("[SQLITE_FULL] database or disk is full", SQLiteErrorCode.SQLITE_FULL)))
                .hasMessage("cannot write users/alice in the store at /x/portcullis.db: the disk is full");
        assertThat(SqliteFiles.reason(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)))
                .contains("another program holds the database locked");
        assertThat(SqliteFiles.reason(new SQLiteException("corrupt", SQLiteErrorCode.SQLITE_CORRUPT)))
                .contains("damaged");
    }
}
