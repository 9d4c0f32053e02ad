package io.portcullis.forward;

import io.portcullis.net.Addresses;
import io.portcullis.net.TargetAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One target of a forward together with what the gateway has learnt about it: its resolved address, how
 * many connections it carries, and whether it is fit for new ones.
 *
 * <p>Health has two sources. Passive: connection attempts that fail in a row. Active: the
 * {@link HealthChecker}'s probes. Without active checks a passively failed target rests for
 * {@link #PASSIVE_REST_NANOS} and is then tried again by real traffic.
 */
final class Upstream {

    static final long PASSIVE_REST_NANOS = 10_000_000_000L;

    final TargetAddress address;
    /** Null when the host name could not be resolved. */
    final InetAddress resolved;
    final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile boolean healthy;
    private volatile String downReason;
    private volatile long restUntilNanos;
    /** Probe results in a row; touched only by the health checker's event loop. */
    int probeFailures;
    int probeSuccesses;
    boolean probeInFlight;

    Upstream(TargetAddress address, InetAddress resolved, String unresolvedReason) {
        this.address = address;
        this.resolved = resolved;
        this.healthy = resolved != null;
        this.downReason = resolved != null ? null : unresolvedReason;
    }

    InetSocketAddress socketAddress(int offset) {
        return new InetSocketAddress(resolved, address.ports().portAt(offset));
    }

    /** Whether a new connection may go here now. */
    boolean available(long nowNanos) {
        return healthy && (restUntilNanos == 0 || nowNanos - restUntilNanos >= 0);
    }

    boolean healthy() {
        return healthy && restUntilNanos == 0;
    }

    String downReason() {
        if (!healthy) {
            return downReason;
        }
        return restUntilNanos != 0 ? downReason : null;
    }

    /** A real connection attempt failed; enough of them in a row take the target out of rotation. */
    void recordFailure(String why, int threshold, boolean activeChecks, long nowNanos) {
        int n = consecutiveFailures.incrementAndGet();
        if (n < threshold) {
            return;
        }
        downReason = n + " connection attempts in a row failed (last: " + why + ")";
        if (activeChecks) {
            healthy = false;
            probeSuccesses = 0;
        } else {
            restUntilNanos = nowNanos + PASSIVE_REST_NANOS;
        }
    }

    void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (restUntilNanos != 0) {
            restUntilNanos = 0;
            downReason = null;
        }
    }

    /** Active probe verdicts; called on the checker's event loop only. */
    void markDown(String reason) {
        downReason = reason;
        healthy = false;
    }

    void markUp() {
        consecutiveFailures.set(0);
        restUntilNanos = 0;
        downReason = null;
        healthy = resolved != null;
    }

    ForwardStatus.Target status() {
        return new ForwardStatus.Target(address.toString(), resolved == null ? null : Addresses.format(resolved),
                healthy(), downReason(), active.get());
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
