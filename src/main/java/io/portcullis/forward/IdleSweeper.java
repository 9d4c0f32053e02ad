package io.portcullis.forward;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The open TCP connections of one event loop, and the closing of idle ones. One timer per event loop scans
 * its connections' last activity, instead of a timer per connection: nothing is scheduled or cancelled per
 * connection, and a read costs one field write.
 *
 * <p>It is also the registry the admin API lists and closes connections from ({@link ForwardEngine#connections}):
 * a connection costs an add to and a removal from this loop's list and a counter on the loop, with no shared
 * map, lock or atomic per connection. The admin's questions run as tasks on the loop instead.
 *
 * <p>Lives on its event loop only; needs no locks. Resolution is {@link #TICK_MILLIS}.
 */
final class IdleSweeper {

    static final long TICK_MILLIS = 250;

    private final ArrayList<RelayedConnection> connections = new ArrayList<>();
    private final ScheduledFuture<?> timer;
    private final int index;
    private final int loops;
    private long sequence;
    /** The time of the last tick; connections stamp their activity with it rather than reading the clock. */
    long now = System.nanoTime();

    final EventLoop loop;

    /** The sweeper of loop number {@code index} of {@code loops}; connection ids are unique over all of them. */
    IdleSweeper(EventLoop loop, int index, int loops) {
        this.loop = loop;
        this.index = index;
        this.loops = loops;
        timer = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Adds an open connection and returns its id: unique over all loops, never reused, and naming its loop. */
    long add(RelayedConnection c) {
        c.sweepIndex = connections.size();
        connections.add(c);
        return ++sequence * loops + index;
    }

    /** The loop whose connection has {@code id}. */
    static int loopOf(long id, int loops) {
        return (int) Math.floorMod(id, (long) loops);
    }

    /** On the loop: what the admin sees of each open connection. */
    void views(java.util.List<OpenConnection> out, long nowNanos, java.time.Instant now) {
        for (RelayedConnection c : connections) {
            out.add(c.view(nowNanos, now));
        }
    }

    /** On the loop: closes the connection with {@code id}; false when it is not (or no longer) open. */
    boolean close(long id) {
        for (RelayedConnection c : connections) {
            if (c.id() == id) {
                c.close("closed by an admin");
                return true;
            }
        }
        return false;
    }

    void remove(RelayedConnection c) {
        int i = c.sweepIndex;
        if (i < 0 || i >= connections.size() || connections.get(i) != c) {
            return;
        }
        RelayedConnection last = connections.remove(connections.size() - 1);
        if (last != c) {
            connections.set(i, last);
            last.sweepIndex = i;
        }
        c.sweepIndex = -1;
    }

    private void tick() {
        now = System.nanoTime();
        // Backwards, because closing a connection removes it (swapping the last one into its place).
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i < connections.size()) {
                connections.get(i).checkIdle(now);
            }
        }
    }

    void stop() {
        timer.cancel(false);
    }
}
