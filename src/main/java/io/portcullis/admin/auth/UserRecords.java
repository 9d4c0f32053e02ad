package io.portcullis.admin.auth;

import io.portcullis.store.Store;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** Reading and compare-and-set writing of {@link User} records under {@code users/}, for {@link Accounts}. */
final class UserRecords {

    static final String PREFIX = "users/";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._@-]{1,64}");
    private static final int MAX_ATTEMPTS = 1_000;

    private final Store store;

    UserRecords(Store store) {
        this.store = store;
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static String key(String name) {
        return PREFIX + name.toLowerCase(Locale.ROOT);
    }

    /** The stored entry of a user, or {@link AccountException.Kind#NOT_FOUND}. */
    Store.Entry entry(String name) {
        if (!validName(name)) {
            throw AccountException.notFound(name);
        }
        return store.get(key(name)).orElseThrow(() -> AccountException.notFound(name));
    }

    /**
     * Reads, changes and compare-and-sets one user until no other writer came between; {@code change} sees
     * the newest record on every attempt and returns null to change nothing (then the result is empty). What
     * {@code change} throws passes through, and nothing is written.
     */
    Optional<User> mutate(String name, UnaryOperator<User> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Store.Entry entry = entry(name);
            User after = change.apply(StoredJson.read(entry, User.class));
            if (after == null) {
                return Optional.empty();
            }
            if (store.compareAndSet(entry.key(), entry.modRevision(), StoredJson.write(after)).isPresent()) {
                return Optional.of(after);
            }
        }
        throw new Store.StoreException(key(name) + " keeps changing; gave up after " + MAX_ATTEMPTS + " tries", null);
    }
}
