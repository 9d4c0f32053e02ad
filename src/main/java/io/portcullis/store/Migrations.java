package io.portcullis.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite store's schema, as an ordered list of steps. {@code PRAGMA user_version} records how many steps
 * a file has had; opening a store runs the missing ones in one transaction, so a file is always at one
 * version or the next, never half-way. A file from a newer program is refused rather than guessed at, and a
 * SQLite file that is not a Portcullis store is never touched.
 *
 * <p>Add a step by appending to {@link #STEPS}; never edit a step that has shipped. Every step must leave
 * data written at the earlier versions readable, and {@code MigrationsTest} checks it from each of them.
 */
final class Migrations {

    /** Recorded in the meta table so a restore can tell a Portcullis store from any other SQLite file. */
    static final String FORMAT = "portcullis-store";

    /** One schema step: why it exists, and its statements. */
    record Step(String why, List<String> sql) {}

    static final List<Step> STEPS = List.of(
            new Step("keys with etcd's revision bookkeeping, the change history, leases and the store's meta data",
                    List.of("""
                            CREATE TABLE meta (
                              name  TEXT PRIMARY KEY,
                              value NOT NULL
                            ) WITHOUT ROWID""",
                            "INSERT INTO meta (name, value) VALUES ('format', '" + FORMAT + "')",
                            "INSERT INTO meta (name, value) VALUES ('revision', 0)",
                            """
                            CREATE TABLE leases (
                              id                INTEGER PRIMARY KEY AUTOINCREMENT,
                              ttl_millis        INTEGER NOT NULL CHECK (ttl_millis > 0),
                              expires_at_millis INTEGER NOT NULL
                            )""",
                            """
                            CREATE TABLE kv (
                              key             TEXT PRIMARY KEY,
                              value           BLOB NOT NULL,
                              create_revision INTEGER NOT NULL,
                              mod_revision    INTEGER NOT NULL,
                              version         INTEGER NOT NULL,
                              lease           INTEGER REFERENCES leases (id)
                            ) WITHOUT ROWID""",
                            """
                            CREATE TABLE events (
                              revision        INTEGER PRIMARY KEY,
                              type            TEXT NOT NULL CHECK (type IN ('PUT', 'DELETE')),
                              key             TEXT NOT NULL,
                              value           BLOB NOT NULL,
                              create_revision INTEGER NOT NULL,
                              mod_revision    INTEGER NOT NULL,
                              version         INTEGER NOT NULL,
                              lease           INTEGER NOT NULL
                            )""")),
            new Step("find a lease's keys without reading every key; record where the history was cut, which "
                    + "version 1 could only guess from the oldest change kept",
                    List.of("CREATE INDEX kv_by_lease ON kv (lease) WHERE lease IS NOT NULL",
                            """
                            INSERT OR IGNORE INTO meta (name, value) VALUES ('compacted_revision',
                              COALESCE((SELECT MIN(revision) - 1 FROM events),
                                       (SELECT value FROM meta WHERE name = 'revision')))""")));

    /** The schema version this program writes. */
    static final int CURRENT = STEPS.size();

    private Migrations() {}

    /**
     * Brings the file open on {@code connection} up to {@code target} (normally {@link #CURRENT}; tests pass
     * an earlier one to build old stores). Returns the version the file had.
     */
    static int migrate(Connection connection, Path file, int target) throws SQLException {
        if (target < 1 || target > CURRENT) {
            throw new IllegalArgumentException("target: " + target + " (expected: 1-" + CURRENT + ")");
        }
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                int found = version(connection);
                check(connection, file, found);
                for (int v = found + 1; v <= target; v++) {
                    for (String sql : STEPS.get(v - 1).sql()) {
                        s.execute(sql);
                    }
                }
                if (target > found) {
                    s.execute("PRAGMA user_version = " + target);
                }
                s.execute("COMMIT");
                return found;
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException alreadyEnded) {
                    e.addSuppressed(alreadyEnded);
                }
                throw e;
            }
        }
    }

    static int version(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Refuses files this program must not change: a newer store, or some other program's database. */
    private static void check(Connection connection, Path file, int found) throws SQLException {
        if (found > CURRENT) {
            throw new Store.StoreException("the store at " + file + " was written by a newer Portcullis (schema "
                    + "version " + found + "; this program knows up to " + CURRENT + "); run the newer "
                    + "Portcullis, or restore a backup made by this one", null);
        }
        if (found == 0 && hasTables(connection)) {
            throw new Store.StoreException(file + " is a SQLite database but not a Portcullis store (it has "
                    + "tables and no Portcullis schema version); it was left as it is — point the data "
                    + "directory elsewhere", null);
        }
    }

    private static boolean hasTables(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }
}
