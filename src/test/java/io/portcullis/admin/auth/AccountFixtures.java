package io.portcullis.admin.auth;

import io.portcullis.store.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** What the account tests share: a clock they move, a fast hasher, a store, a password the policy accepts. */
final class AccountFixtures {

    static final String STRONG = "violet anchor drizzle pumpkin 47";
    static final String STRONG_2 = "walnut comet lantern fjord 91";
    static final Instant START = Instant.parse("2026-11-23T12:00:00Z");

    private AccountFixtures() {}

    /** A clock that moves only when told to. */
    static final class Clock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(START);

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }
    }

    /** A real Argon2id hasher with the smallest parameters, so tests run fast. */
    static PasswordHasher fastHasher() {
        return new PasswordHasher(8, 1, 1);
    }

    static MemoryStore store(Clock clock) {
        return new MemoryStore(clock);
    }

    /** Password work that counts which calls were made. */
    static final class CountingWork implements PasswordWork {
        final PasswordWork real = PasswordWork.of(fastHasher());
        final AtomicInteger hashes = new AtomicInteger();
        final AtomicInteger verifies = new AtomicInteger();
        final AtomicInteger dummies = new AtomicInteger();

        @Override
        public String hash(String password) {
            hashes.incrementAndGet();
            return real.hash(password);
        }

        @Override
        public boolean verify(String password, String encoded) {
            verifies.incrementAndGet();
            return real.verify(password, encoded);
        }

        @Override
        public boolean needsRehash(String encoded) {
            return real.needsRehash(encoded);
        }

        @Override
        public void verifyDummy(String password) {
            dummies.incrementAndGet();
            real.verifyDummy(password);
        }
    }
}
