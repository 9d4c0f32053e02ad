package io.portcullis.guard;

import io.portcullis.config.SourceLimits;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-address limits of one forward: connections and sessions open at once, and a token bucket for new
 * ones. State is kept only for addresses seen recently; {@link #sweep} drops addresses with nothing open and
 * a full bucket, which is exactly the state a new address starts in.
 */
final class SourceLimiter {

    /** What one address holds: its open count and its bucket. Locked per address, never globally. */
    static final class Slot {
        private final SourceLimiter owner;
        private final InetAddress address;
        int open;
        double tokens;
        /** Set by the sweep when it drops the slot; an acquire that raced with it takes a fresh one. */
        boolean dead;
        long refilled;

        Slot(SourceLimiter owner, InetAddress address, double tokens, long now) {
            this.owner = owner;
            this.address = address;
            this.tokens = tokens;
            this.refilled = now;
        }

        /** The connection or session admitted through this slot ended. */
        void release() {
            synchronized (this) {
                open--;
            }
        }

        InetAddress address() {
            return address;
        }

        SourceLimiter owner() {
            return owner;
        }
    }

    /**
     * Addresses tracked at once per forward. A flood of spoofed UDP sources must not grow memory without
     * bound; past this, new addresses are refused (fail closed) until the sweep frees room.
     */
    static final int MAX_TRACKED = 100_000;

    private final ConcurrentHashMap<InetAddress, Slot> slots = new ConcurrentHashMap<>();
    private volatile SourceLimits limits;

    SourceLimiter(SourceLimits limits) {
        this.limits = limits;
    }

    void update(SourceLimits next) {
        limits = next;
    }

    SourceLimits limits() {
        return limits;
    }

    /**
     * Takes a place for a new connection or session from {@code address}.
     *
     * @return the slot to release when it ends, or null with {@code why[0]} set when a limit refuses it
     */
    Slot acquire(InetAddress address, long now, String[] why) {
        SourceLimits l = limits;
        while (true) {
            if (slots.size() >= MAX_TRACKED && !slots.containsKey(address)) {
                why[0] = "too many clients at once (" + MAX_TRACKED + " addresses tracked for this forward's limits)";
                return null;
            }
            Slot s = slots.computeIfAbsent(address, a -> new Slot(this, a, l.burst(), now));
            synchronized (s) {
                if (s.dead) {
                    continue;
                }
                return take(s, l, now, why);
            }
        }
    }

    private static Slot take(Slot s, SourceLimits l, long now, String[] why) {
        {
            if (l.ratePerSecond() > 0) {
                double refill = (now - s.refilled) / 1e9 * l.ratePerSecond();
                s.tokens = Math.min(l.burst(), s.tokens + refill);
                s.refilled = now;
            }
            if (l.maxPerSource() > 0 && s.open >= l.maxPerSource()) {
                why[0] = "per-source-connections " + l.maxPerSource() + " reached";
                return null;
            }
            if (l.ratePerSecond() > 0) {
                if (s.tokens < 1) {
                    why[0] = "per-source-rate " + formatRate(l.ratePerSecond()) + " (burst " + l.burst() + ") exceeded";
                    return null;
                }
                s.tokens -= 1;
            }
            s.open++;
            return s;
        }
    }

    private static String formatRate(double perSecond) {
        if (perSecond >= 1) {
            return (perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond)) + "/s";
        }
        return Math.round(perSecond * 60 * 100) / 100.0 + "/m";
    }

    /** Drops addresses that hold nothing and whose bucket has refilled. */
    void sweep(long now) {
        SourceLimits l = limits;
        slots.values().removeIf(s -> {
            synchronized (s) {
                boolean full = l.ratePerSecond() <= 0 || s.tokens + (now - s.refilled) / 1e9 * l.ratePerSecond() >= l.burst();
                if (s.open <= 0 && full) {
                    s.dead = true;
                    return true;
                }
                return false;
            }
        });
    }

    int tracked() {
        return slots.size();
    }
}
