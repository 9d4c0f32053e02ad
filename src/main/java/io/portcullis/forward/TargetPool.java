package io.portcullis.forward;

import io.portcullis.config.Balance;
import io.portcullis.config.Forward;
import io.portcullis.net.Addresses;
import io.portcullis.net.TargetAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The targets of one forward and the rule that picks one for each new connection.
 *
 * <p>Built off the event loops (it resolves host names) and then read by all of them. A reload that keeps a
 * target keeps its {@link Upstream}, so health and open-connection counts carry over.
 */
final class TargetPool {

    private final Upstream[] upstreams;
    private final Balance balance;
    private final AtomicInteger next = new AtomicInteger();

    private TargetPool(Upstream[] upstreams, Balance balance) {
        this.upstreams = upstreams;
        this.balance = balance;
    }

    /** Resolves each target (blocking: call off the event loops), reusing upstreams of {@code previous}. */
    static TargetPool build(Forward forward, TargetPool previous) {
        List<Upstream> list = new ArrayList<>();
        for (TargetAddress t : forward.targets()) {
            InetAddress resolved = null;
            String reason = null;
            try {
                resolved = Addresses.parseLiteral(t.host()).orElse(null);
                if (resolved == null) {
                    resolved = InetAddress.getByName(t.host());
                }
            } catch (UnknownHostException e) {
                reason = "cannot resolve host '" + t.host() + "'";
            }
            Upstream kept = previous == null ? null : previous.find(t, resolved);
            list.add(kept != null ? kept : new Upstream(t, resolved, reason));
        }
        return new TargetPool(list.toArray(Upstream[]::new), forward.balance());
    }

    private Upstream find(TargetAddress t, InetAddress resolved) {
        for (Upstream u : upstreams) {
            if (u.address.equals(t) && java.util.Objects.equals(u.resolved, resolved)) {
                return u;
            }
        }
        return null;
    }

    List<Upstream> upstreams() {
        return List.of(upstreams);
    }

    int size() {
        return upstreams.length;
    }

    /**
     * A target for a new connection from {@code client}, skipping those whose bit is set in {@code tried}
     * (targets already tried for this connection); null when none is available.
     */
    Upstream choose(InetSocketAddress client, long tried) {
        long now = System.nanoTime();
        int n = upstreams.length;
        if (n == 1) {
            Upstream u = upstreams[0];
            return (tried & 1L) == 0 && u.available(now) ? u : null;
        }
        return switch (balance) {
            case ROUND_ROBIN -> roundRobin(now, tried);
            case LEAST_CONNECTIONS -> leastConnections(now, tried);
            case SOURCE_HASH -> sourceHash(client, now, tried);
        };
    }

    /** The bit that marks {@code u} as tried. */
    long bitOf(Upstream u) {
        for (int i = 0; i < upstreams.length && i < 64; i++) {
            if (upstreams[i] == u) {
                return 1L << i;
            }
        }
        return 0;
    }

    private static boolean tried(long tried, int i) {
        return i < 64 && (tried & (1L << i)) != 0;
    }

    private Upstream roundRobin(long now, long tried) {
        int n = upstreams.length;
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (!tried(tried, i) && upstreams[i].available(now)) {
                return upstreams[i];
            }
        }
        return null;
    }

    private Upstream leastConnections(long now, long tried) {
        int n = upstreams.length;
        // Start the scan at a rotating index so that ties are shared out rather than all going to the first.
        int start = Math.floorMod(next.getAndIncrement(), n);
        Upstream best = null;
        int bestActive = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            Upstream u = upstreams[i];
            if (tried(tried, i) || !u.available(now)) {
                continue;
            }
            int a = u.active.get();
            if (a < bestActive) {
                best = u;
                bestActive = a;
            }
        }
        return best;
    }

    /**
     * Rendezvous hashing: each client ranks the targets by a hash of (client, target) and takes the best
     * available one, so a target going down moves only its own clients.
     */
    private Upstream sourceHash(InetSocketAddress client, long now, long tried) {
        long clientHash = hashAddress(client.getAddress());
        Upstream best = null;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < upstreams.length; i++) {
            Upstream u = upstreams[i];
            if (tried(tried, i) || !u.available(now)) {
                continue;
            }
            long score = mix(clientHash ^ (0x9E3779B97F4A7C15L * (u.address.toString().hashCode() + 1L)));
            if (best == null || score > bestScore) {
                best = u;
                bestScore = score;
            }
        }
        return best;
    }

    private static long hashAddress(InetAddress address) {
        long h = 0x2545F4914F6CDD1DL;
        for (byte b : address.getAddress()) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
