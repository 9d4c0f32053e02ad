package io.portcullis.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.Store.Entry;
import io.portcullis.store.Store.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Store} does the same way; each implementation's test extends this class. */
abstract class StoreContractTest {

    static final int HISTORY_LIMIT = 50;

    final FakeClock clock = new FakeClock();
    Store store;

    /** A fresh, empty store keeping {@code historyLimit} changes, whose leases expire by {@code clock}. */
    abstract Store newStore(FakeClock clock, int historyLimit);

    /** Runs the implementation's expired-lease sweep now. */
    abstract void sweep(Store store);

    @BeforeEach
    void openStore() {
        store = newStore(clock, HISTORY_LIMIT);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    static List<String> keys(List<Entry> entries) {
        return entries.stream().map(Entry::key).toList();
    }

    @Test
    void countsOneRevisionPerChangeFromZero() {
        assertThat(store.revision()).isZero();
        store.put("a", bytes("1"));
        store.put("b", bytes("2"));
        store.delete("a");
        store.delete("missing");
        assertThat(store.revision()).isEqualTo(3);
    }

    @Test
    void keepsCreateRevisionAndCountsVersionsAcrossPuts() {
        Entry first = store.put("users/alice", bytes("v1"));
        store.put("other", bytes("x"));
        Entry second = store.put("users/alice", bytes("v2"));

        assertThat(first).extracting(Entry::createRevision, Entry::modRevision, Entry::version)
                .containsExactly(1L, 1L, 1L);
        assertThat(second).extracting(Entry::createRevision, Entry::modRevision, Entry::version)
                .containsExactly(1L, 3L, 2L);
        assertThat(store.get("users/alice")).get().extracting(Entry::text, Entry::modRevision)
                .containsExactly("v2", 3L);
    }

    @Test
    void startsVersionsAgainAfterDelete() {
        store.put("k", bytes("1"));
        store.put("k", bytes("2"));
        assertThat(store.delete("k")).isTrue();
        Entry again = store.put("k", bytes("3"));
        assertThat(again).extracting(Entry::createRevision, Entry::version).containsExactly(4L, 1L);
    }

    @Test
    void compareAndSetWritesOnlyOnTheExpectedModRevision() {
        assertThat(store.compareAndSet("k", 0, bytes("created"))).isPresent();
        assertThat(store.compareAndSet("k", 0, bytes("again"))).isEmpty();
        long mod = store.get("k").orElseThrow().modRevision();

        assertThat(store.compareAndSet("k", mod + 7, bytes("stale"))).isEmpty();
        assertThat(store.compareAndSet("k", mod, bytes("next"))).get().extracting(Entry::version).isEqualTo(2L);
        assertThat(store.get("k")).get().extracting(Entry::text).isEqualTo("next");
        assertThat(store.revision()).isEqualTo(2);
    }

    @Test
    void deleteSaysWhetherTheKeyExisted() {
        store.put("k", bytes("v"));
        assertThat(store.delete("k")).isTrue();
        assertThat(store.delete("k")).isFalse();
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void compareAndDeleteDeletesOnlyOnTheExpectedModRevision() {
        Entry entry = store.put("k", bytes("v"));
        assertThat(store.compareAndDelete("k", entry.modRevision() + 1)).isFalse();
        assertThat(store.compareAndDelete("k", 0)).isFalse();
        assertThat(store.get("k")).isPresent();
        assertThat(store.compareAndDelete("k", entry.modRevision())).isTrue();
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void deletePrefixDeletesOnlyKeysUnderItOneRevisionEach() {
        store.put("bans/1", bytes("a"));
        store.put("bans/2", bytes("b"));
        store.put("bans2", bytes("c"));
        store.put("users/x", bytes("d"));

        assertThat(store.deletePrefix("bans/")).isEqualTo(2);
        assertThat(keys(store.list(""))).containsExactly("bans2", "users/x");
        assertThat(store.revision()).isEqualTo(6);
    }

    @Test
    void listsPagesInKeyOrder() {
        for (String key : List.of("p/e", "p/a", "p/d", "p/b", "p/c", "q/a", "o/z")) {
            store.put(key, bytes(key));
        }
        List<String> seen = new ArrayList<>();
        String after = "";
        for (int page = 0; page < 10; page++) {
            List<Entry> entries = store.list("p/", after, 2);
            if (entries.isEmpty()) {
                break;
            }
            assertThat(entries).hasSizeLessThanOrEqualTo(2);
            seen.addAll(keys(entries));
            after = entries.getLast().key();
        }
        assertThat(seen).containsExactly("p/a", "p/b", "p/c", "p/d", "p/e");
        assertThat(store.list("p/", "", 0)).isEmpty();
    }

    @Test
    void matchesPrefixesExactlyEvenWithLikeMetacharacters() {
        for (String key : List.of("a%b/1", "a%b/2", "a_b/1", "aXb/1", "a%bc", "A%B/1", "a%b")) {
            store.put(key, bytes(key));
        }
        assertThat(keys(store.list("a%b/"))).containsExactly("a%b/1", "a%b/2");
        assertThat(keys(store.list("a_b/"))).containsExactly("a_b/1");
        assertThat(keys(store.list("a%b"))).containsExactly("a%b", "a%b/1", "a%b/2", "a%bc");
        assertThat(store.deletePrefix("a_")).isEqualTo(1);
        assertThat(store.get("aXb/1")).isPresent();
    }

    @Test
    void ordersKeysByCodePointAndKeepsThemUnderTheirPrefix() {
        String high = "n/\uD83D\uDE00";  // U+1F600, two UTF-16 units
        String bmp = "n/\uFF21";        // U+FF21, sorts before U+1F600 by code point
        store.put(high, bytes("emoji"));
        store.put(bmp, bytes("wide"));
        store.put("n/a", bytes("a"));
        store.put("o", bytes("after"));

        assertThat(keys(store.list("n/"))).containsExactly("n/a", bmp, high);
        assertThat(keys(store.list("n/\uD83D"))).isEmpty();
    }

    @Test
    void endsExpiredLeasesWithDeleteEvents() throws InterruptedException {
        Store.Lease lease = store.grant(Duration.ofSeconds(30));
        store.put("sessions/a", bytes("1"), lease.id());
        store.put("sessions/b", bytes("2"), lease.id());
        store.put("sessions/keep", bytes("3"));
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        store.watch("sessions/", store.revision(), events::add);

        clock.advance(Duration.ofSeconds(29));
        sweep(store);
        assertThat(store.get("sessions/a")).isPresent();

        clock.advance(Duration.ofSeconds(2));
        sweep(store);
        assertThat(keys(store.list("sessions/"))).containsExactly("sessions/keep");
        assertThat(List.of(next(events), next(events)))
                .extracting(Event::type, e -> e.entry().key(), e -> e.entry().text())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Event.Type.DELETE, "sessions/a", "1"),
                        org.assertj.core.groups.Tuple.tuple(Event.Type.DELETE, "sessions/b", "2"));
        assertThat(store.keepAlive(lease.id())).isEmpty();
    }

    @Test
    void keepAliveRenewsTheWholeTimeToLive() {
        Store.Lease lease = store.grant(Duration.ofSeconds(10));
        store.put("k", bytes("v"), lease.id());

        clock.advance(Duration.ofSeconds(8));
        assertThat(store.keepAlive(lease.id())).get().extracting(Store.Lease::expiresAt)
                .isEqualTo(clock.instant().plusSeconds(10));
        clock.advance(Duration.ofSeconds(8));
        sweep(store);
        assertThat(store.get("k")).isPresent();

        clock.advance(Duration.ofSeconds(3));
        assertThat(store.keepAlive(lease.id())).isEmpty();
        sweep(store);
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void revokeDeletesTheLeasesKeys() {
        Store.Lease lease = store.grant(Duration.ofMinutes(1));
        store.put("a", bytes("1"), lease.id());
        store.put("b", bytes("2"));

        assertThat(store.revoke(lease.id())).isTrue();
        assertThat(keys(store.list(""))).containsExactly("b");
        assertThat(store.revoke(lease.id())).isFalse();
        assertThat(store.keepAlive(lease.id())).isEmpty();
    }

    @Test
    void refusesPutWithAnUnknownOrExpiredLease() {
        assertThatThrownBy(() -> store.put("k", bytes("v"), 424242))
                .isInstanceOf(Store.StoreException.class).hasMessageContaining("lease 424242 does not exist");
        Store.Lease lease = store.grant(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> store.put("k", bytes("v"), lease.id())).isInstanceOf(Store.StoreException.class);
        assertThat(store.revision()).isZero();
    }

    @Test
    void watchReplaysHistoryThenLiveChangesInOrder() throws InterruptedException {
        store.put("f/1", bytes("a"));
        long from = store.revision();
        store.put("f/2", bytes("b"));
        store.put("other", bytes("x"));
        store.delete("f/1");
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();

        try (Store.Watch watch = store.watch("f/", from, events::add)) {
            store.put("f/3", bytes("c"));
            store.put("f/2", bytes("b2"));
            List<Event> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(next(events));
            }
            assertThat(seen).extracting(Event::revision).containsExactly(2L, 4L, 5L, 6L);
            assertThat(seen).extracting(Event::type)
                    .containsExactly(Event.Type.PUT, Event.Type.DELETE, Event.Type.PUT, Event.Type.PUT);
            assertThat(seen.get(1).entry().text()).isEqualTo("a");
            assertThat(seen.get(3).entry().text()).isEqualTo("b2");
            assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void watchFromARevisionStillToComeStartsThere() throws InterruptedException {
        store.put("a", bytes("1"));
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        store.watch("", 3, events::add);
        store.put("b", bytes("2"));
        store.put("c", bytes("3"));
        store.put("d", bytes("4"));
        assertThat(next(events).revision()).isEqualTo(4);
        assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closedWatchHearsNothingMore() throws InterruptedException {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Store.Watch watch = store.watch("", 0, events::add);
        store.put("a", bytes("1"));
        assertThat(next(events).revision()).isEqualTo(1);

        watch.close();
        store.put("b", bytes("2"));
        BlockingQueue<Event> control = new LinkedBlockingQueue<>();
        store.watch("", store.revision() - 1, control::add);
        assertThat(next(control).entry().key()).isEqualTo("b");
        assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void listenerThatThrowsDoesNotSilenceOtherWatches() throws InterruptedException {
        store.watch("", 0, e -> {
            throw new IllegalStateException("listener bug");
        });
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        store.watch("", 0, events::add);
        store.put("a", bytes("1"));
        store.put("b", bytes("2"));
        assertThat(List.of(next(events), next(events))).extracting(Event::revision).containsExactly(1L, 2L);
    }

    @Test
    void refusesToWatchFromACompactedRevision() throws InterruptedException {
        for (int i = 0; i < HISTORY_LIMIT + 20; i++) {
            store.put("c/" + i, bytes(Integer.toString(i)));
        }
        long newest = store.revision();
        long oldestKept = newest - HISTORY_LIMIT + 1;

        assertThatThrownBy(() -> store.watch("c/", 0, e -> {}))
                .isInstanceOf(Store.CompactedException.class).hasMessageContaining("oldest kept: " + oldestKept);
        assertThatThrownBy(() -> store.watch("c/", oldestKept - 2, e -> {}))
                .isInstanceOf(Store.CompactedException.class);
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        store.watch("c/", oldestKept - 1, events::add);
        assertThat(next(events).revision()).isEqualTo(oldestKept);
    }

    @Test
    void countsEveryIncrementWhenEightThreadsCompareAndSetOneKey() throws Exception {
        int threads = 8;
        int perThread = 25;
        store.put("counter", bytes("0"));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> conflicts = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                conflicts.add(pool.submit(() -> {
                    start.await();
                    int lost = 0;
                    for (int done = 0; done < perThread; ) {
                        Entry current = store.get("counter").orElseThrow();
                        long next = Long.parseLong(current.text()) + 1;
                        if (store.compareAndSet("counter", current.modRevision(), bytes(Long.toString(next)))
                                .isPresent()) {
                            done++;
                        } else if (++lost > 100_000) {
                            throw new AssertionError("gave up after " + lost + " conflicts");
                        }
                    }
                    return lost;
                }));
            }
            start.countDown();
            for (Future<Integer> f : conflicts) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Entry counter = store.get("counter").orElseThrow();
        assertThat(counter.text()).isEqualTo(Integer.toString(threads * perThread));
        assertThat(counter.version()).isEqualTo(threads * perThread + 1L);
    }

    @Test
    void refusesCallsOnceClosed() {
        store.close();
        assertThatThrownBy(() -> store.put("k", bytes("v"))).isInstanceOf(Store.StoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(Store.StoreException.class);
    }

    @Test
    void refusesEmptyKeysAndNegativeRevisions() {
        assertThatThrownBy(() -> store.put("", bytes("v"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> store.compareAndSet("k", -1, bytes("v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> store.grant(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    static Event next(BlockingQueue<Event> events) throws InterruptedException {
        Event event = events.poll(5, TimeUnit.SECONDS);
        assertThat(event).as("an event within 5 s").isNotNull();
        return event;
    }
}
