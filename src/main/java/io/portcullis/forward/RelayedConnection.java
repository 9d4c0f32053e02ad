package io.portcullis.forward;

import io.portcullis.net.Addresses;
import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * What every relayed TCP connection keeps and decides, whichever relay moves its bytes: admission and the
 * connection limit, the choice of target with retries on others, the counters, the idle timeout, the admin's
 * view and the closing log line. The relays themselves ({@link TcpConnection} on Netty channels,
 * {@link UringConnection} straight on the io_uring ring) only move bytes and report what happened.
 *
 * <p>Lives on one event loop; needs no synchronisation.
 */
abstract class RelayedConnection {

    final ForwardRuntime runtime;
    final ForwardRules rules;
    final int offset;
    final long startNanos = System.nanoTime();
    final IdleSweeper sweeper;
    Upstream upstream;
    private long tried;
    int attempts;
    private boolean counted;
    String endReason;
    private Admission.Ticket ticket = Admission.Ticket.ADMITTED;
    long bytesIn;
    long bytesOut;
    private boolean sawData;
    private final long idleNanos;
    private long lastActivity;
    int sweepIndex = -1;
    private long id;

    RelayedConnection(ForwardRuntime runtime, int offset, IdleSweeper sweeper) {
        this.runtime = runtime;
        this.rules = runtime.rules();
        this.offset = offset;
        this.sweeper = sweeper;
        this.idleNanos = rules.forward().timeouts().idle().toNanos();
        this.lastActivity = sweeper.now;
    }

    /** The client's address. */
    abstract InetSocketAddress client();

    /** The local address the client connected to. */
    abstract SocketAddress local();

    /** Ends the connection at once, both sides. */
    abstract void close(String reason);

    /** What the API lists; called on the connection's event loop. */
    final OpenConnection view(long nowNanos, java.time.Instant now) {
        Upstream u = upstream;
        return new OpenConnection(id, rules.forward().name(), Addresses.format(client()),
                u != null ? Addresses.format(u.socketAddress(offset)) : null,
                now.minusNanos(nowNanos - startNanos), bytesIn, bytesOut);
    }

    final long id() {
        return id;
    }

    /**
     * Asks the guard and the connection limit. True when the connection may go on: it is then counted as open
     * and listed, and {@link #finished} must follow. False when refused (counted and logged here); the caller
     * then resets the client.
     */
    final boolean admit(int localPort) {
        ForwardStats stats = runtime.stats;
        InetSocketAddress from = client();
        ticket = runtime.admission().admit(runtime.name(), Protocol.TCP, from, localPort);
        String refusal = ticket.refusal();
        if (refusal != null) {
            // Refused before anything is counted as open or relayed: the target never hears of this client.
            stats.refusedBy(refusal);
            if (runtime.logConnections() && runtime.refusalLog().permit(ForwardRuntime.CONNECTIONS)) {
                ForwardRuntime.CONNECTIONS.info("conn forward={} proto=tcp client={} listen={} refused={} why=\"{}\"",
                        rules.forward().name(), Addresses.format(from), Addresses.format(local()), refusal, ticket.detail());
            }
            return false;
        }
        int max = rules.forward().maxConnections();
        int open = stats.openConnections.incrementAndGet();
        counted = true;
        if (max > 0 && open > max) {
            refused("refused: max-connections " + max + " reached");
            return false;
        }
        stats.totalConnections.increment();
        // Listed by its event loop's sweeper (the admin API asks the loops), idle timeout or not.
        id = sweeper.add(this);
        return true;
    }

    /**
     * The next target to try, counted as active on it; null when none is left (the end reason says why, and
     * the connection counts as refused).
     */
    final Upstream nextTarget() {
        upstream = rules.pool().choose(client(), tried);
        if (upstream == null) {
            refused(attempts == 0 ? "refused: no healthy target" : endReason);
            return null;
        }
        attempts++;
        tried |= rules.pool().bitOf(upstream);
        upstream.active.incrementAndGet();
        return upstream;
    }

    /** The connection to {@code chosen} failed; true when another target may be tried. */
    final boolean targetFailed(Upstream chosen, String why) {
        chosen.active.decrementAndGet();
        upstream = null;
        runtime.stats.targetFailures.increment();
        chosen.recordFailure(why, rules.failureThreshold(), rules.activeChecks(), System.nanoTime());
        endReason = "target unreachable: " + chosen + " (" + why + ")";
        return attempts < rules.maxAttempts();
    }

    final void targetConnected(Upstream chosen) {
        chosen.recordSuccess();
        endReason = null;
    }

    /** Called by the sweeper: closes the connection when nothing has moved either way for the idle timeout. */
    void checkIdle(long now) {
        if (idleNanos > 0 && now - lastActivity > idleNanos) {
            close("idle timeout");
        }
    }

    /** When bytes last moved, in the sweeper's clock. */
    final long lastActivity() {
        return lastActivity;
    }

    final void count(boolean fromClient, int n) {
        lastActivity = sweeper.now;
        if (!sawData) {
            sawData = true;
            runtime.firstSpeaker(fromClient);
        }
        if (fromClient) {
            bytesIn += n;
            runtime.stats.bytesIn.add(n);
        } else {
            bytesOut += n;
            runtime.stats.bytesOut.add(n);
        }
    }

    final void end(String reason) {
        if (endReason == null) {
            endReason = reason;
        }
    }

    private void refused(String reason) {
        runtime.stats.refused.increment();
        endReason = reason;
    }

    /** The connection is gone: uncounts it and writes its log line. Once; a no-op for a refused client. */
    final void finished() {
        if (!counted) {
            return;
        }
        counted = false;
        ticket.release();
        sweeper.remove(this);
        runtime.stats.openConnections.decrementAndGet();
        if (upstream != null) {
            upstream.active.decrementAndGet();
        }
        if (runtime.logConnections()) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            ForwardRuntime.CONNECTIONS.info("conn forward={} proto=tcp client={} listen={} target={} bytes_in={} bytes_out={} duration_ms={} end=\"{}\"",
                    rules.forward().name(), Addresses.format(client()), Addresses.format(local()),
                    upstream != null ? Addresses.format(upstream.socketAddress(offset)) : "-", bytesIn, bytesOut, ms,
                    endReason == null ? "closed" : endReason);
        }
    }
}
