package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final AtomicInteger offences = new AtomicInteger();
    private final LoginThrottle throttle = new LoginThrottle(clock, s -> offences.incrementAndGet());

    @Test
    void slowsOneSourceDownExponentiallyAndReportsEveryFailure() {
        int refused = 0;
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 200; i++) {
            String user = "user" + i;
            LoginThrottle.Verdict verdict = throttle.check(user, "203.0.113.9", false);
            if (!verdict.allowed()) {
                refused++;
                assertThat(verdict.reason()).contains("address");
                longest = verdict.retryAfter().compareTo(longest) > 0 ? verdict.retryAfter() : longest;
                if (i == 5) {
                    assertThat(verdict.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                }
                if (i == 6) {
                    assertThat(verdict.retryAfter()).isEqualTo(Duration.ofSeconds(2));
                }
                clock.advance(verdict.retryAfter());
                assertThat(throttle.check(user, "203.0.113.9", false).allowed()).isTrue();
            }
            throttle.failed(user, "203.0.113.9", false);
        }
        assertThat(refused).isEqualTo(195);
        assertThat(longest).isEqualTo(LoginThrottle.MAX_DELAY);
        assertThat(offences.get()).isEqualTo(200);
        assertThat(throttle.check("someone", "198.51.100.1", false).allowed()).as("another source").isTrue();
    }

    @Test
    void successClearsTheSource() {
        for (int i = 0; i < 8; i++) {
            throttle.failed("alice", "203.0.113.9", false);
        }
        assertThat(throttle.check("bob", "203.0.113.9", false).allowed()).isFalse();
        throttle.succeeded("alice", "203.0.113.9");
        assertThat(throttle.check("bob", "203.0.113.9", false).allowed()).isTrue();
    }

    @Test
    void capsUnknownDevicesAtOneHundredFailuresAnHourWhileAKnownDeviceStillPasses() {
        for (int i = 0; i < 100; i++) {
            throttle.failed("alice", "198.51.100." + i, false);
            clock.advance(Duration.ofSeconds(20));
        }
        // 100 failures in 2000 s: the account is capped for unknown devices until the hour ends.
        LoginThrottle.Verdict unknown = throttle.check("ALICE", "192.0.2.200", false);
        assertThat(unknown.allowed()).isFalse();
        assertThat(unknown.reason()).contains("known devices");
        assertThat(unknown.retryAfter()).isEqualTo(Duration.ofSeconds(3600 - 2000));
        assertThat(throttle.check("alice", "192.0.2.50", true).allowed()).isTrue();
        assertThat(throttle.check("bob", "192.0.2.200", false).allowed()).as("another account").isTrue();

        clock.advance(unknown.retryAfter());
        assertThat(throttle.check("alice", "192.0.2.200", false).allowed()).isTrue();
    }

    @Test
    void aKnownDeviceHasASmallBudgetOfItsOwn() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("alice", "192.0.2." + i, true);
            clock.advance(Duration.ofMinutes(5));
        }
        assertThat(throttle.check("alice", "192.0.2.99", true).allowed()).isFalse();
        assertThat(throttle.check("alice", "192.0.2.99", false).allowed()).as("unknown devices' own count").isTrue();
    }

    @Test
    void slowsOneAccountDownAcrossSources() {
        for (int i = 0; i < 7; i++) {
            throttle.failed("alice", "198.51.100." + i, false);
        }
        LoginThrottle.Verdict verdict = throttle.check("alice", "198.51.100.77", false);
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfter()).isEqualTo(Duration.ofSeconds(4));
        throttle.succeeded("alice", "192.0.2.1");
        assertThat(throttle.check("alice", "198.51.100.77", false).allowed()).isTrue();
    }

    @Test
    void staysBoundedWithTwoHundredThousandSources() {
        LoginThrottle small = new LoginThrottle(clock, 100, 10, 100_000, s -> offences.incrementAndGet());
        for (int i = 0; i < 200_000; i++) {
            small.failed("user" + (i % 1000), "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), false);
        }
        assertThat(small.size()).isLessThanOrEqualTo(100_000 + 1_000);
        assertThat(offences.get()).isEqualTo(200_000);
        for (int i = 0; i < 6; i++) {
            small.failed("x", "192.0.2.1", false);
        }
        assertThat(small.check("y", "192.0.2.1", false).allowed()).isFalse();
    }
}
