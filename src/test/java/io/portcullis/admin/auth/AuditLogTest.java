package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditLogTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final MemoryStore store = AccountFixtures.store(clock);
    private final AuditLog audit = new AuditLog(store, clock);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void pagesNewestFirstAcrossThreePages() {
        for (int i = 0; i < 25; i++) {
            audit.record(i % 2 == 0 ? "alice" : "bob", "forward.create", "f" + i, "192.0.2.1", true, Map.of());
            clock.advance(Duration.ofSeconds(1));
        }
        List<String> seen = new ArrayList<>();
        AuditLog.Page page = audit.query(AuditLog.Filter.ALL, null, 10);
        page.entries().forEach(e -> seen.add(e.target()));
        assertThat(page.entries()).hasSize(10);
        page = audit.query(AuditLog.Filter.ALL, page.next(), 10);
        page.entries().forEach(e -> seen.add(e.target()));
        assertThat(page.entries()).hasSize(10);
        page = audit.query(AuditLog.Filter.ALL, page.next(), 10);
        page.entries().forEach(e -> seen.add(e.target()));
        assertThat(page.entries()).hasSize(5);
        assertThat(page.next()).isNull();
        List<String> expected = new ArrayList<>();
        for (int i = 24; i >= 0; i--) {
            expected.add("f" + i);
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void aFullLastPageSaysThereIsNoNext() {
        for (int i = 0; i < 20; i++) {
            audit.record("alice", "login", "alice", "a", true, null);
        }
        AuditLog.Page first = audit.query(AuditLog.Filter.ALL, "", 10);
        AuditLog.Page second = audit.query(AuditLog.Filter.ALL, first.next(), 10);
        assertThat(second.entries()).hasSize(10);
        assertThat(second.next()).isNull();
    }

    @Test
    void entriesOfOneMillisecondStayInOrder() {
        for (int i = 0; i < 5; i++) {
            audit.record("alice", "x", "t" + i, "a", true, null);
        }
        assertThat(audit.query(AuditLog.Filter.ALL, null, 10).entries()).extracting(AuditLog.Entry::target)
                .containsExactly("t4", "t3", "t2", "t1", "t0");
    }

    @Test
    void filtersByActorActionAndTimeAcrossPages() {
        Instant[] times = new Instant[30];
        for (int i = 0; i < 30; i++) {
            times[i] = clock.instant();
            audit.record(i % 3 == 0 ? "alice" : "bob", i % 2 == 0 ? "login" : "logout", "t" + i, "a", i % 5 != 0,
                    Map.of("n", Integer.toString(i)));
            clock.advance(Duration.ofMinutes(1));
        }
        var alice = new AuditLog.Filter("ALICE", null, null, null);
        AuditLog.Page page = audit.query(alice, null, 4);
        assertThat(page.entries()).extracting(AuditLog.Entry::target).containsExactly("t27", "t24", "t21", "t18");
        page = audit.query(alice, page.next(), 4);
        assertThat(page.entries()).extracting(AuditLog.Entry::target).containsExactly("t15", "t12", "t9", "t6");
        page = audit.query(alice, page.next(), 4);
        assertThat(page.entries()).extracting(AuditLog.Entry::target).containsExactly("t3", "t0");
        assertThat(page.next()).isNull();

        var loginsInRange = new AuditLog.Filter(null, "login", times[10], times[20]);
        assertThat(audit.query(loginsInRange, null, 100).entries()).extracting(AuditLog.Entry::target)
                .containsExactly("t18", "t16", "t14", "t12", "t10");
        AuditLog.Entry entry = audit.query(new AuditLog.Filter("bob", "logout", times[5], times[6]), null, 1)
                .entries().get(0);
        assertThat(entry).extracting(AuditLog.Entry::target, AuditLog.Entry::ok, AuditLog.Entry::time)
                .containsExactly("t5", false, times[5]);
        assertThat(entry.detail()).containsEntry("n", "5");
    }

    @Test
    void limitsAndCursorsAreChecked() {
        assertThatThrownBy(() -> audit.query(AuditLog.Filter.ALL, null, 0)).hasMessageContaining("limit");
        assertThatThrownBy(() -> audit.query(AuditLog.Filter.ALL, null, 501)).hasMessageContaining("limit");
        assertThatThrownBy(() -> audit.query(AuditLog.Filter.ALL, "../users", 10)).hasMessageContaining("after");
        assertThat(audit.query(AuditLog.Filter.ALL, null, 500).entries()).isEmpty();
    }

    @Test
    void detailsCarryNoSecrets() {
        for (String key : new String[] {"password", "newPassword", "token", "code", "recoveryCode", "totpSecret"}) {
            assertThatThrownBy(() -> audit.record("alice", "x", "y", "a", true, Map.of(key, "v")))
                    .as(key).isInstanceOf(IllegalArgumentException.class);
        }
        AuditLog.Entry entry = audit.record("alice", "x", "y", "a", true, Map.of(
                "header", "Bearer pct_0123456789abcdef_abc",
                "value", "k3Jd9QpLm2Xz8Rt4Vb7Nc1Ws5Ye6Ua0Hg3Fi2Oj",
                "forward", "my-very-long-forward-name-for-the-garden-camera",
                "role", "viewer"));
        assertThat(entry.detail()).containsEntry("header", "(redacted)").containsEntry("value", "(redacted)")
                .containsEntry("forward", "my-very-long-forward-name-for-the-garden-camera")
                .containsEntry("role", "viewer");
    }

    @Test
    void prunesEntriesOlderThanTheRetention() {
        AuditLog small = new AuditLog(store, clock, Duration.ofDays(365), 1_000, 1_000);
        for (int i = 0; i < 10; i++) {
            small.record("alice", "old", "t" + i, "a", true, null);
            clock.advance(Duration.ofDays(10));
        }
        clock.advance(Duration.ofDays(300));
        small.record("alice", "new", "n", "a", true, null);
        // now = start + 400 days: entries before start + 35 days are older than a year.
        assertThat(small.prune()).isEqualTo(4);
        assertThat(small.query(AuditLog.Filter.ALL, null, 100).entries()).extracting(AuditLog.Entry::target)
                .containsExactly("n", "t9", "t8", "t7", "t6", "t5", "t4");
    }

    @Test
    void keepsAtMostTheMaximumPruningInBatches() {
        AuditLog small = new AuditLog(store, clock, Duration.ofDays(365), 50, 20);
        for (int i = 0; i < 130; i++) {
            small.record("alice", "x", "t" + i, "a", true, null);
            clock.advance(Duration.ofMillis(1));
            int stored = store.list(AuditLog.PREFIX).size();
            assertThat(stored).isLessThanOrEqualTo(50 + 20);
        }
        small.prune();
        List<AuditLog.Entry> kept = small.query(AuditLog.Filter.ALL, null, 500).entries();
        assertThat(kept).hasSize(50);
        assertThat(kept.get(0).target()).isEqualTo("t129");
        assertThat(kept.get(49).target()).isEqualTo("t80");
    }
}
