package io.portcullis.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteBackupTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    private SqliteStore open(Path dataDir) {
        return SqliteStore.open(dataDir, clock);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    static String integrity(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void backupWhileAnotherThreadWritesIsAConsistentOpenableCopy() throws Exception {
        Path backup = dir.resolve("backup.db");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        try (SqliteStore store = open(dir.resolve("live"))) {
            Thread writer = new Thread(() -> {
                // Each put also moves the counter key, so a consistent copy has counter == number of items.
                for (int i = 1; i <= 5_000 && !stop.get(); i++) {
                    store.put("items/" + i, bytes(Integer.toString(i)));
                    store.put("counter", bytes(Integer.toString(i)));
                    written.set(i);
                }
            }, "backup-test-writer");
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (written.get() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            store.backup(backup);
            int atBackup = written.get();
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(atBackup).isGreaterThanOrEqualTo(20);
        }

        assertThat(integrity(backup)).isEqualTo("ok");
        Path restoredDir = dir.resolve("restored");
        SqliteStore.restore(backup, restoredDir.resolve(SqliteStore.FILE_NAME));
        try (SqliteStore copy = open(restoredDir)) {
            int items = copy.list("items/").size();
            int counter = copy.get("counter").map(e -> Integer.parseInt(e.text())).orElse(0);
            assertThat(items).isPositive();
            assertThat(counter).isIn(items, items - 1);
            assertThat(copy.revision()).isEqualTo(items + counter);
        }
    }

    @Test
    void backupRefusesToOverwriteAnExistingFile() throws Exception {
        Path target = dir.resolve("taken.db");
        Files.writeString(target, "precious");
        try (SqliteStore store = open(dir.resolve("live"))) {
            store.put("k", bytes("v"));
            assertThatThrownBy(() -> store.backup(target))
                    .isInstanceOf(Store.StoreException.class).hasMessageContaining("already exists");
        }
        assertThat(Files.readString(target)).isEqualTo("precious");
    }

    @Test
    void restoreReplacesTheStore() throws Exception {
        Path live = dir.resolve("live");
        Path backup = dir.resolve("backup.db");
        try (SqliteStore store = open(live)) {
            store.put("users/alice", bytes("old"));
            store.backup(backup);
            store.put("users/alice", bytes("newer"));
            store.put("users/bob", bytes("b"));
        }

        SqliteStore.restore(backup, live.resolve(SqliteStore.FILE_NAME));

        try (SqliteStore store = open(live)) {
            assertThat(store.get("users/alice")).get().extracting(Store.Entry::text).isEqualTo("old");
            assertThat(store.get("users/bob")).isEmpty();
            assertThat(store.revision()).isEqualTo(1);
        }
        try (var files = Files.list(live)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".restoring"));
        }
    }

    @Test
    void restoreRefusesAFileThatIsNotAStoreAndKeepsTheLiveOne() throws Exception {
        Path live = dir.resolve("live");
        try (SqliteStore store = open(live)) {
            store.put("users/alice", bytes("keep me"));
        }
        Path junk = dir.resolve("junk.db");
        Files.writeString(junk, "not a database at all\n".repeat(300));
        Path otherDb = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + otherDb);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE meta (name TEXT, value TEXT)");
        }
        Path dbFile = live.resolve(SqliteStore.FILE_NAME);
        byte[] before = Files.readAllBytes(dbFile);

        assertThatThrownBy(() -> SqliteStore.restore(junk, dbFile))
                .isInstanceOf(Store.StoreException.class)
                .hasMessageContaining(junk.toString())
                .hasMessageContaining("not a SQLite database")
                .hasMessageContaining("the store was not changed");
        assertThatThrownBy(() -> SqliteStore.restore(otherDb, dbFile))
                .isInstanceOf(Store.StoreException.class).hasMessageContaining("not a Portcullis store");
        assertThatThrownBy(() -> SqliteStore.restore(dir.resolve("missing.db"), dbFile))
                .isInstanceOf(Store.StoreException.class).hasMessageContaining("no such file");

        assertThat(Files.readAllBytes(dbFile)).isEqualTo(before);
        try (SqliteStore store = open(live)) {
            assertThat(store.get("users/alice")).get().extracting(Store.Entry::text).isEqualTo("keep me");
        }
        try (var files = Files.list(live)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".restoring"));
        }
    }

    @Test
    void restoreRefusesABackupFromANewerProgram() throws Exception {
        Path backup = dir.resolve("backup.db");
        try (SqliteStore store = open(dir.resolve("a"))) {
            store.put("k", bytes("v"));
            store.backup(backup);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (Migrations.CURRENT + 1));
        }
        assertThatThrownBy(() -> SqliteStore.restore(backup, dir.resolve("b").resolve(SqliteStore.FILE_NAME)))
                .isInstanceOf(Store.StoreException.class).hasMessageContaining("newer Portcullis");
        assertThat(dir.resolve("b").resolve(SqliteStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void restoreRefusesWhileTheStoreIsOpen() throws Exception {
        Path live = dir.resolve("live");
        Path backup = dir.resolve("backup.db");
        try (SqliteStore store = open(live)) {
            store.backup(backup);
            store.put("after", bytes("backup"));
            assertThatThrownBy(() -> SqliteStore.restore(backup, store.file()))
                    .isInstanceOf(Store.StoreException.class).hasMessageContaining("stop it first");
            assertThat(store.get("after")).isPresent();
        }
    }
}
