package io.portcullis.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ThreadFactory;

/**
 * Rules every {@link Store} implementation applies the same way: what a valid key is, how keys sort and
 * what "under a prefix" means. Keys sort by Unicode code point, which is the order SQLite gives UTF-8 text
 * under its default BINARY collation; so both stores list keys in the same order, and every key under a
 * prefix forms one contiguous run, which is how prefix listing stays exact whatever characters the key holds
 * ({@code %} and {@code _} included).
 */
final class Keys {

    /** Orders keys by code point (not by UTF-16 unit, which differs above U+FFFF). */
    static final Comparator<String> ORDER = Keys::compare;

    private Keys() {}

    static String checkKey(String key) {
        requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key: \"\" (expected: a non-empty path such as users/alice)");
        }
        return key;
    }

    static String checkPrefix(String prefix) {
        return requireNonNull(prefix, "prefix");
    }

    static int checkLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 0 or more)");
        }
        return limit;
    }

    static long checkModRevision(long expected) {
        if (expected < 0) {
            throw new IllegalArgumentException(
                    "expectedModRevision: " + expected + " (expected: 0 for \"must not exist\", or a revision)");
        }
        return expected;
    }

    static long checkAfterRevision(long afterRevision) {
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision: " + afterRevision + " (expected: 0 or more)");
        }
        return afterRevision;
    }

    static Duration checkTtl(Duration ttl) {
        requireNonNull(ttl, "ttl");
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: at least 1 ms)");
        }
        return ttl;
    }

    static int checkHistoryLimit(int historyLimit) {
        if (historyLimit < 1) {
            throw new IllegalArgumentException("historyLimit: " + historyLimit + " (expected: 1 or more)");
        }
        return historyLimit;
    }

    static boolean under(String key, String prefix) {
        return key.startsWith(prefix);
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    static Store.StoreException noLease(long leaseId) {
        return new Store.StoreException(
                "lease " + leaseId + " does not exist (it expired or was revoked); grant a new one", null);
    }

    /** A daemon thread factory: the store's threads never keep the program alive on their own. */
    static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
