package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Slows down password guessing at the login, in memory. It exists because Argon2id makes each guess cost
 * the attacker little and the gateway 19 MiB of memory and tens of milliseconds: guesses must be few.
 *
 * <p>Rules, each with its own counter:
 * <ul>
 *   <li>per source address: after {@value #FREE_FAILURES} failures in a row, each attempt waits 1 s after the
 *       last failure, doubling with each further failure, at most 15 minutes;
 *   <li>per account, from unknown devices: the same slow-down, and at most {@code maxFailuresPerAccountPerHour}
 *       failures (100) an hour; after that unknown devices are refused for that account until the hour ends;
 *   <li>per account, from known devices (ones holding a valid {@link DeviceCookies device cookie}): a counter
 *       of their own with a small budget ({@code knownDeviceFailuresPerHour}, 10), so that an attacker who
 *       exhausts the account's budget from elsewhere cannot lock the real user out.
 * </ul>
 * A success clears the source's counter and the account's slow-down (not its hourly count). Counters quiet
 * for an hour count for nothing; each map holds at most {@code maxEntries} (100,000) counters, the least recently
 * used going first, so a flood of distinct addresses cannot exhaust memory. Every failure is also reported to
 * {@code onOffence} with its source, so the gateway's guard can count it toward a ban.
 *
 * <p>Thread-safe; every call is O(1).
 */
public final class LoginThrottle {

    /** Failures in a row before the slow-down starts. */
    public static final int FREE_FAILURES = 5;
    /** The first wait. */
    public static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    /** The longest wait. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(15);
    private static final long HOUR = Duration.ofHours(1).toMillis();

    /** Whether an attempt may go ahead now; when not, how long to wait ({@code Retry-After}) and why. */
    public record Verdict(boolean allowed, Duration retryAfter, String reason) {
        static final Verdict ALLOWED = new Verdict(true, Duration.ZERO, "");

        static Verdict refused(long millis, String reason) {
            return new Verdict(false, Duration.ofMillis(Math.max(1, millis)), reason);
        }
    }

    /** Failures of one source or account: in a row (for the slow-down) and in the current hour. */
    private static final class Counter {
        int inRow;
        long lastFailure;
        long windowStart;
        int inWindow;

        void fail(long now) {
            if (now - lastFailure >= HOUR) {
                inRow = 0;
            }
            if (now - windowStart >= HOUR) {
                windowStart = now;
                inWindow = 0;
            }
            inRow++;
            inWindow++;
            lastFailure = now;
        }

        long delayLeft(long now) {
            if (inRow < FREE_FAILURES || now - lastFailure >= HOUR) {
                return 0;
            }
            long delay = Math.min(FIRST_DELAY.toMillis() << Math.min(inRow - FREE_FAILURES, 20), MAX_DELAY.toMillis());
            return lastFailure + delay - now;
        }

        long windowLeft(int budget, long now) {
            return now - windowStart < HOUR && inWindow >= budget ? windowStart + HOUR - now : 0;
        }
    }

    private final InstantSource clock;
    private final int maxPerAccount;
    private final int knownDeviceBudget;
    private final Consumer<String> onOffence;
    private final Map<String, Counter> sources;
    private final Map<String, Counter> accounts;
    private final Map<String, Counter> knownDevices;

    /** A throttle with the defaults: 100 failures per account an hour, 10 from known devices, 100,000 entries. */
    public LoginThrottle(InstantSource clock, Consumer<String> onOffence) {
        this(clock, 100, 10, 100_000, onOffence);
    }

    /** A throttle with the given budgets and size of each map. */
    public LoginThrottle(InstantSource clock, int maxFailuresPerAccountPerHour, int knownDeviceFailuresPerHour,
            int maxEntries, Consumer<String> onOffence) {
        this.clock = requireNonNull(clock, "clock");
        this.onOffence = requireNonNull(onOffence, "onOffence");
        if (maxFailuresPerAccountPerHour < 1 || knownDeviceFailuresPerHour < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("maxFailuresPerAccountPerHour, knownDeviceFailuresPerHour, maxEntries: "
                    + maxFailuresPerAccountPerHour + ", " + knownDeviceFailuresPerHour + ", " + maxEntries
                    + " (expected: 1 or more)");
        }
        this.maxPerAccount = maxFailuresPerAccountPerHour;
        this.knownDeviceBudget = knownDeviceFailuresPerHour;
        this.sources = bounded(maxEntries);
        this.accounts = bounded(maxEntries);
        this.knownDevices = bounded(maxEntries);
    }

    /** May a login attempt for {@code user} from {@code source} go ahead now? Call before checking the password. */
    public synchronized Verdict check(String user, String source, boolean knownDevice) {
        long now = clock.millis();
        Counter bySource = sources.get(requireNonNull(source, "source"));
        if (bySource != null && bySource.delayLeft(now) > 0) {
            return Verdict.refused(bySource.delayLeft(now), "too many failed logins from this address");
        }
        Counter byAccount = (knownDevice ? knownDevices : accounts).get(account(user));
        if (byAccount == null) {
            return Verdict.ALLOWED;
        }
        long locked = byAccount.windowLeft(knownDevice ? knownDeviceBudget : maxPerAccount, now);
        if (locked > 0) {
            return Verdict.refused(locked, knownDevice ? "too many failed logins for this account"
                    : "too many failed logins for this account; only known devices may try until the hour ends");
        }
        long wait = byAccount.delayLeft(now);
        return wait > 0 ? Verdict.refused(wait, "too many failed logins for this account") : Verdict.ALLOWED;
    }

    /** Notes a failed login (wrong name, password or second factor) and reports the source to the guard. */
    public void failed(String user, String source, boolean knownDevice) {
        requireNonNull(source, "source");
        synchronized (this) {
            long now = clock.millis();
            sources.computeIfAbsent(source, s -> new Counter()).fail(now);
            (knownDevice ? knownDevices : accounts).computeIfAbsent(account(user), a -> new Counter()).fail(now);
        }
        onOffence.accept(source);
    }

    /** Notes a successful login: the source starts afresh, and the account's slow-down ends. */
    public synchronized void succeeded(String user, String source) {
        sources.remove(requireNonNull(source, "source"));
        for (Map<String, Counter> map : List.of(accounts, knownDevices)) {
            Counter c = map.get(account(user));
            if (c != null) {
                c.inRow = 0;
            }
        }
    }

    /** How many counters are held (for tests and metrics). */
    public synchronized int size() {
        return sources.size() + accounts.size() + knownDevices.size();
    }

    private static String account(String user) {
        String name = user == null ? "" : user.toLowerCase(Locale.ROOT);
        return name.length() > 128 ? name.substring(0, 128) : name;
    }

    private static Map<String, Counter> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
                return size() > max;
            }
        };
    }
}
