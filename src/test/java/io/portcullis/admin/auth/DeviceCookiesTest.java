package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.MemoryStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceCookiesTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final MemoryStore store = AccountFixtures.store(clock);
    private final DeviceCookies cookies = new DeviceCookies(store, clock);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void isValidForItsUserOnly() {
        String cookie = cookies.issue("Alice");
        assertThat(cookie).startsWith("Alice|" + clock.instant().getEpochSecond() + "|");
        assertThat(cookies.isValidFor(cookie, "alice")).isTrue();
        assertThat(cookies.isValidFor(cookie, "bob")).isFalse();
        assertThat(cookies.isValidFor(null, "alice")).isFalse();
        assertThat(cookies.isValidFor("garbage", "alice")).isFalse();
    }

    @Test
    void refusesTamperedCookies() {
        String cookie = cookies.issue("alice");
        String[] parts = cookie.split("\\|");
        assertThat(cookies.isValidFor("bob|" + parts[1] + "|" + parts[2], "bob")).isFalse();
        assertThat(cookies.isValidFor("alice|" + (Long.parseLong(parts[1]) + 86_400) + "|" + parts[2], "alice"))
                .isFalse();
        String mac = parts[2];
        String flipped = (mac.charAt(0) == 'A' ? 'B' : 'A') + mac.substring(1);
        assertThat(cookies.isValidFor("alice|" + parts[1] + "|" + flipped, "alice")).isFalse();
        assertThat(cookies.isValidFor(cookie + "|x", "alice")).isFalse();
    }

    @Test
    void expiresAfterNinetyDays() {
        String cookie = cookies.issue("alice");
        clock.advance(Duration.ofDays(89));
        assertThat(cookies.isValidFor(cookie, "alice")).isTrue();
        clock.advance(Duration.ofDays(1));
        assertThat(cookies.isValidFor(cookie, "alice")).isFalse();
    }

    @Test
    void theKeyIsCreatedOnceAndSharedThroughTheStore() {
        String cookie = cookies.issue("alice");
        long revision = store.get(DeviceCookies.KEY).orElseThrow().modRevision();
        DeviceCookies otherNode = new DeviceCookies(store, clock);
        assertThat(otherNode.isValidFor(cookie, "alice")).isTrue();
        assertThat(store.get(DeviceCookies.KEY).orElseThrow().modRevision()).isEqualTo(revision);
        try (MemoryStore elsewhere = AccountFixtures.store(clock)) {
            assertThat(new DeviceCookies(elsewhere, clock).isValidFor(cookie, "alice")).isFalse();
        }
    }
}
