package io.portcullis.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Store} that keeps everything in memory and forgets it on exit. It exists so that tests of other
 * packages, and dry runs that must not touch the disk, get the very semantics of {@link SqliteStore}
 * (revisions, versions, watch with history and compaction, leases on an injected clock, compare-and-set)
 * without a file. {@code StoreContractTest} holds both to the same behaviour.
 *
 * <p>Every change is one revision; {@link #deletePrefix} of N keys makes N revisions. Expired leases are
 * swept about once a second by a daemon thread. {@link #backup} is refused: there is nothing durable to copy.
 */
public final class MemoryStore implements Store {

    /** How many changes the watch history keeps by default. */
    public static final int DEFAULT_HISTORY_LIMIT = 10_000;

    private static final Logger log = LoggerFactory.getLogger(MemoryStore.class);

    private final Object lock = new Object();
    private final InstantSource clock;
    private final int historyLimit;
    private final NavigableMap<String, Entry> entries = new TreeMap<>(Keys.ORDER);
    private final ArrayDeque<Event> history = new ArrayDeque<>();
    private final Map<Long, Lease> leases = new HashMap<>();
    private final WatchHub hub = new WatchHub("portcullis-memory-store-watch");
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Keys.daemon("portcullis-memory-store-sweep"));
    private long revision;
    private long compactedRevision;
    private long nextLeaseId = 1;
    private boolean closed;

    /** An empty store on the system clock. */
    public MemoryStore() {
        this(InstantSource.system());
    }

    /** An empty store whose leases expire by {@code clock} (tests pass a clock they advance). */
    public MemoryStore(InstantSource clock) {
        this(clock, DEFAULT_HISTORY_LIMIT);
    }

    MemoryStore(InstantSource clock, int historyLimit) {
        this.clock = requireNonNull(clock, "clock");
        this.historyLimit = Keys.checkHistoryLimit(historyLimit);
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public long revision() {
        synchronized (lock) {
            return revision;
        }
    }

    @Override
    public Optional<Entry> get(String key) {
        Keys.checkKey(key);
        synchronized (lock) {
            checkOpen();
            return Optional.ofNullable(entries.get(key)).map(MemoryStore::copy);
        }
    }

    @Override
    public List<Entry> list(String prefix, String afterKey, int limit) {
        Keys.checkPrefix(prefix);
        requireNonNull(afterKey, "afterKey");
        Keys.checkLimit(limit);
        synchronized (lock) {
            checkOpen();
            List<Entry> page = new ArrayList<>();
            String from = Keys.compare(afterKey, prefix) >= 0 ? afterKey : prefix;
            boolean inclusive = Keys.compare(afterKey, prefix) < 0;
            for (Entry entry : entries.tailMap(from, inclusive).values()) {
                if (page.size() >= limit || !Keys.under(entry.key(), prefix)) {
                    break;
                }
                page.add(copy(entry));
            }
            return page;
        }
    }

    @Override
    public Entry put(String key, byte[] value) {
        return put(key, value, 0);
    }

    @Override
    public Entry put(String key, byte[] value, long leaseId) {
        Keys.checkKey(key);
        requireNonNull(value, "value");
        synchronized (lock) {
            checkOpen();
            if (leaseId != 0 && !isLive(leases.get(leaseId))) {
                throw Keys.noLease(leaseId);
            }
            return copy(write(key, value, leaseId));
        }
    }

    @Override
    public Optional<Entry> compareAndSet(String key, long expectedModRevision, byte[] value) {
        Keys.checkKey(key);
        Keys.checkModRevision(expectedModRevision);
        requireNonNull(value, "value");
        synchronized (lock) {
            checkOpen();
            if (modRevision(key) != expectedModRevision) {
                return Optional.empty();
            }
            return Optional.of(copy(write(key, value, 0)));
        }
    }

    @Override
    public boolean delete(String key) {
        Keys.checkKey(key);
        synchronized (lock) {
            checkOpen();
            return remove(key);
        }
    }

    @Override
    public boolean compareAndDelete(String key, long expectedModRevision) {
        Keys.checkKey(key);
        Keys.checkModRevision(expectedModRevision);
        synchronized (lock) {
            checkOpen();
            return expectedModRevision != 0 && modRevision(key) == expectedModRevision && remove(key);
        }
    }

    @Override
    public int deletePrefix(String prefix) {
        Keys.checkPrefix(prefix);
        synchronized (lock) {
            checkOpen();
            List<String> keys = list(prefix, "", Integer.MAX_VALUE).stream().map(Entry::key).toList();
            keys.forEach(this::remove);
            return keys.size();
        }
    }

    @Override
    public Lease grant(Duration ttl) {
        Keys.checkTtl(ttl);
        synchronized (lock) {
            checkOpen();
            Lease lease = new Lease(nextLeaseId++, ttl, clock.instant().plus(ttl));
            leases.put(lease.id(), lease);
            return lease;
        }
    }

    @Override
    public Optional<Lease> keepAlive(long leaseId) {
        synchronized (lock) {
            checkOpen();
            Lease lease = leases.get(leaseId);
            if (!isLive(lease)) {
                return Optional.empty();
            }
            Lease renewed = new Lease(leaseId, lease.ttl(), clock.instant().plus(lease.ttl()));
            leases.put(leaseId, renewed);
            return Optional.of(renewed);
        }
    }

    @Override
    public boolean revoke(long leaseId) {
        synchronized (lock) {
            checkOpen();
            return end(leaseId);
        }
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<Event> listener) {
        Keys.checkPrefix(prefix);
        Keys.checkAfterRevision(afterRevision);
        requireNonNull(listener, "listener");
        synchronized (lock) {
            checkOpen();
            if (afterRevision < compactedRevision) {
                throw new CompactedException(afterRevision, compactedRevision + 1);
            }
            List<Event> replay = history.stream()
                    .filter(e -> e.revision() > afterRevision && Keys.under(e.entry().key(), prefix))
                    .toList();
            return hub.open(prefix, replay, Math.max(revision, afterRevision), listener);
        }
    }

    /** Refused: a memory store has nothing durable to copy. */
    @Override
    public void backup(Path target) {
        throw new StoreException("a memory store keeps nothing on disk, so there is nothing to back up to "
                + target, null);
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        sweeper.shutdownNow();
        hub.close();
    }

    /** Deletes the keys of every lease whose time ran out; returns how many leases ended. */
    int sweepExpired() {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            Instant now = clock.instant();
            List<Long> expired = leases.values().stream()
                    .filter(l -> !l.expiresAt().isAfter(now)).map(Lease::id).sorted().toList();
            expired.forEach(this::end);
            return expired.size();
        }
    }

    private void sweepQuietly() {
        try {
            sweepExpired();
        } catch (RuntimeException e) {
            log.warn("Sweeping expired leases failed; trying again in a second", e);
        }
    }

    private boolean isLive(Lease lease) {
        return lease != null && lease.expiresAt().isAfter(clock.instant());
    }

    private long modRevision(String key) {
        Entry entry = entries.get(key);
        return entry == null ? 0 : entry.modRevision();
    }

    private Entry write(String key, byte[] value, long leaseId) {
        Entry old = entries.get(key);
        long rev = revision + 1;
        Entry entry = new Entry(key, value.clone(), old == null ? rev : old.createRevision(), rev,
                old == null ? 1 : old.version() + 1, leaseId);
        entries.put(key, entry);
        record(new Event(Event.Type.PUT, entry, rev));
        return entry;
    }

    private boolean remove(String key) {
        Entry old = entries.remove(key);
        if (old == null) {
            return false;
        }
        record(new Event(Event.Type.DELETE, old, revision + 1));
        return true;
    }

    private boolean end(long leaseId) {
        if (leases.remove(leaseId) == null) {
            return false;
        }
        List<String> keys = entries.values().stream().filter(e -> e.lease() == leaseId).map(Entry::key).toList();
        keys.forEach(this::remove);
        return true;
    }

    private void record(Event event) {
        revision = event.revision();
        history.addLast(event);
        while (history.size() > historyLimit) {
            compactedRevision = history.removeFirst().revision();
        }
        hub.publish(List.of(event));
    }

    /** Callers get their own bytes, so changing them cannot change the store. */
    private static Entry copy(Entry entry) {
        return new Entry(entry.key(), entry.value().clone(), entry.createRevision(), entry.modRevision(),
                entry.version(), entry.lease());
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("the memory store is closed", null);
        }
    }
}
