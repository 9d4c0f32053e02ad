package io.portcullis.forward;

import java.util.List;
import java.util.Map;

/**
 * What a running forward looks like right now, for {@code portcullis status} and the API.
 *
 * @param name the forward's name
 * @param protocols "tcp", "udp" or "tcp+udp"
 * @param listen the listen address as configured
 * @param state {@code listening}, {@code partial} (some ports failed to bind), {@code failed} or {@code disabled}
 * @param listeners one entry per bound (or failed) socket address and protocol
 * @param targets the targets and their health
 * @param counters traffic and refusal counters since the gateway started
 */
public record ForwardStatus(String name, String protocols, String listen, String state, List<Listener> listeners,
        List<Target> targets, Counters counters) {

    /**
     * One listening socket.
     *
     * @param protocol tcp or udp
     * @param address address:port
     * @param error why it could not bind, or null when it listens
     */
    public record Listener(String protocol, String address, String error) {}

    /**
     * One target.
     *
     * @param address host:port(s) as configured
     * @param resolved the IP address it resolved to, or null when it could not be resolved
     * @param healthy whether new connections may go to it
     * @param reason why it is down, or null
     * @param active open connections and sessions to it now
     */
    public record Target(String address, String resolved, boolean healthy, String reason, int active) {}

    /**
     * Counters since start.
     *
     * @param openConnections TCP connections open now
     * @param totalConnections TCP connections accepted and relayed, ever
     * @param openUdpSessions UDP sessions open now
     * @param totalUdpSessions UDP sessions, ever
     * @param bytesIn bytes from clients to targets
     * @param bytesOut bytes from targets to clients
     * @param packetsIn UDP packets from clients
     * @param packetsOut UDP packets to clients
     * @param refused connections and sessions refused (limits, no healthy target)
     * @param targetFailures failed attempts to reach a target
     * @param udpDropped UDP packets dropped (queue full, session limit)
     * @param refusedBy refusals by the guard, by kind: rule, limit, ban, spa (included in {@code refused})
     */
    public record Counters(int openConnections, long totalConnections, int openUdpSessions, long totalUdpSessions,
            long bytesIn, long bytesOut, long packetsIn, long packetsOut, long refused, long targetFailures,
            long udpDropped, Map<String, Long> refusedBy) {

        public Counters {
            refusedBy = Map.copyOf(refusedBy);
        }
    }
}
