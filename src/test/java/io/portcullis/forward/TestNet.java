package io.portcullis.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Real sockets on loopback for the data-plane tests: free ports, echo servers, helpers. */
final class TestNet {

    private TestNet() {}

    /**
     * Ports handed out walk upwards from a random start below the kernel's ephemeral range, so two calls in one
     * run never return the same port and no port handed out collides with one the kernel gives to bind(0).
     */
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(20_000, 30_000));

    /** A port free for both TCP and UDP on 127.0.0.1 (a UDP forward on a TCP-only free port can lose its bind). */
    static int freePort() {
        return freeRange(1);
    }

    /** The first of {@code n} consecutive ports free for TCP and UDP on 127.0.0.1. */
    static int freeRange(int n) {
        for (int attempt = 0; attempt < 500; attempt++) {
            int base = NEXT.getAndAdd(n);
            if (base + n > 32_000) {
                NEXT.compareAndSet(base + n, 20_000);
                continue;
            }
            if (allFree(base, n)) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range");
    }

    private static boolean allFree(int base, int n) {
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (int p = base; p < base + n; p++) {
                held.add(new ServerSocket(p, 1, InetAddress.getLoopbackAddress()));
                held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p)));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (AutoCloseable c : held) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    /** A TCP server that echoes what it reads, prefixed with a tag line so tests see which one answered. */
    static final class EchoServer implements AutoCloseable {
        final ServerSocket server;
        final String tag;
        final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> open = new ArrayList<>();

        EchoServer(String tag) throws IOException {
            this(tag, InetAddress.getLoopbackAddress(), 0);
        }

        EchoServer(String tag, InetAddress address, int port) throws IOException {
            this.tag = tag;
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port), 200);
            // A platform thread: closing a socket that a virtual thread is blocked on may be deferred, and a test
            // that closes a target must see its port refuse at once.
            acceptor = Thread.ofPlatform().daemon().start(this::acceptLoop);
        }

        private final Thread acceptor;

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    synchronized (open) {
                        open.add(s);
                    }
                    Thread.ofVirtual().start(() -> echo(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void echo(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                out.write((tag + "\n").getBytes());
                out.flush();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** A UDP server that answers each datagram with tag + ":" + payload. */
    static final class UdpEcho implements AutoCloseable {
        final DatagramSocket socket;

        UdpEcho(String tag) throws IOException {
            this(tag, InetAddress.getLoopbackAddress(), 0);
        }

        UdpEcho(String tag, InetAddress address, int port) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(address, port));
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[65_535];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        byte[] reply = (tag + ":" + new String(p.getData(), 0, p.getLength())).getBytes();
                        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Reads one line (up to '\n') from {@code in}. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            sb.append((char) c);
        }
        return sb.toString();
    }
}
