package io.portcullis.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a store's changes to its watches, in revision order, on one daemon thread of the store's (never
 * on the writer's thread, so a slow listener cannot stall a write).
 *
 * <p>Ordering rests on one rule the stores keep: they call {@link #open} and {@link #publish} while holding
 * their write lock, right after the change is committed. A watch opened at revision R is handed the history
 * up to R; every later change is published after it, onto the same single-threaded queue, so each listener
 * sees history then live changes, each once, in order.
 */
final class WatchHub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchHub.class);

    private final ExecutorService dispatcher;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();

    WatchHub(String threadName) {
        this.dispatcher = Executors.newSingleThreadExecutor(Keys.daemon(threadName));
    }

    /**
     * Opens a watch. {@code history} holds the kept changes under the prefix after the asked revision, up to
     * {@code liveAfter}; changes published later with a higher revision follow it. {@code liveAfter} is the
     * store's revision, or the asked one when the caller asked for a revision still to come. Call with the
     * write lock held.
     */
    Store.Watch open(String prefix, List<Store.Event> history, long liveAfter, Consumer<Store.Event> listener) {
        Watcher watcher = new Watcher(prefix, liveAfter, listener);
        watchers.add(watcher);
        List<Store.Event> replay = List.copyOf(history);
        submit(() -> replay.forEach(watcher::deliver));
        return watcher;
    }

    /** Queues committed changes for every open watch. Call with the write lock held, after the commit. */
    void publish(List<Store.Event> events) {
        if (events.isEmpty() || watchers.isEmpty()) {
            return;
        }
        List<Store.Event> batch = List.copyOf(events);
        submit(() -> {
            for (Store.Event event : batch) {
                for (Watcher watcher : watchers) {
                    if (event.revision() > watcher.openedAt) {
                        watcher.deliver(event);
                    }
                }
            }
        });
    }

    private void submit(Runnable task) {
        try {
            dispatcher.execute(task);
        } catch (RejectedExecutionException closed) {
            // The store is closing; its watches end with it.
        }
    }

    /** Stops delivering; queued changes are dropped. */
    @Override
    public void close() {
        watchers.forEach(w -> w.closed = true);
        watchers.clear();
        dispatcher.shutdown();
    }

    private final class Watcher implements Store.Watch {
        private final String prefix;
        private final long openedAt;
        private final Consumer<Store.Event> listener;
        private volatile boolean closed;

        Watcher(String prefix, long openedAt, Consumer<Store.Event> listener) {
            this.prefix = prefix;
            this.openedAt = openedAt;
            this.listener = listener;
        }

        void deliver(Store.Event event) {
            if (closed || !Keys.under(event.entry().key(), prefix)) {
                return;
            }
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("A watch on \"{}\" failed on the change at revision {}; it keeps receiving changes",
                        prefix, event.revision(), e);
            }
        }

        @Override
        public void close() {
            closed = true;
            watchers.remove(this);
        }
    }
}
