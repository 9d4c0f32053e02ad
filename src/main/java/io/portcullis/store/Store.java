package io.portcullis.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the gateway keeps across restarts goes through this interface. Keys are slash-separated
 * paths ({@code users/alice}, {@code bans/10.0.0.0/8}); values are bytes (JSON by convention). Every
 * change gets the next store-wide revision, so readers can ask "what changed since revision R" and two
 * writers racing on one key are told apart by compare-and-set on the key's mod revision. A write returns
 * only once it is durable: a crash after the call returns loses nothing.
 *
 * <p>Implementations are thread-safe. Calls may block on disk; never call them from an event loop.
 */
public interface Store extends AutoCloseable {

    /** The revision of the newest change (0 for an empty store). */
    long revision();

    Optional<Entry> get(String key);

    /** Entries whose key starts with {@code prefix}, in key order. */
    default List<Entry> list(String prefix) {
        return list(prefix, "", Integer.MAX_VALUE);
    }

    /**
     * One page of entries whose key starts with {@code prefix}, in key order, starting after
     * {@code afterKey} ("" for the first page), at most {@code limit} of them.
     */
    List<Entry> list(String prefix, String afterKey, int limit);

    /** Writes unconditionally; returns the stored entry with its new revision. */
    Entry put(String key, byte[] value);

    /** Writes a key that lives only as long as the lease (deleted when the lease expires or is revoked). */
    Entry put(String key, byte[] value, long leaseId);

    /**
     * Writes only when the key's current mod revision is {@code expectedModRevision} (0: only when the key
     * does not exist). Returns the new entry, or empty when someone else changed the key first.
     */
    Optional<Entry> compareAndSet(String key, long expectedModRevision, byte[] value);

    /** Deletes; true when the key existed. */
    boolean delete(String key);

    /** Deletes only when the key's mod revision is {@code expectedModRevision}; true when deleted. */
    boolean compareAndDelete(String key, long expectedModRevision);

    /** Deletes every key under the prefix; returns how many. */
    int deletePrefix(String prefix);

    /** Grants a lease; keys put with it vanish when it expires unless it is kept alive. */
    Lease grant(Duration ttl);

    /** Renews a lease for its whole time to live again; empty when it already expired or was revoked. */
    Optional<Lease> keepAlive(long leaseId);

    /** Revokes a lease and deletes its keys; false when it did not exist. */
    boolean revoke(long leaseId);

    /**
     * Calls {@code listener} for every change under {@code prefix} after revision {@code afterRevision}
     * (first the ones already made, in order, then each new one as it happens), on a thread of the store's,
     * until the returned watch is closed. A listener must not block for long.
     *
     * @throws CompactedException when changes after {@code afterRevision} are no longer kept
     */
    Watch watch(String prefix, long afterRevision, Consumer<Event> listener);

    /** Writes a consistent copy of the whole store to {@code target}, while the store stays in use. */
    void backup(java.nio.file.Path target);

    @Override
    void close();

    /** A stored key and its value, with etcd's revision bookkeeping. */
    record Entry(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {
        public String text() {
            return new String(value, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One change: a put (entry holds the new value) or a delete (entry holds the last value). */
    record Event(Type type, Entry entry, long revision) {
        public enum Type { PUT, DELETE }
    }

    /** A time-to-live that keys can be attached to. */
    record Lease(long id, Duration ttl, java.time.Instant expiresAt) {}

    /** An open watch; closing it stops the calls. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Asked to watch from a revision whose history was already compacted away. */
    final class CompactedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CompactedException(long asked, long oldestKept) {
            super("changes after revision " + asked + " are no longer kept (oldest kept: " + oldestKept + ")");
        }
    }

    /** The store could not do what was asked (disk full, damaged file, closed store). */
    final class StoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
