package io.portcullis.forward;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Log lines for refused connections, at most {@link #PER_SECOND} a second: a scan or a flood must not
 * become a flood of log lines (or of disk writes). What is held back is counted and said once a second.
 */
final class RefusalLog {

    static final int PER_SECOND = 50;
    private final AtomicLong window = new AtomicLong();
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    /** Whether to write this line; when a new second starts, first says how many were held back. */
    boolean permit(Logger log) {
        long second = System.nanoTime() / 1_000_000_000L;
        long current = window.get();
        if (second != current && window.compareAndSet(current, second)) {
            inWindow.set(0);
            long held = suppressed.getAndSet(0);
            if (held > 0) {
                log.info("refused connections not logged in the last second(s): {}", held);
            }
        }
        if (inWindow.incrementAndGet() <= PER_SECOND) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }
}
