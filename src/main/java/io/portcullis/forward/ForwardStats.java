package io.portcullis.forward;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one forward, kept across reloads of that forward. Updated from every event loop, so
 * cumulative counts are {@link LongAdder}s; the open counts are exact because limits are checked against them.
 */
final class ForwardStats {
    final AtomicInteger openConnections = new AtomicInteger();
    final LongAdder totalConnections = new LongAdder();
    final AtomicInteger openUdpSessions = new AtomicInteger();
    final LongAdder totalUdpSessions = new LongAdder();
    /** Bytes from clients towards targets. */
    final LongAdder bytesIn = new LongAdder();
    /** Bytes from targets back to clients. */
    final LongAdder bytesOut = new LongAdder();
    final LongAdder packetsIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder targetFailures = new LongAdder();
    final LongAdder udpDropped = new LongAdder();
    /** Refusals by the guard, by kind (rule, limit, ban, spa); created on first use, as most forwards see none. */
    final ConcurrentHashMap<String, LongAdder> refusedBy = new ConcurrentHashMap<>();

    void refusedBy(String kind) {
        refused.increment();
        refusedBy.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    ForwardStatus.Counters snapshot() {
        return new ForwardStatus.Counters(openConnections.get(), totalConnections.sum(), openUdpSessions.get(),
                totalUdpSessions.sum(), bytesIn.sum(), bytesOut.sum(), packetsIn.sum(), packetsOut.sum(),
                refused.sum(), targetFailures.sum(), udpDropped.sum(), refusals());
    }

    private Map<String, Long> refusals() {
        Map<String, Long> out = new TreeMap<>();
        refusedBy.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
