package io.portcullis.ports;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;

/** A child process for tests: holds a TCP listener and a UDP socket on 127.0.0.1, prints their ports, waits. */
public final class SocketHolder {
    private SocketHolder() {}

    public static void main(String[] args) throws Exception {
        try (ServerSocketChannel tcp = ServerSocketChannel.open(); DatagramChannel udp = DatagramChannel.open()) {
            tcp.bind(new InetSocketAddress("127.0.0.1", 0));
            udp.bind(new InetSocketAddress("127.0.0.1", 0));
            System.out.println(((InetSocketAddress) tcp.getLocalAddress()).getPort() + " "
                    + ((InetSocketAddress) udp.getLocalAddress()).getPort());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
