package io.portcullis.ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;

/** Test helpers that open sockets. */
final class Sockets {
    private Sockets() {}

    static ServerSocketChannel tcp(String address) throws IOException {
        InetAddress a = InetAddress.getByName(address);
        ServerSocketChannel ch = ServerSocketChannel.open(
                a instanceof java.net.Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        ch.bind(new InetSocketAddress(a, 0));
        return ch;
    }

    static DatagramChannel udp(String address) throws IOException {
        InetAddress a = InetAddress.getByName(address);
        DatagramChannel ch = DatagramChannel.open(
                a instanceof java.net.Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        ch.bind(new InetSocketAddress(a, 0));
        return ch;
    }

    static int port(NetworkChannel ch) throws IOException {
        return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    /** A port free for TCP and UDP right now, outside the ephemeral range. */
    static int freePort() throws IOException {
        return new FreePorts().find(java.util.EnumSet.allOf(io.portcullis.net.Protocol.class),
                new io.portcullis.net.PortRange(20_000, 30_000), false, 1, null).get(0);
    }
}
