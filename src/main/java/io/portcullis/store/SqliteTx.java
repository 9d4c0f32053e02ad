package io.portcullis.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes of one {@link SqliteStore} transaction: each gets the next revision and an event, written in
 * the same transaction as the key, and the events are handed to watches once the commit returned.
 */
final class SqliteTx {

    private final SqliteTables tables;
    private final List<Store.Event> events = new ArrayList<>();
    private long revision;

    SqliteTx(SqliteTables tables, long revision) {
        this.tables = tables;
        this.revision = revision;
    }

    long revision() {
        return revision;
    }

    List<Store.Event> events() {
        return events;
    }

    long modRevision(String key) throws SQLException {
        return tables.entry(key).map(Store.Entry::modRevision).orElse(0L);
    }

    Store.Entry put(String key, byte[] value, long leaseId) throws SQLException {
        Store.Entry old = tables.entry(key).orElse(null);
        long rev = revision + 1;
        Store.Entry entry = new Store.Entry(key, value.clone(), old == null ? rev : old.createRevision(), rev,
                old == null ? 1 : old.version() + 1, leaseId);
        tables.upsert(entry);
        record(new Store.Event(Store.Event.Type.PUT, entry, rev));
        return entry;
    }

    /** Deletes {@code key}; the DELETE event carries its last value. True when it existed. */
    boolean remove(String key) throws SQLException {
        Store.Entry old = tables.entry(key).orElse(null);
        if (old == null) {
            return false;
        }
        tables.deleteKey(key);
        record(new Store.Event(Store.Event.Type.DELETE, old, revision + 1));
        return true;
    }

    /** Deletes a lease's keys (one revision each), then the lease; true when the lease existed. */
    boolean endLease(long leaseId) throws SQLException {
        for (String key : tables.leaseKeys(leaseId)) {
            remove(key);
        }
        return tables.deleteLease(leaseId);
    }

    private void record(Store.Event event) throws SQLException {
        tables.insertEvent(event);
        events.add(event);
        revision = event.revision();
    }
}
