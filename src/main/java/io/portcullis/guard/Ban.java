package io.portcullis.guard;

import io.portcullis.net.Cidr;
import java.time.Instant;
import java.util.Objects;

/**
 * A network (usually one address) that may not reach any forward until {@code until}.
 *
 * @param network who is banned
 * @param since when the ban began
 * @param until when it ends by itself
 * @param reason why, in words ("5 offences in 10m: denied by rule ...", or what the operator typed)
 * @param count which ban of this address this is (1 for the first); later bans last longer
 * @param manual added by an operator rather than by the offence counter
 */
public record Ban(Cidr network, Instant since, Instant until, String reason, int count, boolean manual) {

    public Ban {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(reason, "reason");
    }

    /** A ban made by hand lasts at least a second; anything shorter is a typing mistake. */
    public static void checkLength(java.time.Duration d) {
        if (d.compareTo(java.time.Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("duration " + io.portcullis.config.Durations.format(d) + " is too short (expected: at least 1s)");
        }
    }

    public boolean activeAt(Instant now) {
        return now.isBefore(until);
    }

    /** As the control socket and {@code portcullis bans --json} show it: plain strings and numbers. */
    public java.util.Map<String, Object> view() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("network", network.toString());
        m.put("since", since.toString());
        m.put("until", until.toString());
        m.put("reason", reason);
        m.put("count", count);
        m.put("manual", manual);
        return m;
    }
}
