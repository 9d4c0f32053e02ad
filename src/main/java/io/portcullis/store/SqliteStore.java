package io.portcullis.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Store}: one SQLite file, {@code <data-dir>/portcullis.db}, in WAL mode with
 * {@code synchronous=FULL}. A write returns only after its transaction committed, so a crash or a
 * {@code kill -9} at any moment loses nothing that was acknowledged. It needs no server and no setup, which
 * is what a gateway on a home server wants; the {@link Store} contract keeps the door open for etcd later.
 *
 * <p>How it keeps the contract:
 * <ul>
 *   <li>One connection, guarded by one lock, does every read and write; the store-wide revision and the
 *       point where history was cut live in the {@code meta} table and are changed in the same transaction
 *       as the keys.
 *   <li>Every change is one revision: {@link #deletePrefix} of N keys, and the end of a lease holding N keys,
 *       make N revisions, each with its own DELETE event.
 *   <li>The {@code events} table keeps the last {@code historyLimit} changes (10,000 by default) for
 *       {@link #watch}; older ones are removed in the write that pushes them out.
 *   <li>Leases expire by the injected clock; a daemon thread sweeps expired ones about once a second.
 *   <li>{@link #backup} writes a snapshot with {@code VACUUM INTO} from a second connection, so writes go on.
 * </ul>
 */
public final class SqliteStore implements Store {

    /** The database's file name inside the data directory. */
    public static final String FILE_NAME = "portcullis.db";

    /** How many changes the watch history keeps by default. */
    public static final int DEFAULT_HISTORY_LIMIT = 10_000;

    private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

    private final Path file;
    private final InstantSource clock;
    private final int historyLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final FileChannel lockFile;
    private final Connection connection;
    private final SqliteTables tables;
    private final WatchHub hub = new WatchHub("portcullis-store-watch");
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Keys.daemon("portcullis-store-sweep"));
    private long revision;
    private long compactedRevision;
    private boolean closed;

    /** Opens (creating if needed) the store in {@code dataDir}, on the system clock. */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, InstantSource.system());
    }

    /** Opens (creating if needed) the store in {@code dataDir}; leases expire by {@code clock}. */
    public static SqliteStore open(Path dataDir, InstantSource clock) {
        requireNonNull(dataDir, "dataDir");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + dataDir.toAbsolutePath() + ": " + e, e);
        }
        return new SqliteStore(dataDir.resolve(FILE_NAME), clock, DEFAULT_HISTORY_LIMIT, Migrations.CURRENT);
    }

    /**
     * Replaces the database file {@code dbFile} with {@code backup}, after checking that the backup is a sound
     * Portcullis store no newer than this program. Refusals leave {@code dbFile} as it was. Run it only while
     * no store has {@code dbFile} open (the gateway stopped).
     */
    public static void restore(Path backup, Path dbFile) {
        SqliteFiles.restore(requireNonNull(backup, "backup"), requireNonNull(dbFile, "dbFile"));
    }

    /** Opens {@code file} and migrates it to {@code schemaVersion} (tests build older stores with it). */
    SqliteStore(Path file, InstantSource clock, int historyLimit, int schemaVersion) {
        this.file = requireNonNull(file, "file").toAbsolutePath();
        this.clock = requireNonNull(clock, "clock");
        this.historyLimit = Keys.checkHistoryLimit(historyLimit);
        String opening = "cannot open the store at " + this.file;
        this.lockFile = SqliteFiles.lock(this.file, opening);
        Connection opened = null;
        try {
            opened = SqliteFiles.connect(this.file);
            Migrations.migrate(opened, this.file, schemaVersion);
            this.connection = opened;
            this.tables = new SqliteTables(opened);
            this.revision = tables.revision();
            this.compactedRevision = tables.compactedRevision();
        } catch (SQLException e) {
            abandon(opened);
            throw SqliteFiles.failure(opening, e);
        } catch (RuntimeException e) {
            abandon(opened);
            throw e;
        }
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** The database file this store writes. */
    public Path file() {
        return file;
    }

    @Override
    public long revision() {
        lock.lock();
        try {
            return revision;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Entry> get(String key) {
        Keys.checkKey(key);
        return read("read " + key, () -> tables.entry(key));
    }

    @Override
    public List<Entry> list(String prefix, String afterKey, int limit) {
        Keys.checkPrefix(prefix);
        requireNonNull(afterKey, "afterKey");
        Keys.checkLimit(limit);
        return read("list " + prefix, () -> tables.list(prefix, afterKey, limit));
    }

    @Override
    public Entry put(String key, byte[] value) {
        return put(key, value, 0);
    }

    @Override
    public Entry put(String key, byte[] value, long leaseId) {
        Keys.checkKey(key);
        requireNonNull(value, "value");
        return write("write " + key, tx -> {
            if (leaseId != 0 && !tables.leaseLive(leaseId, now())) {
                throw Keys.noLease(leaseId);
            }
            return tx.put(key, value, leaseId);
        });
    }

    @Override
    public Optional<Entry> compareAndSet(String key, long expectedModRevision, byte[] value) {
        Keys.checkKey(key);
        Keys.checkModRevision(expectedModRevision);
        requireNonNull(value, "value");
        return write("write " + key, tx -> tx.modRevision(key) == expectedModRevision
                ? Optional.of(tx.put(key, value, 0))
                : Optional.empty());
    }

    @Override
    public boolean delete(String key) {
        Keys.checkKey(key);
        return write("delete " + key, tx -> tx.remove(key));
    }

    @Override
    public boolean compareAndDelete(String key, long expectedModRevision) {
        Keys.checkKey(key);
        Keys.checkModRevision(expectedModRevision);
        return write("delete " + key, tx -> expectedModRevision != 0
                && tx.modRevision(key) == expectedModRevision
                && tx.remove(key));
    }

    @Override
    public int deletePrefix(String prefix) {
        Keys.checkPrefix(prefix);
        return write("delete the keys under " + prefix, tx -> {
            List<Entry> doomed = tables.list(prefix, "", Integer.MAX_VALUE);
            for (Entry entry : doomed) {
                tx.remove(entry.key());
            }
            return doomed.size();
        });
    }

    @Override
    public Lease grant(Duration ttl) {
        Keys.checkTtl(ttl);
        return write("grant a lease", tx -> {
            Instant expiresAt = now().plus(ttl);
            return new Lease(tables.insertLease(ttl, expiresAt), ttl, expiresAt);
        });
    }

    @Override
    public Optional<Lease> keepAlive(long leaseId) {
        return write("renew lease " + leaseId, tx -> {
            Instant now = now();
            Optional<Duration> ttl = tables.leaseTtl(leaseId);
            if (ttl.isEmpty() || !tables.leaseLive(leaseId, now)) {
                return Optional.empty();
            }
            Instant expiresAt = now.plus(ttl.get());
            tables.renewLease(leaseId, expiresAt);
            return Optional.of(new Lease(leaseId, ttl.get(), expiresAt));
        });
    }

    @Override
    public boolean revoke(long leaseId) {
        return write("revoke lease " + leaseId, tx -> tx.endLease(leaseId));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<Event> listener) {
        Keys.checkPrefix(prefix);
        Keys.checkAfterRevision(afterRevision);
        requireNonNull(listener, "listener");
        return read("watch " + prefix, () -> {
            if (afterRevision < compactedRevision) {
                throw new CompactedException(afterRevision, compactedRevision + 1);
            }
            List<Event> history = tables.events(prefix, afterRevision);
            return hub.open(prefix, history, Math.max(revision, afterRevision), listener);
        });
    }

    /** Refuses to overwrite: {@code target} must not exist. */
    @Override
    public void backup(Path target) {
        requireNonNull(target, "target");
        lock.lock();
        try {
            checkOpen();
        } finally {
            lock.unlock();
        }
        SqliteFiles.backup(file, target);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            sweeper.shutdownNow();
            hub.close();
            tables.close();
            connection.close();
        } catch (SQLException e) {
            throw SqliteFiles.failure("cannot close the store at " + file, e);
        } finally {
            SqliteFiles.closeQuietly(connection);
            SqliteFiles.closeQuietly(lockFile);
            lock.unlock();
        }
    }

    /** Ends every lease whose time ran out, deleting its keys; returns how many leases ended. */
    int sweepExpired() {
        return write("end expired leases", tx -> {
            List<Long> expired = tables.expiredLeases(now());
            for (long id : expired) {
                tx.endLease(id);
            }
            return expired.size();
        });
    }

    private void sweepQuietly() {
        try {
            sweepExpired();
        } catch (StoreException e) {
            if (!isClosed()) {
                log.warn("Ending expired leases failed; trying again in a second", e);
            }
        } catch (RuntimeException e) {
            log.warn("Ending expired leases failed; trying again in a second", e);
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private <T> T read(String doing, SqlWork<T> work) {
        lock.lock();
        try {
            checkOpen();
            return work.run();
        } catch (SQLException e) {
            throw SqliteFiles.failure("cannot " + doing + " in the store at " + file, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code work} in one immediate transaction; the revision and history cut are saved in it. Watches
     * hear of the changes only once the commit returned.
     */
    private <T> T write(String doing, TxWork<T> work) {
        lock.lock();
        try {
            checkOpen();
            SqliteTx tx = new SqliteTx(tables, revision);
            T result;
            long compacted = compactedRevision;
            try {
                tables.begin();
                result = work.run(tx);
                if (tx.revision() != revision) {
                    tables.saveRevision(tx.revision());
                    long cut = tx.revision() - historyLimit;
                    if (cut > compacted) {
                        tables.compact(cut);
                        compacted = cut;
                    }
                }
                tables.commit();
            } catch (SQLException e) {
                tables.rollbackQuietly();
                throw SqliteFiles.failure("cannot " + doing + " in the store at " + file, e);
            } catch (RuntimeException e) {
                tables.rollbackQuietly();
                throw e;
            }
            revision = tx.revision();
            compactedRevision = compacted;
            hub.publish(tx.events());
            return result;
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("the store at " + file + " is closed", null);
        }
    }

    /** Undoes a failed open; the first error is the one to report. */
    private void abandon(Connection opened) {
        SqliteFiles.closeQuietly(opened);
        SqliteFiles.closeQuietly(lockFile);
        sweeper.shutdownNow();
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    @FunctionalInterface
    private interface TxWork<T> {
        T run(SqliteTx tx) throws SQLException;
    }
}
