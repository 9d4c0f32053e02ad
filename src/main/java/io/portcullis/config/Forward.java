package io.portcullis.config;

import io.portcullis.net.ListenAddress;
import io.portcullis.net.Protocol;
import io.portcullis.net.TargetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One published service: traffic arriving on {@code listen} goes to one of {@code targets}.
 *
 * <p>This is the unit users name, reload, enable and count. Everything about it is checked here, so a
 * {@code Forward} that exists can be started.
 *
 * @param name unique name, used in logs, status and the API
 * @param protocols TCP, UDP or both
 * @param listen local address and port or port range
 * @param targets where traffic goes; port ranges map position by position
 * @param balance how a target is chosen when there are several
 * @param timeouts connect, idle and UDP-session clocks
 * @param maxConnections open TCP connections allowed at once (0: no limit)
 * @param maxUdpSessions UDP sessions allowed at once
 * @param healthCheck active checks of the targets, if any (passive failure marking is always on)
 * @param proxyProtocol whether the target is told the client's address
 * @param enabled a disabled forward is kept in the config but does not listen
 * @param guard access rules, per-client limits and single-packet authorization for this forward
 */
public record Forward(
        String name,
        Set<Protocol> protocols,
        ListenAddress listen,
        List<TargetAddress> targets,
        Balance balance,
        Timeouts timeouts,
        int maxConnections,
        int maxUdpSessions,
        Optional<HealthCheck> healthCheck,
        ProxyProtocol proxyProtocol,
        boolean enabled,
        ForwardGuard guard) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** Default cap on UDP sessions per forward. */
    public static final int DEFAULT_MAX_UDP_SESSIONS = 10_000;

    public Forward {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocols, "protocols");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Objects.requireNonNull(guard, "guard");
        checkName(name);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("forward '" + name + "' has no protocol (expected: tcp, udp or both)");
        }
        protocols = Set.copyOf(EnumSet.copyOf(protocols));
        targets = List.copyOf(targets);
        checkListen(listen);
        checkTargets(name, targets);
        for (TargetAddress t : targets) {
            checkTarget(listen, t);
        }
        checkMaxConnections(maxConnections);
        checkMaxUdpSessions(maxUdpSessions);
        checkProxyProtocol(name, proxyProtocol, protocols);
    }

    /** A forward with no guard of its own (the gateway-wide rules and bans still apply). */
    public Forward(String name, Set<Protocol> protocols, ListenAddress listen, List<TargetAddress> targets, Balance balance,
            Timeouts timeouts, int maxConnections, int maxUdpSessions, Optional<HealthCheck> healthCheck,
            ProxyProtocol proxyProtocol, boolean enabled) {
        this(name, protocols, listen, targets, balance, timeouts, maxConnections, maxUdpSessions, healthCheck,
                proxyProtocol, enabled, ForwardGuard.NONE);
    }

    // The checks below are the constructor's, one rule each, so that the config loader can run each against
    // the one YAML value it came from and report the problem at that value's line and column.

    public static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("forward name '" + name
                    + "' is not allowed (expected: 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
    }

    static void checkListen(ListenAddress listen) {
        if (listen.ports().first() == 0 && !listen.ports().isSingle()) {
            throw new IllegalArgumentException("listen range " + listen.ports() + " starts at port 0 (expected: ports 1-65535 in a range)");
        }
    }

    static void checkTargets(String name, List<TargetAddress> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("forward '" + name + "' has no targets (expected: at least one host:port)");
        }
    }

    static void checkTarget(ListenAddress listen, TargetAddress t) {
        if (!t.ports().isSingle() && t.ports().size() != listen.ports().size()) {
            throw new IllegalArgumentException("target " + t + " has " + t.ports().size() + " ports but listen "
                    + listen + " has " + listen.ports().size()
                    + " (expected: the same number of ports, or a single target port)");
        }
        if (t.ports().first() == 0) {
            throw new IllegalArgumentException("target " + t + " uses port 0 (expected: 1-65535)");
        }
    }

    static void checkMaxConnections(int maxConnections) {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections " + maxConnections + " is negative (expected: 0 for no limit, or a positive number)");
        }
    }

    static void checkMaxUdpSessions(int maxUdpSessions) {
        if (maxUdpSessions < 0) {
            throw new IllegalArgumentException("max-udp-sessions " + maxUdpSessions + " is negative (expected: at least 1)");
        }
        if (maxUdpSessions < 1) {
            throw new IllegalArgumentException("max-udp-sessions " + maxUdpSessions + " is out of range (expected: at least 1)");
        }
    }

    static void checkProxyProtocol(String name, ProxyProtocol proxyProtocol, Set<Protocol> protocols) {
        if (proxyProtocol != ProxyProtocol.NONE && protocols.contains(Protocol.UDP) && !protocols.contains(Protocol.TCP)) {
            throw new IllegalArgumentException("proxy-protocol " + proxyProtocol.configName()
                    + " needs TCP, but forward '" + name + "' is UDP only (expected: proxy-protocol: none)");
        }
    }

    /** A forward with every optional setting at its default, as the simplest config writes it. */
    public static Forward simple(String name, Set<Protocol> protocols, ListenAddress listen, List<TargetAddress> targets) {
        return new Forward(name, protocols, listen, targets, Balance.ROUND_ROBIN, Timeouts.DEFAULT, 0,
                DEFAULT_MAX_UDP_SESSIONS, Optional.empty(), ProxyProtocol.NONE, true);
    }

    public boolean has(Protocol protocol) {
        return protocols.contains(protocol);
    }

    /** A copy with another {@code enabled} flag. */
    public Forward withEnabled(boolean on) {
        return new Forward(name, protocols, listen, targets, balance, timeouts, maxConnections, maxUdpSessions,
                healthCheck, proxyProtocol, on, guard);
    }

    /** A copy with another guard. */
    public Forward withGuard(ForwardGuard g) {
        return new Forward(name, protocols, listen, targets, balance, timeouts, maxConnections, maxUdpSessions,
                healthCheck, proxyProtocol, enabled, g);
    }
}
