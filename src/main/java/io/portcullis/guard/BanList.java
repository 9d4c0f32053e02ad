package io.portcullis.guard;

import io.portcullis.config.BanPolicy;
import io.portcullis.net.Cidr;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bans in force, and how often each address has been banned before (so repeat offenders get longer
 * bans, as fail2ban's incremental bans do). This in-memory view is what the data plane reads: {@link #find}
 * takes no lock and touches no disk. {@link BanStore} writes it behind to the store and feeds it the store's
 * changes.
 *
 * <p>Every change records the store key it touches ({@code bans/active/<network>} or
 * {@code bans/history/<address>}) as dirty, under the same lock as the change, so that {@link #drain()}
 * always sees a key together with the value it must write: a change made while a write is under way is
 * simply dirty again and written by the next flush.
 *
 * <p>Single addresses sit in a hash map (one lookup per new connection); networks, which only operators
 * add, sit in a short list.
 */
public final class BanList {

    /** How long a past ban still counts towards the length of the next one. */
    static final Duration HISTORY = Duration.ofDays(30);

    /** One key to write: its value now, or null to delete it. */
    record Change(String key, byte[] value) {}

    private final ConcurrentHashMap<InetAddress, Ban> single = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Ban> networks = new CopyOnWriteArrayList<>();
    /** Address → (bans so far, when the last one began, in epoch millis). */
    private final ConcurrentHashMap<InetAddress, long[]> history = new ConcurrentHashMap<>();
    /** Keys changed in memory and not yet written; guarded by {@code this}. */
    private final Set<String> dirty = new LinkedHashSet<>();

    BanList() {}

    /** Whether no ban is held at all: the common case, answered without reading the clock. */
    boolean isEmpty() {
        return single.isEmpty() && networks.isEmpty();
    }

    /** The ban that covers {@code address} now (already canonical: IPv4-mapped addresses unwrapped), or null. */
    Ban find(InetAddress address, Instant now) {
        if (single.isEmpty() && networks.isEmpty()) {
            return null;
        }
        Ban b = single.get(address);
        if (b != null && b.activeAt(now)) {
            return b;
        }
        for (Ban n : networks) {
            if (n.activeAt(now) && n.network().contains(address)) {
                return n;
            }
        }
        return null;
    }

    /** Bans {@code address} automatically, for longer each time it was banned before; answers the ban. */
    synchronized Ban banAutomatically(InetAddress address, Instant now, BanPolicy policy, String reason) {
        long[] h = history.compute(address, (a, old) -> old == null || Instant.ofEpochMilli(old[1]).plus(HISTORY).isBefore(now)
                ? new long[] {1, now.toEpochMilli()} : new long[] {old[0] + 1, now.toEpochMilli()});
        int count = (int) h[0];
        Ban ban = new Ban(Cidr.of(address), now, now.plus(policy.banLength(count)), reason, count, false);
        put(ban);
        dirty.add(BanCodec.activeKey(ban.network()));
        dirty.add(BanCodec.historyKey(address));
        return ban;
    }

    /** Adds or replaces a ban by hand. */
    public synchronized Ban add(Cidr network, Duration length, String reason, Instant now) {
        Ban ban = new Ban(network, now, now.plus(length), reason, 1, true);
        put(ban);
        dirty.add(BanCodec.activeKey(network));
        return ban;
    }

    /** Lifts the ban on exactly {@code network}, or on any ban covering the single address; answers what was lifted. */
    public synchronized List<Ban> lift(Cidr network) {
        List<Ban> lifted = new ArrayList<>();
        if (network.isSingleAddress()) {
            Ban b = single.remove(network.address());
            if (b != null) {
                lifted.add(b);
            }
        }
        for (Ban n : networks) {
            if (n.network().equals(network) && networks.remove(n)) {
                lifted.add(n);
            }
        }
        lifted.forEach(b -> dirty.add(BanCodec.activeKey(b.network())));
        return lifted;
    }

    /** Every ban in force, soonest to end first. */
    public List<Ban> list(Instant now) {
        List<Ban> out = new ArrayList<>();
        single.values().stream().filter(b -> b.activeAt(now)).forEach(out::add);
        networks.stream().filter(b -> b.activeAt(now)).forEach(out::add);
        out.sort(Comparator.comparing(Ban::until).thenComparing(b -> b.network().toString()));
        return out;
    }

    /** Drops ended bans and old history (their keys become dirty, so the store loses them too); answers how many bans ended. */
    synchronized int expire(Instant now) {
        List<Ban> ended = new ArrayList<>();
        single.values().removeIf(b -> !b.activeAt(now) && ended.add(b));
        networks.removeIf(b -> !b.activeAt(now) && ended.add(b));
        ended.forEach(b -> dirty.add(BanCodec.activeKey(b.network())));
        history.entrySet().removeIf(e -> stale(e.getValue(), now) && dirty.add(BanCodec.historyKey(e.getKey())));
        return ended.size();
    }

    int size() {
        return single.size() + networks.size();
    }

    /** Takes the dirty keys with the values to write for them now, and forgets them. */
    synchronized List<Change> drain() {
        List<Change> out = new ArrayList<>(dirty.size());
        for (String key : dirty) {
            out.add(new Change(key, encode(key)));
        }
        dirty.clear();
        return out;
    }

    /** Marks keys dirty again after a write failed, so the next flush tries them once more. */
    synchronized void redo(Collection<String> keys) {
        dirty.addAll(keys);
    }

    /**
     * Takes a value read from the store: {@code value} is the stored value of {@code key}, or null when the key
     * was deleted ({@code last} then holds the value it had). A key with a change of ours still waiting to be
     * written is left alone (our change is newer); a value equal to what memory holds changes nothing (the echo
     * of our own write); an ended ban or stale history is not taken, and its key is marked to be deleted.
     * Answers whether memory changed.
     */
    synchronized boolean applyStored(String key, byte[] value, byte[] last, Instant now) {
        if (dirty.contains(key)) {
            return false;
        }
        if (key.startsWith(BanCodec.ACTIVE)) {
            Ban current = exact(BanCodec.networkOf(key));
            if (value == null) {
                return current != null && last != null && current.equals(BanCodec.ban(last)) && remove(current);
            }
            Ban stored = BanCodec.ban(value);
            if (!stored.network().equals(BanCodec.networkOf(key))) {
                throw new IllegalArgumentException(key + " holds a ban on " + stored.network() + " (expected: a ban on " + BanCodec.networkOf(key) + ")");
            }
            if (!stored.activeAt(now)) {
                dirty.add(key);
                return current != null && remove(current);
            }
            if (stored.equals(current)) {
                return false;
            }
            put(stored);
            return true;
        }
        if (key.startsWith(BanCodec.HISTORY_PREFIX)) {
            InetAddress address = BanCodec.addressOf(key);
            long[] current = history.get(address);
            if (value == null) {
                return current != null && last != null && Arrays.equals(current, BanCodec.history(last)) && history.remove(address, current);
            }
            long[] stored = BanCodec.history(value);
            if (stale(stored, now)) {
                dirty.add(key);
                return current != null && history.remove(address, current);
            }
            if (Arrays.equals(stored, current)) {
                return false;
            }
            history.put(address, stored);
            return true;
        }
        return false;
    }

    /** All keys this list holds, with their values: what an import writes to the store. */
    synchronized Map<String, byte[]> snapshot() {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        single.values().forEach(b -> out.put(BanCodec.activeKey(b.network()), BanCodec.encode(b)));
        networks.forEach(b -> out.put(BanCodec.activeKey(b.network()), BanCodec.encode(b)));
        history.forEach((a, h) -> out.put(BanCodec.historyKey(a), BanCodec.encode(a, h)));
        return out;
    }

    /** Adds a history record read from elsewhere (the old bans file), unless it is stale already. */
    synchronized void putHistory(InetAddress address, long count, Instant last, Instant now) {
        long[] h = {count, last.toEpochMilli()};
        if (!stale(h, now)) {
            history.put(address, h);
        }
    }

    /** Adds a ban read from elsewhere (the old bans file) as it was, unless it has ended. */
    synchronized void putBan(Ban ban, Instant now) {
        if (ban.activeAt(now)) {
            put(ban);
        }
    }

    private byte[] encode(String key) {
        if (key.startsWith(BanCodec.ACTIVE)) {
            Ban b = exact(BanCodec.networkOf(key));
            return b == null ? null : BanCodec.encode(b);
        }
        InetAddress address = BanCodec.addressOf(key);
        long[] h = history.get(address);
        return h == null ? null : BanCodec.encode(address, h);
    }

    /** The ban on exactly {@code network} (not one that merely covers it), or null. */
    private Ban exact(Cidr network) {
        if (network.isSingleAddress()) {
            return single.get(network.address());
        }
        for (Ban n : networks) {
            if (n.network().equals(network)) {
                return n;
            }
        }
        return null;
    }

    /** Places a ban in memory; callers mark its key dirty when the store must learn of it. */
    private void put(Ban ban) {
        if (ban.network().isSingleAddress()) {
            single.put(ban.network().address(), ban);
        } else {
            networks.removeIf(b -> b.network().equals(ban.network()));
            networks.add(ban);
        }
    }

    private boolean remove(Ban ban) {
        return ban.network().isSingleAddress() ? single.remove(ban.network().address(), ban) : networks.remove(ban);
    }

    private static boolean stale(long[] h, Instant now) {
        return Instant.ofEpochMilli(h[1]).plus(HISTORY).isBefore(now);
    }
}
