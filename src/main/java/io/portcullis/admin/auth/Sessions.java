package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import io.portcullis.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Dashboard sessions: the random token in the {@code __Host-portcullis-session} cookie and what it stands
 * for. It exists so that sessions survive a restart of the gateway (and are shared by several nodes), while
 * the store never holds a token a thief could reuse: only its SHA-256 is kept, under
 * {@code sessions/<sha256 hex>}.
 *
 * <p>A session ends after {@code idle} without requests (default 30 minutes) or {@code absolute} after login
 * (default 12 hours), whichever comes first; a half-open session, still waiting for its second factor, lasts
 * at most {@link #PENDING_LIFETIME}. Each session's key is attached to its own store lease of that absolute
 * length, so the store removes forgotten sessions by itself, and ending a session revokes the lease, after
 * which no late "last seen" write can bring it back. {@link #promote} issues a new token once the second
 * factor is done, so a token seen before login (session fixation) is worth nothing after it.
 *
 * <p>Call {@link #endAll} when a user's password changes or the user is deleted. Thread-safe.
 */
public final class Sessions {

    /** Default idle timeout. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    /** Default absolute timeout. */
    public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);
    /** How long a half-open session waits for its second factor. */
    public static final Duration PENDING_LIFETIME = Duration.ofMinutes(5);
    /** "Last seen" is written at most this often, to spare the store a write per request. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    static final String PREFIX = "sessions/";
    private static final int TOKEN_BYTES = 32;
    private static final int MAX_TOKEN_LENGTH = 256;

    /** A new session and its token, which goes into the cookie and is not kept anywhere else. */
    public record Created(String token, Session session) {
        /** Leaves the token out. */
        @Override
        public String toString() {
            return "Created[token=(hidden), session=" + session + "]";
        }
    }

    private final Store store;
    private final InstantSource clock;
    private final Duration idle;
    private final Duration absolute;

    /** Sessions with the default timeouts (30 minutes idle, 12 hours absolute). */
    public Sessions(Store store, InstantSource clock) {
        this(store, clock, DEFAULT_IDLE, DEFAULT_ABSOLUTE);
    }

    /**
     * Sessions with the given timeouts.
     *
     * @throws IllegalArgumentException when a timeout is under a minute or {@code idle} exceeds {@code absolute}
     */
    public Sessions(Store store, InstantSource clock, Duration idle, Duration absolute) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.idle = requireNonNull(idle, "idle");
        this.absolute = requireNonNull(absolute, "absolute");
        if (idle.compareTo(Duration.ofMinutes(1)) < 0 || idle.compareTo(absolute) > 0) {
            throw new IllegalArgumentException("idle: " + idle + " (expected: 1 minute to " + absolute + ")");
        }
    }

    /**
     * Starts a session for {@code user} logged in from {@code source}; {@code pendingSecondFactor} when the
     * TOTP code is still to come.
     */
    public Created create(String user, String source, boolean pendingSecondFactor) {
        requireNonNull(user, "user");
        requireNonNull(source, "source");
        String token = Secrets.token(TOKEN_BYTES);
        Instant now = clock.instant();
        Duration lifetime = pendingSecondFactor && PENDING_LIFETIME.compareTo(absolute) < 0
                ? PENDING_LIFETIME : absolute;
        Session session = new Session(Secrets.sha256Hex(token), user, Secrets.token(TOKEN_BYTES),
                pendingSecondFactor, now, now, now.plus(lifetime), source);
        Store.Lease lease = store.grant(lifetime);
        store.put(PREFIX + session.id(), StoredJson.write(session), lease.id());
        return new Created(token, session);
    }

    /**
     * The live session of {@code token}, or empty when there is none, it ended, or it timed out (then it is
     * deleted). Notes the request as "last seen" when the last note is a minute old or more.
     */
    public Optional<Session> find(String token) {
        return live(token).map(entry -> {
            Session session = StoredJson.read(entry, Session.class);
            Instant now = clock.instant();
            if (Duration.between(session.lastSeen(), now).compareTo(TOUCH_EVERY) < 0) {
                return session;
            }
            Session touched = session.seenAt(now);
            try {
                // With the session's own lease: once end() revoked it, this write fails instead of reviving it.
                store.put(entry.key(), StoredJson.write(touched), entry.lease());
                return touched;
            } catch (Store.StoreException e) {
                return store.get(entry.key()).isPresent() ? session : null;
            }
        });
    }

    /**
     * After the second factor: ends the half-open session of {@code token} and starts a full one with a new
     * token. Empty when the token has no live half-open session (or another request promoted it first).
     */
    public Optional<Created> promote(String token) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<Store.Entry> entry = live(token);
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            Session half = StoredJson.read(entry.get(), Session.class);
            if (!half.pendingSecondFactor()) {
                return Optional.empty();
            }
            if (store.compareAndDelete(entry.get().key(), entry.get().modRevision())) {
                revoke(entry.get());
                return Optional.of(create(half.user(), half.source(), false));
            }
        }
        return Optional.empty();
    }

    /** Ends the session of {@code token} (logout); false when there was none. */
    public boolean end(String token) {
        if (!plausible(token)) {
            return false;
        }
        Optional<Store.Entry> entry = store.get(PREFIX + Secrets.sha256Hex(token));
        entry.ifPresent(this::remove);
        return entry.isPresent();
    }

    /** Ends every session of {@code user} (any case); returns how many. */
    public int endAll(String user) {
        requireNonNull(user, "user");
        int ended = 0;
        for (Store.Entry entry : store.list(PREFIX)) {
            if (StoredJson.read(entry, Session.class).user().equalsIgnoreCase(user)) {
                remove(entry);
                ended++;
            }
        }
        return ended;
    }

    /** The stored entry of a token's session while it is within both timeouts; deletes it once it is not. */
    private Optional<Store.Entry> live(String token) {
        if (!plausible(token)) {
            return Optional.empty();
        }
        Optional<Store.Entry> entry = store.get(PREFIX + Secrets.sha256Hex(token));
        if (entry.isEmpty()) {
            return entry;
        }
        Session session = StoredJson.read(entry.get(), Session.class);
        Instant now = clock.instant();
        if (!now.isBefore(session.expiresAt()) || !now.isBefore(session.lastSeen().plus(idle))) {
            remove(entry.get());
            return Optional.empty();
        }
        return entry;
    }

    private void remove(Store.Entry entry) {
        store.delete(entry.key());
        revoke(entry);
    }

    private void revoke(Store.Entry entry) {
        if (entry.lease() != 0) {
            store.revoke(entry.lease());
        }
    }

    private static boolean plausible(String token) {
        return token != null && !token.isEmpty() && token.length() <= MAX_TOKEN_LENGTH;
    }
}
