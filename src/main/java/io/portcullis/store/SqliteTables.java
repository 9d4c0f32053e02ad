package io.portcullis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of {@link SqliteStore}, one method per statement, on the store's single connection (the caller
 * holds the store's lock). Prepared statements are kept and reused.
 *
 * <p>Prefix queries never use {@code LIKE}: keys under a prefix sort together (see {@link Keys}), so a page
 * is "keys from the prefix on, in order, while they still start with it", which is exact for any character
 * and walks the primary key index.
 */
final class SqliteTables implements AutoCloseable {

    private static final String ENTRY_COLUMNS = "key, value, create_revision, mod_revision, version, lease";

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    SqliteTables(Connection connection) {
        this.connection = connection;
    }

    void begin() throws SQLException {
        execute("BEGIN IMMEDIATE");
    }

    void commit() throws SQLException {
        execute("COMMIT");
    }

    void rollbackQuietly() {
        try {
            execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may have rolled back already (a failed COMMIT does); the first error is what matters.
        }
    }

    long revision() throws SQLException {
        return meta("revision").orElse(0L);
    }

    /** Where the history was cut; a version-1 store did not record it, so it is derived from what is kept. */
    long compactedRevision() throws SQLException {
        Optional<Long> recorded = meta("compacted_revision");
        if (recorded.isPresent()) {
            return recorded.get();
        }
        try (ResultSet rs = statement("SELECT MIN(revision) - 1 FROM events").executeQuery()) {
            rs.next();
            long oldestMinusOne = rs.getLong(1);
            return rs.wasNull() ? revision() : oldestMinusOne;
        }
    }

    void saveRevision(long revision) throws SQLException {
        PreparedStatement s = statement("UPDATE meta SET value = ? WHERE name = 'revision'");
        s.setLong(1, revision);
        s.executeUpdate();
    }

    /** Removes the history up to and including {@code cut}, and records the cut. */
    void compact(long cut) throws SQLException {
        PreparedStatement delete = statement("DELETE FROM events WHERE revision <= ?");
        delete.setLong(1, cut);
        delete.executeUpdate();
        PreparedStatement record = statement(
                "INSERT OR REPLACE INTO meta (name, value) VALUES ('compacted_revision', ?)");
        record.setLong(1, cut);
        record.executeUpdate();
    }

