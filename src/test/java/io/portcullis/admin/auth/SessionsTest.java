package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final MemoryStore store = AccountFixtures.store(clock);
    private final Sessions sessions = new Sessions(store, clock);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void storesOnlyTheTokensHash() {
        Sessions.Created created = sessions.create("alice", "192.0.2.7", false);
        assertThat(created.token()).matches("[A-Za-z0-9_-]{43}");
        Session session = created.session();
        assertThat(session.id()).isEqualTo(Secrets.sha256Hex(created.token()));
        assertThat(session.csrf()).hasSize(43).isNotEqualTo(created.token());
        assertThat(session.expiresAt()).isEqualTo(AccountFixtures.START.plus(Duration.ofHours(12)));
        var entry = store.get("sessions/" + session.id()).orElseThrow();
        assertThat(entry.text()).doesNotContain(created.token());
        assertThat(entry.lease()).isNotZero();
        assertThat(created.toString()).doesNotContain(created.token());
        assertThat(sessions.find(created.token())).contains(session);
        assertThat(sessions.find("nope")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.create("bob", "x", false).session().csrf()).isNotEqualTo(session.csrf());
    }

    @Test
    void endsAfterTheIdleTimeout() {
        String token = sessions.create("alice", "192.0.2.7", false).token();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(token)).isPresent();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(token)).as("seen 29 minutes ago").isPresent();
        clock.advance(Duration.ofMinutes(30));
        assertThat(sessions.find(token)).isEmpty();
        assertThat(store.list("sessions/")).isEmpty();
    }

    @Test
    void endsAfterTheAbsoluteTimeoutHoweverBusy() {
        String token = sessions.create("alice", "192.0.2.7", false).token();
        for (int i = 0; i < 71; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(sessions.find(token)).as("after %d minutes", (i + 1) * 10).isPresent();
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(token)).isEmpty();
    }

    @Test
    void writesLastSeenAtMostOnceAMinute() {
        String token = sessions.create("alice", "192.0.2.7", false).token();
        long revision = store.revision();
        clock.advance(Duration.ofSeconds(30));
        sessions.find(token);
        sessions.find(token);
        assertThat(store.revision()).isEqualTo(revision);
        clock.advance(Duration.ofSeconds(31));
        assertThat(sessions.find(token).orElseThrow().lastSeen()).isEqualTo(clock.instant());
        assertThat(store.revision()).isEqualTo(revision + 1);
        assertThat(store.get("sessions/" + Secrets.sha256Hex(token)).orElseThrow().lease())
                .as("the write keeps the session's lease").isNotZero();
    }

    @Test
    void promoteIssuesANewTokenAndKillsTheHalfOpenOne() {
        Sessions.Created half = sessions.create("alice", "192.0.2.7", true);
        assertThat(half.session().pendingSecondFactor()).isTrue();
        assertThat(half.session().expiresAt()).isEqualTo(AccountFixtures.START.plus(Sessions.PENDING_LIFETIME));
        Sessions.Created full = sessions.promote(half.token()).orElseThrow();
        assertThat(full.token()).isNotEqualTo(half.token());
        assertThat(full.session().pendingSecondFactor()).isFalse();
        assertThat(full.session().user()).isEqualTo("alice");
        assertThat(full.session().source()).isEqualTo("192.0.2.7");
        assertThat(sessions.find(half.token())).isEmpty();
        assertThat(sessions.promote(half.token())).isEmpty();
        assertThat(sessions.promote(full.token())).as("already full").isEmpty();
        assertThat(sessions.find(full.token())).isPresent();
    }

    @Test
    void aHalfOpenSessionIsPromotedOnceUnderARace() throws Exception {
        String half = sessions.create("alice", "192.0.2.7", true).token();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return sessions.promote(half).isPresent();
                }));
            }
            go.countDown();
            int promoted = 0;
            for (Future<Boolean> f : results) {
                promoted += f.get() ? 1 : 0;
            }
            assertThat(promoted).isEqualTo(1);
            assertThat(store.list("sessions/")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHalfOpenSessionWaitsFiveMinutesAtMost() {
        Sessions.Created half = sessions.create("alice", "192.0.2.7", true);
        clock.advance(Duration.ofMinutes(5));
        assertThat(sessions.promote(half.token())).isEmpty();
    }

    @Test
    void endAndEndAll() {
        String a1 = sessions.create("alice", "a", false).token();
        String a2 = sessions.create("Alice", "b", true).token();
        String b = sessions.create("bob", "c", false).token();
        assertThat(sessions.end(a1)).isTrue();
        assertThat(sessions.end(a1)).isFalse();
        assertThat(sessions.find(a1)).isEmpty();
        sessions.create("alice", "d", false);
        assertThat(sessions.endAll("ALICE")).isEqualTo(2);
        assertThat(sessions.find(a2)).isEmpty();
        assertThat(sessions.find(b)).isPresent();
    }

    @Test
    void anEndedSessionStaysEndedWhenALateLastSeenWriteComes() {
        String token = sessions.create("alice", "a", false).token();
        var entry = store.get("sessions/" + Secrets.sha256Hex(token)).orElseThrow();
        sessions.end(token);
        assertThatThrownBy(() -> store.put(entry.key(), entry.value(), entry.lease()))
                .isInstanceOf(io.portcullis.store.Store.StoreException.class);
    }

    @Test
    void refusesAnIdleTimeoutBeyondTheAbsoluteOne() {
        assertThatThrownBy(() -> new Sessions(store, clock, Duration.ofHours(2), Duration.ofHours(1)))
                .hasMessageContaining("idle");
    }
}
