package io.portcullis.config;

import io.portcullis.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * When a client address is banned from every forward, as fail2ban's incremental bans work: {@code maxRetries}
 * offences (denied connections, limit violations, failed authorization) within {@code findTime} ban it for
 * {@code banTime}; each further ban of the same address lasts {@code factor} times longer than the one
 * before, up to {@code maxBanTime}.
 *
 * @param enabled whether offences lead to bans at all (bans added by hand apply either way)
 * @param maxRetries offences within the window that lead to a ban
 * @param findTime the window offences are counted in
 * @param banTime the first ban's length
 * @param factor how much longer each repeat ban is (1: always banTime)
 * @param maxBanTime the longest a ban may be
 * @param neverBan networks never banned automatically (the gateway-wide allow rules count too)
 */
public record BanPolicy(boolean enabled, int maxRetries, Duration findTime, Duration banTime, double factor,
        Duration maxBanTime, List<Cidr> neverBan) {

    public static final BanPolicy DEFAULT = new BanPolicy(true, 5, Duration.ofMinutes(10), Duration.ofMinutes(10), 2,
            Duration.ofDays(7), List.of());

    public BanPolicy {
        Objects.requireNonNull(findTime, "findTime");
        Objects.requireNonNull(banTime, "banTime");
        Objects.requireNonNull(maxBanTime, "maxBanTime");
        neverBan = List.copyOf(neverBan);
        checkMaxRetries(maxRetries);
        checkPositive("find-time", findTime);
        checkPositive("ban-time", banTime);
        checkPositive("max-ban-time", maxBanTime);
        checkFactor(factor);
        if (maxBanTime.compareTo(banTime) < 0) {
            throw new IllegalArgumentException("max-ban-time " + Durations.format(maxBanTime) + " is shorter than ban-time "
                    + Durations.format(banTime) + " (expected: at least ban-time)");
        }
    }

    static void checkMaxRetries(int n) {
        if (n < 1 || n > 1_000_000) {
            throw new IllegalArgumentException("max-retries " + n + " is out of range (expected: 1-1000000)");
        }
    }

    static void checkPositive(String key, Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(key + " " + Durations.format(d) + " is too short (expected: at least 1s)");
        }
    }

    static void checkFactor(double f) {
        if (!(f >= 1) || f > 1000) {
            throw new IllegalArgumentException("factor " + f + " is out of range (expected: 1-1000)");
        }
    }

    /** How long the {@code n}th ban (1-based) of one address lasts. */
    public Duration banLength(int n) {
        double seconds = banTime.toSeconds() * Math.pow(factor, Math.max(0, n - 1));
        return seconds >= maxBanTime.toSeconds() ? maxBanTime : Duration.ofSeconds((long) seconds);
    }
}
