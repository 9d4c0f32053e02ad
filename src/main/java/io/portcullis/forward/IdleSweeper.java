package io.portcullis.forward;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Closes idle TCP connections of one event loop. One timer per event loop scans its connections' last
 * activity, instead of a timer per connection: nothing is scheduled or cancelled per connection, and a read
 * costs one field write.
 *
 * <p>Lives on its event loop only; needs no locks. Resolution is {@link #TICK_MILLIS}.
 */
final class IdleSweeper {

    static final long TICK_MILLIS = 250;

    private final ArrayList<TcpConnection> connections = new ArrayList<>();
    private final ScheduledFuture<?> timer;
    /** The time of the last tick; connections stamp their activity with it rather than reading the clock. */
    long now = System.nanoTime();

    IdleSweeper(EventLoop loop) {
        timer = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    void add(TcpConnection c) {
        c.sweepIndex = connections.size();
        connections.add(c);
    }

    void remove(TcpConnection c) {
        int i = c.sweepIndex;
        if (i < 0 || i >= connections.size() || connections.get(i) != c) {
            return;
        }
        TcpConnection last = connections.remove(connections.size() - 1);
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
