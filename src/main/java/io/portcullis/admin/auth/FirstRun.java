package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import io.portcullis.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The first admin's creation. While no user exists, anyone who reaches the admin address could create one;
 * this class exists so that only the person who started the gateway can: at start the gateway prints a link
 * with a one-time token ({@link #issueSetupToken}), and {@code POST /api/v1/setup} must carry it
 * ({@link #redeem}).
 *
 * <p>Only the token's SHA-256 is stored, under {@code setup/token}, on a one-hour store lease; a new token
 * replaces any older one. A token is redeemed once: the stored record is removed with compare-and-delete, so
 * of two requests racing with it only one succeeds. Thread-safe.
 */
public final class FirstRun {

    /** How long a setup token stays valid. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    static final String KEY = "setup/token";
    private static final int TOKEN_BYTES = 32;

    /** The stored form. */
    record Stored(String hash, Instant expiresAt) {}

    private final Store store;
    private final InstantSource clock;

    /** First-run setup over {@code store}. */
    public FirstRun(Store store, InstantSource clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
    }

    /** True while no user exists ({@code GET /api/v1/setup}). */
    public boolean needed() {
        return store.list(UserRecords.PREFIX, "", 1).isEmpty();
    }

    /**
     * A new setup token, valid for an hour, replacing any older one; print it, never log it elsewhere.
     *
     * @throws IllegalStateException when a user exists already
     */
    public synchronized String issueSetupToken() {
        if (!needed()) {
            throw new IllegalStateException("a user exists; setup is done");
        }
        store.get(KEY).ifPresent(old -> {
            store.delete(KEY);
            if (old.lease() != 0) {
                store.revoke(old.lease());
            }
        });
        String token = Secrets.token(TOKEN_BYTES);
        Store.Lease lease = store.grant(TOKEN_LIFETIME);
        Stored stored = new Stored(Secrets.sha256Hex(token), clock.instant().plus(TOKEN_LIFETIME));
        store.put(KEY, StoredJson.write(stored), lease.id());
        return token;
    }

    /**
     * True, once, for the current unexpired setup token; false for any other value, an expired token, one
     * used already, or once a user exists. The caller creates the first admin only on true.
     */
    public boolean redeem(String token) {
        if (token == null || token.length() > 256 || !needed()) {
            return false;
        }
        String given = Secrets.sha256Hex(token);
        Optional<Store.Entry> entry = store.get(KEY);
        if (entry.isEmpty()) {
            return false;
        }
        Stored stored = StoredJson.read(entry.get(), Stored.class);
        if (!Secrets.constantTimeEquals(given, stored.hash()) || !clock.instant().isBefore(stored.expiresAt())) {
            return false;
        }
        if (!store.compareAndDelete(KEY, entry.get().modRevision())) {
            return false;
        }
        if (entry.get().lease() != 0) {
            store.revoke(entry.get().lease());
        }
        return true;
    }
}
