package io.portcullis.config;

/**
 * The {@code defaults:} block: values a forward takes for the keys it does not set itself, so ten
 * forwards that share a timeout say it once.
 *
 * <p>{@code proxyProtocol} applies only to forwards that carry TCP; the PROXY header has no UDP form here,
 * and a UDP-only forward should not fail because of a default meant for the others.
 */
record ForwardDefaults(Balance balance, Timeouts timeouts, int maxConnections, int maxUdpSessions, ProxyProtocol proxyProtocol) {

    /** What applies when the file has no {@code defaults:} block. */
    static final ForwardDefaults BUILT_IN = new ForwardDefaults(
            Balance.ROUND_ROBIN, Timeouts.DEFAULT, 0, Forward.DEFAULT_MAX_UDP_SESSIONS, ProxyProtocol.NONE);
}