    Optional<Store.Entry> entry(String key) throws SQLException {
        PreparedStatement s = statement("SELECT " + ENTRY_COLUMNS + " FROM kv WHERE key = ?");
        s.setString(1, key);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(entry(rs, 1)) : Optional.empty();
        }
    }

    List<Store.Entry> list(String prefix, String afterKey, int limit) throws SQLException {
        boolean pastPrefix = Keys.compare(afterKey, prefix) >= 0;
        PreparedStatement s = pastPrefix
                ? statement("SELECT " + ENTRY_COLUMNS + " FROM kv WHERE key > ? ORDER BY key LIMIT ?")
                : statement("SELECT " + ENTRY_COLUMNS + " FROM kv WHERE key >= ? ORDER BY key LIMIT ?");
        s.setString(1, pastPrefix ? afterKey : prefix);
        s.setInt(2, limit);
        List<Store.Entry> page = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Store.Entry entry = entry(rs, 1);
                if (!Keys.under(entry.key(), prefix)) {
                    break;
                }
                page.add(entry);
            }
        }
        return page;
    }

    void upsert(Store.Entry entry) throws SQLException {
        PreparedStatement s = statement("INSERT OR REPLACE INTO kv (" + ENTRY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)");
        s.setString(1, entry.key());
        s.setBytes(2, entry.value());
        s.setLong(3, entry.createRevision());
        s.setLong(4, entry.modRevision());
        s.setLong(5, entry.version());
        if (entry.lease() == 0) {
            s.setNull(6, java.sql.Types.INTEGER);
        } else {
            s.setLong(6, entry.lease());
        }
        s.executeUpdate();
    }

    void deleteKey(String key) throws SQLException {
        PreparedStatement s = statement("DELETE FROM kv WHERE key = ?");
        s.setString(1, key);
        s.executeUpdate();
    }

    void insertEvent(Store.Event event) throws SQLException {
        PreparedStatement s = statement("INSERT INTO events (revision, type, " + ENTRY_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        Store.Entry entry = event.entry();
        s.setLong(1, event.revision());
        s.setString(2, event.type().name());
        s.setString(3, entry.key());
        s.setBytes(4, entry.value());
        s.setLong(5, entry.createRevision());
        s.setLong(6, entry.modRevision());
        s.setLong(7, entry.version());
        s.setLong(8, entry.lease());
        s.executeUpdate();
    }

    /** The kept changes under {@code prefix} after {@code afterRevision}, oldest first. */
    List<Store.Event> events(String prefix, long afterRevision) throws SQLException {
        PreparedStatement s = statement("SELECT revision, type, " + ENTRY_COLUMNS
                + " FROM events WHERE revision > ? ORDER BY revision");
        s.setLong(1, afterRevision);
        List<Store.Event> events = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Store.Entry entry = entry(rs, 3);
                if (Keys.under(entry.key(), prefix)) {
                    events.add(new Store.Event(Store.Event.Type.valueOf(rs.getString(2)), entry, rs.getLong(1)));
                }
            }
        }
        return events;
    }

    long insertLease(Duration ttl, Instant expiresAt) throws SQLException {
        PreparedStatement s = statement("INSERT INTO leases (ttl_millis, expires_at_millis) VALUES (?, ?)");
        s.setLong(1, ttl.toMillis());
        s.setLong(2, expiresAt.toEpochMilli());
        s.executeUpdate();
        try (ResultSet rs = statement("SELECT last_insert_rowid()").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Optional<Duration> leaseTtl(long leaseId) throws SQLException {
        PreparedStatement s = statement("SELECT ttl_millis FROM leases WHERE id = ?");
        s.setLong(1, leaseId);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(Duration.ofMillis(rs.getLong(1))) : Optional.empty();
        }
    }

    /** True when the lease exists and its time has not run out at {@code now}. */
    boolean leaseLive(long leaseId, Instant now) throws SQLException {
        PreparedStatement s = statement("SELECT 1 FROM leases WHERE id = ? AND expires_at_millis > ?");
        s.setLong(1, leaseId);
        s.setLong(2, now.toEpochMilli());
        try (ResultSet rs = s.executeQuery()) {
            return rs.next();
        }
    }

    void renewLease(long leaseId, Instant expiresAt) throws SQLException {
        PreparedStatement s = statement("UPDATE leases SET expires_at_millis = ? WHERE id = ?");
        s.setLong(1, expiresAt.toEpochMilli());
        s.setLong(2, leaseId);
        s.executeUpdate();
    }

    /** Deletes the lease row (its keys must be gone first); true when it existed. */
    boolean deleteLease(long leaseId) throws SQLException {
        PreparedStatement s = statement("DELETE FROM leases WHERE id = ?");
        s.setLong(1, leaseId);
        return s.executeUpdate() > 0;
    }

    List<String> leaseKeys(long leaseId) throws SQLException {
        PreparedStatement s = statement("SELECT key FROM kv WHERE lease = ? ORDER BY key");
        s.setLong(1, leaseId);
        List<String> keys = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    List<Long> expiredLeases(Instant now) throws SQLException {
        PreparedStatement s = statement("SELECT id FROM leases WHERE expires_at_millis <= ? ORDER BY id");
        s.setLong(1, now.toEpochMilli());
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement s : statements.values()) {
            s.close();
        }
        statements.clear();
    }

    private Optional<Long> meta(String name) throws SQLException {
        PreparedStatement s = statement("SELECT value FROM meta WHERE name = ?");
        s.setString(1, name);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement s = statements.get(sql);
        if (s == null) {
            s = connection.prepareStatement(sql);
            statements.put(sql, s);
        }
        return s;
    }

    private static Store.Entry entry(ResultSet rs, int first) throws SQLException {
        return new Store.Entry(rs.getString(first), rs.getBytes(first + 1), rs.getLong(first + 2),
                rs.getLong(first + 3), rs.getLong(first + 4), rs.getLong(first + 5));
    }
}
