package io.portcullis.guard;

import static java.util.Objects.requireNonNull;

import io.portcullis.net.Cidr;
import io.portcullis.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link BanList} and the store in step. The list in memory is what the data plane reads; this class
 * writes it behind ({@link #flush()}, from the guard's own thread or a CLI command, never from an event loop)
 * and, once {@link #follow following}, takes in the changes other writers make to {@code bans/} keys.
 *
 * <p>Our own writes come back to us through the watch. They are recognised in two ways: an event at or
 * before the revision of our last write of that key is older than what memory holds, so it is dropped; and
 * an event whose value equals what memory holds changes nothing (see {@link BanList#applyStored}).
 *
 * <p>Also the way the CLI edits bans while no gateway runs: {@link #open}, change {@link #bans()}, {@link #flush()}.
 */
public final class BanStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BanStore.class);

    private final Store store;
    private final BanList bans = new BanList();
    /** Key → the revision of our last write of it, until the watch has delivered that write back. */
    private final Map<String, Long> ownWrites = new ConcurrentHashMap<>();
    private final long loadedAt;
    private Store.Watch watch;

    private BanStore(Store store, long loadedAt) {
        this.store = store;
        this.loadedAt = loadedAt;
    }

    /**
     * Reads the bans and history from {@code store}, first importing {@code <dataDir>/bans.json} (the file of
     * older versions) when the store has no bans yet. Bans that ended while nobody watched are dropped and
     * their keys deleted at the next {@link #flush()}.
     *
     * @param dataDir where an old bans file may lie; null when there is none to look for
     * @throws Store.StoreException when the store cannot be read
     */
    public static BanStore open(Store store, Path dataDir) {
        requireNonNull(store, "store");
        Instant now = Instant.now();
        BansFileImport.run(store, dataDir, now);
        long revision = store.revision();
        BanStore s = new BanStore(store, revision);
        for (Store.Entry e : store.list(BanCodec.PREFIX)) {
            s.take(e.key(), e.value(), null, now);
        }
        return s;
    }

    /** The bans in memory. Change them through the list; the change reaches the store at the next flush. */
    public BanList bans() {
        return bans;
    }

    /** Adds a ban by hand and writes it at once: for the CLI, which has no thread to write behind. */
    public Ban add(Cidr network, Duration length, String reason) throws IOException {
        Ban b = bans.add(network, length, reason, Instant.now());
        flush();
        return b;
    }

    /** Lifts bans on {@code network} and writes that at once; answers what was lifted. */
    public List<Ban> lift(Cidr network) throws IOException {
        List<Ban> lifted = bans.lift(network);
        flush();
        return lifted;
    }

    /**
     * Writes every change made in memory since the last flush: puts for new or changed bans and history,
     * deletes for ended or lifted ones. Each write is durable when this returns. On a store failure the keys
     * not yet written stay dirty for the next flush, and the failure is reported.
     */
    public synchronized void flush() throws IOException {
        List<BanList.Change> changes = bans.drain();
        for (int i = 0; i < changes.size(); i++) {
            BanList.Change c = changes.get(i);
            try {
                if (c.value() == null) {
                    if (store.delete(c.key())) {
                        // The delete's own revision is not returned; the store's newest is at or after it.
                        ownWrites.put(c.key(), store.revision());
                    }
                } else {
                    ownWrites.put(c.key(), store.put(c.key(), c.value()).modRevision());
                }
            } catch (RuntimeException e) {
                List<String> left = new ArrayList<>();
                changes.subList(i, changes.size()).forEach(x -> left.add(x.key()));
                bans.redo(left);
                throw new IOException("cannot write bans to the store: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Follows changes to {@code bans/} keys made after this list was read, handing each to {@code executor}
     * (the guard's thread) so that taking them in never waits on the store's watch thread.
     */
    public synchronized void follow(Executor executor) {
        requireNonNull(executor, "executor");
        if (watch != null) {
            throw new IllegalStateException("already following the store");
        }
        watch = store.watch(BanCodec.PREFIX, loadedAt, e -> executor.execute(() -> apply(e)));
    }

    /** Takes one change from the watch, unless it is the echo of a write of ours. */
    synchronized void apply(Store.Event event) {
        String key = event.entry().key();
        Long own = ownWrites.get(key);
        if (own != null) {
            if (event.revision() >= own) {
                ownWrites.remove(key, own);
            }
            if (event.revision() <= own) {
                return;
            }
        }
        boolean put = event.type() == Store.Event.Type.PUT;
        if (take(key, put ? event.entry().value() : null, put ? null : event.entry().value(), Instant.now())) {
            log.info("guard: {} {} from the store", put ? "took" : "dropped", key);
        }
    }

    private boolean take(String key, byte[] value, byte[] last, Instant now) {
        try {
            return bans.applyStored(key, value, last, now);
        } catch (IllegalArgumentException e) {
            log.warn("guard: ignored the store's {}: {}", key, e.getMessage());
            return false;
        }
    }

    /** Stops following the store (it does not flush: the owner decides when the last write happens). */
    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }
}
