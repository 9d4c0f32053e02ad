package io.portcullis.ports;

import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;

/**
 * Turns a failed bind into a sentence a person understands, for the gateway's log line and
 * {@code portcullis status}: who holds the port, which privilege a system port needs, or that the address
 * is not on this host.
 *
 * <p>It understands NIO's {@link java.net.BindException} and Netty's epoll {@code NativeIoException} by
 * message and errno, without depending on Netty.
 */
public final class BindFailure {

    private BindFailure() {}

    /**
     * Explains why binding {@code address} for {@code protocol} failed with {@code cause}, e.g. "port 8080/tcp
     * on 0.0.0.0 is already in use by nginx (pid 1234, user www-data, running since 2026-11-22 09:14:03)."
     * Looks at this host's sockets and processes; never throws, and falls back to the cause's own message.
     *
     * @param protocol the transport of the failed bind
     * @param address the address and port that could not be bound
     * @param cause what the bind threw (its cause chain is searched too)
     * @return one or more sentences, without a trailing newline
     */
    public static String explain(Protocol protocol, InetSocketAddress address, Throwable cause) {
        if (protocol == null || address == null) {
            return "bind failed: " + (cause == null ? "unknown cause" : cause.getMessage());
        }
        if (cause == null) {
            return PortCheck.where(protocol, address) + " cannot be bound.";
        }
        try {
            return new PortCheck().explain(protocol, address, cause);
        } catch (RuntimeException | LinkageError e) {
            return PortCheck.where(protocol, address) + " cannot be bound: " + cause.getMessage();
        }
    }
}
