package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import io.portcullis.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who did what to which thing, from where, and whether it worked: logins, user and token changes, rule
 * changes, bans. It exists so that an admin can answer "who opened this port?" and "was someone guessing
 * passwords?" from the dashboard, months later, on any node.
 *
 * <p>Entries live under {@code audit/<13 digits: 9999999999999 minus epoch millis><6 digits: 999999 minus a
 * sequence>}, so that the store's ascending key order is newest first, and a page of the log, a time range
 * and the cursor of the next page are all one key-range scan. Entries are kept {@link #DEFAULT_RETENTION}
 * (365 days), at most {@link #DEFAULT_MAX_ENTRIES}; the surplus is deleted in a batch every
 * {@link #DEFAULT_PRUNE_EVERY} writes, not on every write.
 *
 * <p>A detail never carries a secret. Callers put names, counts and reasons in it; this class refuses a
 * detail key that names a secret (password, token, code, secret, cookie...) and replaces any value that looks
 * like one (an API token, or a long unbroken run of base64 characters) with {@code (redacted)}. Thread-safe.
 */
public final class AuditLog {

    /** How long entries are kept. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(365);
    /** How many entries are kept at most. */
    public static final int DEFAULT_MAX_ENTRIES = 200_000;
    /** Retention is applied once per this many writes. */
    public static final int DEFAULT_PRUNE_EVERY = 1_000;
    /** The largest page {@link #query} returns. */
    public static final int MAX_LIMIT = 500;

    static final String PREFIX = "audit/";
    private static final long TIME_TOP = 9_999_999_999_999L;
    private static final int SEQ_TOP = 999_999;
    private static final Pattern CURSOR = Pattern.compile("[0-9]{19}");
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(pass|secret|token|code|cookie|csrf|hash|key|otp|credential).*");
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9_-]{32,}");
    private static final int MAX_VALUE_LENGTH = 256;
    private static final int BATCH = 500;

    /** One entry; {@code id} is also the cursor that pages after it. */
    public record Entry(String id, Instant time, String actor, String action, String target, String source,
            Map<String, String> detail, boolean ok) {}

    /** What to show: every non-null part must match ({@code since} inclusive, {@code until} exclusive). */
    public record Filter(String actor, String action, Instant since, Instant until) {
        /** No filter: every entry. */
        public static final Filter ALL = new Filter(null, null, null, null);
    }

    /** One page, newest first; {@code next} is the cursor of the next page, null on the last one. */
    public record Page(List<Entry> entries, String next) {}

    private final Store store;
    private final InstantSource clock;
    private final Duration retention;
    private final int maxEntries;
    private final int pruneEvery;
    private final Object lock = new Object();
    private long lastMillis = -1;
    private int seq;
    private int writesSincePrune;
    private long knownCount = -1;

    /** An audit log with the default retention (365 days, 200,000 entries). */
    public AuditLog(Store store, InstantSource clock) {
        this(store, clock, DEFAULT_RETENTION, DEFAULT_MAX_ENTRIES, DEFAULT_PRUNE_EVERY);
    }

    /**
     * An audit log that keeps entries for {@code retention}, at most {@code maxEntries} of them, and prunes
     * once per {@code pruneEvery} writes.
     */
    public AuditLog(Store store, InstantSource clock, Duration retention, int maxEntries, int pruneEvery) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.retention = requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention: " + retention + " (expected: positive)");
        }
        if (maxEntries < 1 || pruneEvery < 1) {
            throw new IllegalArgumentException("maxEntries, pruneEvery: " + maxEntries + ", " + pruneEvery
                    + " (expected: 1 or more)");
        }
        this.maxEntries = maxEntries;
        this.pruneEvery = pruneEvery;
    }

    /**
     * Records an entry. {@code detail} may be null or empty.
     *
     * @throws IllegalArgumentException when a detail key names a secret (password, token, code...)
     */
    public Entry record(String actor, String action, String target, String source, boolean ok,
            Map<String, String> detail) {
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        Map<String, String> clean = clean(detail);
        while (true) {
            Instant now = clock.instant();
            String id = nextId(now.toEpochMilli());
            Entry entry = new Entry(id, now, actor, action, target, source, clean, ok);
            // Compare-and-set: two nodes writing in the same millisecond never overwrite each other.
            if (store.compareAndSet(PREFIX + id, 0, StoredJson.write(entry)).isPresent()) {
                afterWrite();
                return entry;
            }
        }
    }

    /**
     * One page of entries matching {@code filter}, newest first, after the entry {@code afterCursor} (null
     * or empty: from the newest).
     *
     * @throws IllegalArgumentException when {@code limit} is not 1-500 or the cursor is not one of ours
     */
    public Page query(Filter filter, String afterCursor, int limit) {
        requireNonNull(filter, "filter");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1-" + MAX_LIMIT + ")");
        }
        String after = "";
        if (afterCursor != null && !afterCursor.isEmpty()) {
            if (!CURSOR.matcher(afterCursor).matches()) {
                throw new IllegalArgumentException("after: " + afterCursor + " (expected: a cursor from a page)");
            }
            after = PREFIX + afterCursor;
        }
        if (filter.until() != null) {
            String untilKey = PREFIX + olderThan(filter.until());
            after = after.compareTo(untilKey) > 0 ? after : untilKey;
        }
        List<Entry> found = new ArrayList<>();
        while (true) {
            List<Store.Entry> batch = store.list(PREFIX, after, BATCH);
            for (Store.Entry stored : batch) {
                Entry entry = StoredJson.read(stored, Entry.class);
                if (filter.since() != null && entry.time().isBefore(filter.since())) {
                    return new Page(found, null);
                }
                if (matches(filter, entry)) {
                    if (found.size() == limit) {
                        return new Page(found, found.get(limit - 1).id());
                    }
                    found.add(entry);
                }
            }
            if (batch.size() < BATCH) {
                return new Page(found, null);
            }
            after = batch.get(batch.size() - 1).key();
        }
    }

    /**
     * Deletes entries older than the retention, then, when there are more than the maximum, the oldest
     * beyond it. Runs by itself every {@code pruneEvery} writes; returns how many entries it deleted.
     */
    public int prune() {
        int deleted = 0;
        String after = PREFIX + olderThan(clock.instant().minus(retention));
        List<Store.Entry> batch;
        do {
            batch = store.list(PREFIX, after, BATCH);
            for (Store.Entry old : batch) {
                deleted += store.delete(old.key()) ? 1 : 0;
            }
        } while (batch.size() == BATCH);
        synchronized (lock) {
            if (knownCount >= 0 && knownCount - deleted <= maxEntries) {
                knownCount -= deleted;
                return deleted;
            }
        }
        long kept = 0;
        after = "";
        do {
            batch = store.list(PREFIX, after, BATCH);
            for (Store.Entry entry : batch) {
                if (kept < maxEntries) {
                    kept++;
                } else {
                    deleted += store.delete(entry.key()) ? 1 : 0;
                }
            }
            after = batch.isEmpty() ? after : batch.get(batch.size() - 1).key();
        } while (batch.size() == BATCH);
        synchronized (lock) {
            knownCount = kept;
        }
        return deleted;
    }

    private void afterWrite() {
        boolean due;
        synchronized (lock) {
            if (knownCount >= 0) {
                knownCount++;
            }
            due = ++writesSincePrune >= pruneEvery;
            if (due) {
                writesSincePrune = 0;
            }
        }
        if (due) {
            prune();
        }
    }

    private String nextId(long millis) {
        synchronized (lock) {
            if (millis != lastMillis) {
                lastMillis = millis;
                seq = 0;
            }
            if (seq > SEQ_TOP) {
                throw new IllegalStateException("more than " + SEQ_TOP + " audit entries in one millisecond");
            }
            return String.format(Locale.ROOT, "%013d%06d", TIME_TOP - millis, SEQ_TOP - seq++);
        }
    }

    /** The id after which every entry is older than {@code time}. */
    private static String olderThan(Instant time) {
        return String.format(Locale.ROOT, "%013d%06d", TIME_TOP - time.toEpochMilli(), SEQ_TOP);
    }

    private static boolean matches(Filter filter, Entry entry) {
        return (filter.actor() == null || filter.actor().equalsIgnoreCase(entry.actor()))
                && (filter.action() == null || filter.action().equals(entry.action()));
    }

    private static Map<String, String> clean(Map<String, String> detail) {
        if (detail == null || detail.isEmpty()) {
            return Map.of();
        }
        Map<String, String> clean = new LinkedHashMap<>();
        detail.forEach((key, value) -> {
            if (key == null || SECRET_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("detail key: " + key
                        + " (expected: no secrets in the audit log; leave out passwords, tokens and codes)");
            }
            String v = value == null ? null : looksSecret(value) ? "(redacted)"
                    : value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) + "..." : value;
            clean.put(key, v);
        });
        return clean;
    }

    /** An API token, or a run of 32+ base64url characters mixing upper case, lower case and digits. */
    static boolean looksSecret(String value) {
        if (value.contains("pct_")) {
            return true;
        }
        var m = RUN.matcher(value);
        while (m.find()) {
            String run = m.group();
            if (run.chars().anyMatch(Character::isUpperCase) && run.chars().anyMatch(Character::isLowerCase)
                    && run.chars().anyMatch(Character::isDigit)) {
                return true;
            }
        }
        return false;
    }
}
