package io.portcullis.ports;

import io.portcullis.net.Protocol;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One row of the kernel's socket tables: a TCP or UDP socket on this host (in this network namespace).
 *
 * <p>Addresses read from the IPv6 tables stay {@link Inet6Address}es, IPv4-mapped ones included, so that
 * {@link #ipv6()} tells which table a socket came from.
 *
 * @param protocol TCP or UDP
 * @param local the local address and port
 * @param remote the peer, or the wildcard with port 0 when there is none
 * @param state the kernel's state for the socket
 * @param uid the user id that created the socket
 * @param inode the socket's inode number, which ties it to the file descriptors of processes; 0 for
 *     sockets no process holds (such as TIME-WAIT)
 */
public record HostSocket(Protocol protocol, InetSocketAddress local, InetSocketAddress remote, SocketState state,
        int uid, long inode) {

    public HostSocket {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(state, "state");
    }

    /** Whether the socket waits for others: a listening TCP socket, or a bound, unconnected UDP socket. */
    public boolean isListening() {
        return protocol == Protocol.TCP ? state == SocketState.LISTEN : state == SocketState.UNCONN;
    }

    /** Whether the socket came from the IPv6 table (tcp6, udp6). */
    public boolean ipv6() {
        return local.getAddress() instanceof Inet6Address;
    }

    /** The local port. */
    public int port() {
        return local.getPort();
    }
}
