package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.MemoryStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FirstRunTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final MemoryStore store = AccountFixtures.store(clock);
    private final FirstRun firstRun = new FirstRun(store, clock);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aTokenIsRedeemedOnce() {
        assertThat(firstRun.needed()).isTrue();
        String token = firstRun.issueSetupToken();
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(store.get(FirstRun.KEY).orElseThrow().text()).doesNotContain(token);
        assertThat(firstRun.redeem("wrong")).isFalse();
        assertThat(firstRun.redeem(null)).isFalse();
        assertThat(firstRun.redeem(token)).isTrue();
        assertThat(firstRun.redeem(token)).isFalse();
    }

    @Test
    void aTokenExpiresAfterAnHour() {
        String token = firstRun.issueSetupToken();
        clock.advance(Duration.ofMinutes(59));
        String second = firstRun.issueSetupToken();
        assertThat(firstRun.redeem(token)).as("replaced").isFalse();
        clock.advance(Duration.ofMinutes(60));
        assertThat(firstRun.redeem(second)).isFalse();
    }

    @Test
    void endsOnceAUserExists() {
        String token = firstRun.issueSetupToken();
        new Accounts(store, PasswordPolicy.standard(), AccountFixtures.fastHasher(), clock)
                .create("alice", AccountFixtures.STRONG, Role.ADMIN);
        assertThat(firstRun.needed()).isFalse();
        assertThat(firstRun.redeem(token)).isFalse();
        assertThatThrownBy(firstRun::issueSetupToken).isInstanceOf(IllegalStateException.class);
    }
}
