package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import io.portcullis.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API tokens, for scripts, the CLI and Prometheus ({@code Authorization: Bearer pct_...}). It exists so that
 * a machine gets a credential of its own, limited in scope and revocable alone, instead of a user's password.
 *
 * <p>A secret reads {@code pct_<id>_<32 random bytes, base64url>}. Only its SHA-256 is stored, under
 * {@code tokens/<id>}; the secret is shown once, when the token is created. A fast hash is enough because
 * the secret carries 256 random bits: there is nothing to guess. {@link #verify} compares hashes in constant
 * time and hashes even when the id is unknown, so neither the answer's time nor its content tells whether an
 * id exists. Thread-safe.
 */
public final class ApiTokens {

    static final String PREFIX = "tokens/";
    private static final String SECRET_PREFIX = "pct_";
    private static final int ID_BYTES = 8;
    private static final int SECRET_BYTES = 32;
    private static final Pattern SECRET = Pattern.compile("pct_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String NO_HASH = Secrets.sha256Hex("no such token");

    /** A new token and its secret, which is shown once and not kept anywhere. */
    public record Created(String secret, Token token) {
        /** Leaves the secret out. */
        @Override
        public String toString() {
            return "Created[secret=(hidden), token=" + token + "]";
        }
    }

    /** The stored form: the token and the SHA-256 (hex) of its secret. */
    record Stored(Token token, String hash) {}

    private final Store store;
    private final InstantSource clock;

    /** API tokens kept in {@code store}. */
    public ApiTokens(Store store, InstantSource clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Creates a token for {@code user}.
     *
     * @throws AccountException field {@code name} when the name is blank or longer than 64 characters
     */
    public Created create(String user, String name, Scope scope) {
        requireNonNull(user, "user");
        requireNonNull(scope, "scope");
        if (name == null || name.isBlank() || name.length() > 64 || name.chars().anyMatch(Character::isISOControl)) {
            throw AccountException.invalid("name", "name: " + name + " (expected: 1-64 printable characters)");
        }
        while (true) {
            byte[] idBytes = new byte[ID_BYTES];
            RANDOM.nextBytes(idBytes);
            String id = HexFormat.of().formatHex(idBytes);
            String secret = SECRET_PREFIX + id + "_" + Secrets.token(SECRET_BYTES);
            Token token = new Token(id, name.strip(), scope, user, clock.instant(), null);
            Stored stored = new Stored(token, Secrets.sha256Hex(secret));
            if (store.compareAndSet(PREFIX + id, 0, StoredJson.write(stored)).isPresent()) {
                return new Created(secret, token);
            }
        }
    }

    /**
     * The token whose secret is {@code secret}, or empty. Notes the use as "last used" when the last note is a
     * minute old or more.
     */
    public Optional<Token> verify(String secret) {
        if (secret == null || secret.length() > 128) {
            return Optional.empty();
        }
        var m = SECRET.matcher(secret);
        String given = Secrets.sha256Hex(secret);
        Optional<Store.Entry> entry = m.matches() ? store.get(PREFIX + m.group(1)) : Optional.empty();
        Stored stored = entry.map(e -> StoredJson.read(e, Stored.class)).orElse(null);
        boolean equal = Secrets.constantTimeEquals(given, stored == null ? NO_HASH : stored.hash());
        if (!equal || stored == null) {
            return Optional.empty();
        }
        Token token = stored.token();
        Instant now = clock.instant();
        if (token.lastUsed() == null || Duration.between(token.lastUsed(), now).compareTo(TOUCH_EVERY) >= 0) {
            Token used = new Token(token.id(), token.name(), token.scope(), token.user(), token.createdAt(), now);
            // Compare-and-set: a token revoked meanwhile stays revoked; losing a race only loses a timestamp.
            if (store.compareAndSet(entry.get().key(), entry.get().modRevision(),
                    StoredJson.write(new Stored(used, stored.hash()))).isPresent()) {
                return Optional.of(used);
            }
            if (store.get(entry.get().key()).isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(token);
    }

    /** Every token, by id. */
    public List<Token> list() {
        List<Token> tokens = new ArrayList<>();
        for (Store.Entry entry : store.list(PREFIX)) {
            tokens.add(StoredJson.read(entry, Stored.class).token());
        }
        return tokens;
    }

    /** The tokens of {@code user} (any case). */
    public List<Token> listFor(String user) {
        requireNonNull(user, "user");
        return list().stream().filter(t -> t.user().equalsIgnoreCase(user)).toList();
    }

    /** The token with this id, if it exists. */
    public Optional<Token> find(String id) {
        if (id == null || !id.matches("[0-9a-f]{16}")) {
            return Optional.empty();
        }
        return store.get(PREFIX + id).map(e -> StoredJson.read(e, Stored.class).token());
    }

    /** Revokes one token; false when there was none with this id. */
    public boolean revoke(String id) {
        return id != null && id.matches("[0-9a-f]{16}") && store.delete(PREFIX + id);
    }

    /** Revokes every token of {@code user} (when the user is deleted); returns how many. */
    public int revokeAll(String user) {
        int revoked = 0;
        for (Token token : listFor(user)) {
            if (store.delete(PREFIX + token.id())) {
                revoked++;
            }
        }
        return revoked;
    }
}
