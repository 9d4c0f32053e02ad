package io.portcullis.admin.auth;

import static io.portcullis.admin.auth.AccountFixtures.STRONG;
import static io.portcullis.admin.auth.AccountFixtures.STRONG_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.admin.auth.AccountException.Kind;
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

class AccountsTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final MemoryStore store = AccountFixtures.store(clock);
    private final AccountFixtures.CountingWork work = new AccountFixtures.CountingWork();
    private final Accounts accounts = new Accounts(store, PasswordPolicy.standard(), work, clock, false);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void createsFindsAndListsUsersWithoutCase() {
        assertThat(accounts.anyUser()).isFalse();
        User alice = accounts.create("Alice", STRONG, Role.ADMIN);
        assertThat(accounts.anyUser()).isTrue();
        assertThat(store.get("users/alice")).isPresent();
        assertThat(accounts.find("ALICE")).get().extracting(User::name).isEqualTo("Alice");
        assertThat(alice.createdAt()).isEqualTo(AccountFixtures.START);
        assertThat(accounts.list()).extracting(User::name).containsExactly("Alice");
        assertThatThrownBy(() -> accounts.create("aLiCe", STRONG_2, Role.VIEWER))
                .isInstanceOfSatisfying(AccountException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.field()).isEqualTo("name");
                });
    }

    @Test
    void refusesBadNamesAndWeakPasswordsPerField() {
        for (String bad : new String[] {"", "a b", "x".repeat(65), "al/ice", "ünï", null}) {
            assertThatThrownBy(() -> accounts.create(bad, STRONG, Role.ADMIN))
                    .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo("name"));
        }
        assertThat(accounts.create("a.b_c@d-e", STRONG, Role.VIEWER).name()).isEqualTo("a.b_c@d-e");
        assertThatThrownBy(() -> accounts.create("bob", "password123", Role.ADMIN))
                .isInstanceOfSatisfying(AccountException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INVALID);
                    assertThat(e.field()).isEqualTo("password");
                    assertThat(e.problems()).isNotEmpty();
                    assertThat(e.advice()).isNotEmpty();
                });
        assertThat(accounts.find("bob")).isEmpty();
    }

    @Test
    void storesNoSecretInClearAndViewsCarryNone() throws Exception {
        User alice = accounts.create("alice", STRONG, Role.ADMIN);
        assertThat(store.get("users/alice").orElseThrow().text()).doesNotContain(STRONG).contains("$argon2id$");
        String view = StoredJson.MAPPER.writeValueAsString(alice.view());
        assertThat(view).contains("\"name\":\"alice\"", "\"role\":\"admin\"").doesNotContain("argon2", "Hash");
        assertThat(alice.toString()).doesNotContain("argon2");
    }

    @Test
    void deleteRefusesTheLastAdmin() {
        accounts.create("alice", STRONG, Role.ADMIN);
        accounts.create("viewer", STRONG, Role.VIEWER);
        assertThatThrownBy(() -> accounts.delete("alice"))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REFUSED));
        accounts.delete("viewer");
        accounts.create("bob", STRONG_2, Role.ADMIN);
        accounts.delete("ALICE");
        assertThat(accounts.list()).extracting(User::name).containsExactly("bob");
        assertThatThrownBy(() -> accounts.delete("nobody"))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    void changePasswordNeedsTheCurrentOneAndSetPasswordDoesNot() {
        accounts.create("alice", STRONG, Role.ADMIN);
        assertThatThrownBy(() -> accounts.changePassword("alice", "wrong", STRONG_2))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo("current"));
        assertThatThrownBy(() -> accounts.changePassword("alice", STRONG, "short"))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo("password"));
        clock.advance(Duration.ofMinutes(1));
        accounts.changePassword("alice", STRONG, STRONG_2);
        assertThat(accounts.checkPassword("alice", STRONG).ok()).isFalse();
        assertThat(accounts.checkPassword("alice", STRONG_2).ok()).isTrue();
        assertThat(accounts.find("alice").orElseThrow().passwordChangedAt()).isEqualTo(clock.instant());
        accounts.setPassword("alice", STRONG);
        assertThat(accounts.checkPassword("alice", STRONG).ok()).isTrue();
    }

    @Test
    void unknownUserAndWrongPasswordDoTheSameArgon2Work() {
        accounts.create("alice", STRONG, Role.ADMIN);
        int hashes = work.hashes.get();

        Accounts.LoginCheck unknown = accounts.checkPassword("mallory", STRONG);
        assertThat(work.dummies.get()).isEqualTo(1);
        assertThat(work.verifies.get()).isZero();

        Accounts.LoginCheck wrong = accounts.checkPassword("alice", "not the password");
        assertThat(work.verifies.get()).isEqualTo(1);
        assertThat(work.dummies.get()).isEqualTo(1);
        assertThat(work.hashes.get()).isEqualTo(hashes);
        assertThat(unknown).isEqualTo(wrong).isEqualTo(new Accounts.LoginCheck(false, null, false, false));

        accounts.checkPassword("bad name!", STRONG);
        accounts.checkPassword(null, null);
        assertThat(work.dummies.get()).isEqualTo(3);
    }

    @Test
    void rightPasswordWithWeakerParametersIsHashedAgain() {
        Accounts weak = new Accounts(store, PasswordPolicy.standard(), new PasswordHasher(8, 1, 1), clock);
        weak.create("alice", STRONG, Role.ADMIN);
        String before = store.get("users/alice").orElseThrow().text();
        Accounts stronger = new Accounts(store, PasswordPolicy.standard(), new PasswordHasher(16, 2, 1), clock);
        Accounts.LoginCheck check = stronger.checkPassword("alice", STRONG);
        assertThat(check.ok()).isTrue();
        assertThat(check.user().name()).isEqualTo("alice");
        String after = stronger.find("alice").orElseThrow().passwordHash();
        assertThat(after).startsWith("$argon2id$v=19$m=16,t=2,p=1$");
        assertThat(before).doesNotContain(after);
        assertThat(stronger.checkPassword("alice", STRONG).ok()).isTrue();
    }

    @Test
    void requireTotpAsksForEnrolmentUntilDone() {
        Accounts strict = new Accounts(store, PasswordPolicy.standard(), work, clock, true);
        strict.create("alice", STRONG, Role.ADMIN);
        assertThat(strict.checkPassword("alice", STRONG))
                .extracting(Accounts.LoginCheck::ok, Accounts.LoginCheck::enrolmentRequired)
                .containsExactly(true, true);
        TotpTestCodes.enrol(strict, clock, "alice");
        assertThat(strict.checkPassword("alice", STRONG))
                .extracting(Accounts.LoginCheck::secondFactorRequired, Accounts.LoginCheck::enrolmentRequired)
                .containsExactly(true, false);
    }

    @Test
    void recordLoginNotesTheTime() {
        accounts.create("alice", STRONG, Role.ADMIN);
        assertThat(accounts.find("alice").orElseThrow().lastLogin()).isNull();
        clock.advance(Duration.ofHours(1));
        accounts.recordLogin("alice");
        assertThat(accounts.find("alice").orElseThrow().view().lastLogin()).isEqualTo(clock.instant());
    }

    @Test
    void concurrentCreatesOfOneNameSucceedOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = i % 2 == 0 ? "carol" : "CAROL";
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        accounts.create(name, STRONG, Role.ADMIN);
                        return true;
                    } catch (AccountException e) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<Boolean> f : results) {
                created += f.get() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
