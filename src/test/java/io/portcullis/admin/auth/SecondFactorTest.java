package io.portcullis.admin.auth;

import static io.portcullis.admin.auth.AccountFixtures.STRONG;
import static io.portcullis.admin.auth.TotpTestCodes.code;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TOTP enrolment, codes and recovery codes in {@link Accounts}. */
class SecondFactorTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final MemoryStore store = AccountFixtures.store(clock);
    private final Accounts accounts =
            new Accounts(store, PasswordPolicy.standard(), AccountFixtures.fastHasher(), clock);

    @BeforeEach
    void alice() {
        accounts.create("alice", STRONG, Role.ADMIN);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void enrolmentIsPendingUntilConfirmedWithACode() {
        Accounts.TotpEnrollment started = accounts.startTotp("alice");
        assertThat(started.uri()).startsWith("otpauth://totp/Portcullis:alice?").contains(started.secret());
        assertThat(started.toString()).doesNotContain(started.secret());
        User pending = accounts.find("alice").orElseThrow();
        assertThat(pending.totpEnabled()).isFalse();
        assertThat(pending.pendingTotpSecret()).isEqualTo(started.secret());
        assertThat(accounts.checkPassword("alice", STRONG).secondFactorRequired()).isFalse();

        assertThatThrownBy(() -> accounts.confirmTotp("alice", "000000x"))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo("code"));
        List<String> codes = accounts.confirmTotp("alice", code(started.secret(), clock));
        assertThat(codes).hasSize(10).doesNotHaveDuplicates();

        User enrolled = accounts.find("alice").orElseThrow();
        assertThat(enrolled.totpEnabled()).isTrue();
        assertThat(enrolled.totpSecret()).isEqualTo(started.secret());
        assertThat(enrolled.pendingTotpSecret()).isNull();
        assertThat(enrolled.recoveryCodesLeft()).isEqualTo(10);
        String stored = store.get("users/alice").orElseThrow().text();
        codes.forEach(c -> assertThat(stored).doesNotContain(c));
        assertThat(accounts.checkPassword("alice", STRONG).secondFactorRequired()).isTrue();
        assertThatThrownBy(() -> accounts.startTotp("alice"))
                .isInstanceOfSatisfying(AccountException.class,
                        e -> assertThat(e.kind()).isEqualTo(AccountException.Kind.REFUSED));
    }

    @Test
    void aCodeIsAcceptedOnceAndTheNextStepsCodeAfterIt() {
        var enrolled = TotpTestCodes.enrol(accounts, clock, "alice");
        // The confirming code used this step up already.
        assertThat(accounts.verifyTotp("alice", code(enrolled.secret(), clock))).isFalse();
        clock.advance(Duration.ofSeconds(30));
        String next = code(enrolled.secret(), clock);
        assertThat(accounts.verifyTotp("alice", next)).isTrue();
        assertThat(accounts.verifyTotp("alice", next)).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(accounts.verifyTotp("alice", next)).as("replay within the window").isFalse();
        assertThat(accounts.verifyTotp("alice", "123")).isFalse();
        assertThat(accounts.verifyTotp("nobody", next)).isFalse();
    }

    @Test
    void codesOfADeletedUserAreRefusedNotThrown() {
        accounts.create("bob", STRONG, Role.ADMIN);
        var enrolled = TotpTestCodes.enrol(accounts, clock, "bob");
        accounts.delete("bob");
        clock.advance(Duration.ofSeconds(30));
        assertThat(accounts.verifyTotp("bob", code(enrolled.secret(), clock))).isFalse();
        assertThat(accounts.useRecoveryCode("bob", enrolled.recoveryCodes().get(0))).isFalse();
    }

    @Test
    void oneCodeFromEightThreadsSucceedsExactlyOnce() throws Exception {
        var enrolled = TotpTestCodes.enrol(accounts, clock, "alice");
        clock.advance(Duration.ofSeconds(30));
        String code = code(enrolled.secret(), clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return accounts.verifyTotp("alice", code);
                }));
            }
            go.countDown();
            int accepted = 0;
            for (Future<Boolean> f : results) {
                accepted += f.get() ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachRecoveryCodeWorksOnceAndAnEleventhUseFails() {
        var enrolled = TotpTestCodes.enrol(accounts, clock, "alice");
        for (String code : enrolled.recoveryCodes()) {
            assertThat(accounts.useRecoveryCode("alice", code.toUpperCase())).isTrue();
            assertThat(accounts.useRecoveryCode("alice", code)).isFalse();
        }
        assertThat(accounts.find("alice").orElseThrow().recoveryCodesLeft()).isZero();
        assertThat(accounts.useRecoveryCode("alice", enrolled.recoveryCodes().get(0))).isFalse();
        assertThat(accounts.useRecoveryCode("alice", "aaaa-bbbb-cccc")).isFalse();
    }

    @Test
    void oneRecoveryCodeFromEightThreadsSucceedsOnce() throws Exception {
        var enrolled = TotpTestCodes.enrol(accounts, clock, "alice");
        String code = enrolled.recoveryCodes().get(3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> accounts.useRecoveryCode("alice", code)));
            }
            int accepted = 0;
            for (Future<Boolean> f : results) {
                accepted += f.get() ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
            assertThat(accounts.find("alice").orElseThrow().recoveryCodesLeft()).isEqualTo(9);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void disablingNeedsACodeOrARecoveryCode() {
        var enrolled = TotpTestCodes.enrol(accounts, clock, "alice");
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> accounts.disableTotp("alice", "000000"))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo("code"));
        accounts.disableTotp("alice", enrolled.recoveryCodes().get(0));
        User off = accounts.find("alice").orElseThrow();
        assertThat(off.totpEnabled()).isFalse();
        assertThat(off.totpSecret()).isNull();
        assertThat(off.recoveryHashes()).isEmpty();
        assertThat(accounts.verifyTotp("alice", code(enrolled.secret(), clock))).isFalse();

        var again = TotpTestCodes.enrol(accounts, clock, "alice");
        clock.advance(Duration.ofSeconds(30));
        accounts.disableTotp("alice", code(again.secret(), clock));
        assertThat(accounts.find("alice").orElseThrow().totpEnabled()).isFalse();
    }

    @Test
    void regeneratingRecoveryCodesNeedsACodeAndKillsTheOldOnes() {
        var enrolled = TotpTestCodes.enrol(accounts, clock, "alice");
        assertThatThrownBy(() -> accounts.regenerateRecoveryCodes("alice", code(enrolled.secret(), clock)))
                .as("the confirming code is used up").isInstanceOf(AccountException.class);
        clock.advance(Duration.ofSeconds(30));
        List<String> fresh = accounts.regenerateRecoveryCodes("alice", code(enrolled.secret(), clock));
        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(enrolled.recoveryCodes());
        assertThat(accounts.useRecoveryCode("alice", enrolled.recoveryCodes().get(0))).isFalse();
        assertThat(accounts.useRecoveryCode("alice", fresh.get(0))).isTrue();
    }
}
