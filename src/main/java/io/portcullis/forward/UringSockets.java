package io.portcullis.forward;

import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/**
 * The few Linux constants, sockets and per-loop buffers the io_uring relay ({@link UringListener},
 * {@link UringConnection}) needs beside Netty's public io_uring API.
 */
final class UringSockets {

    static final byte OP_POLL_ADD = 6;
    static final byte OP_ACCEPT = 13;
    static final byte OP_ASYNC_CANCEL = 14;
    static final byte OP_CONNECT = 16;
    static final byte OP_SEND = 26;
    static final byte OP_RECV = 27;
    static final short ACCEPT_MULTISHOT = 1;
    static final int CQE_F_MORE = 1 << 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int POLLIN = 0x1;
    static final int POLLOUT = 0x4;
    static final int POLLERR = 0x8;
    static final int POLLHUP = 0x10;
    static final int POLLRDHUP = 0x2000;
    static final int ECANCELED = -125;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_IPV6 = 41;
    static final int TCP_QUICKACK = 12;
    static final int IPV6_V6ONLY = 26;
    private static final short AF_INET = 2;
    private static final short AF_INET6 = 10;

    /** Bytes one read takes in; also the most a connection holds per direction when its receiver is slow. */
    static final int CHUNK = 64 * 1024;

    /** Bytes one receive through the ring takes in (a connection carrying keep-alive traffic holds one per direction). */
    static final int RECV_BUFFER = 16 * 1024;

    private UringSockets() {}

    /** Netty's own socket constructor for a given family is protected; this subclass only reaches it. */
    private static final class Family extends Socket {
        private Family() {
            super(-1);
        }

        static int stream(boolean ipv6) {
            return newSocketStream0(ipv6);
        }
    }

    /** A non-blocking TCP socket of the family of the address it will bind or connect to. */
    static Socket newStream(boolean ipv6) {
        return new Socket(Family.stream(ipv6));
    }

    static void closeFd(int fd) {
        try {
            new Socket(fd).close();
        } catch (IOException ignored) {
            // Nothing to do about a descriptor that cannot be closed.
        }
    }

    /** The error of a negative io_uring result in words, such as "Connection refused". */
    static String strerror(int res) {
        return Relay.describe(Errors.newIOException("io_uring", res));
    }

    /** A struct sockaddr_in or sockaddr_in6 for {@code address}, in memory the kernel can read. */
    static ByteBuffer sockaddr(InetSocketAddress address) {
        ByteBuffer b = ByteBuffer.allocateDirect(28).order(ByteOrder.nativeOrder());
        byte[] ip = address.getAddress().getAddress();
        boolean v6 = address.getAddress() instanceof Inet6Address;
        b.putShort(0, v6 ? AF_INET6 : AF_INET);
        b.put(2, (byte) (address.getPort() >>> 8));
        b.put(3, (byte) address.getPort());
        if (v6) {
            b.put(8, ip);
            b.putInt(24, ((Inet6Address) address.getAddress()).getScopeId());
            b.limit(28);
        } else {
            b.put(4, ip);
            b.limit(16);
        }
        return b;
    }

    /** Per event loop: the buffer every read goes through, and spare buffers for what a slow receiver has not taken. */
    static final class LoopBuffers {
        final ByteBuffer scratch = ByteBuffer.allocateDirect(CHUNK);
        final long scratchAddress = io.netty.channel.unix.Buffer.memoryAddress(scratch);
        private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
        private final ArrayDeque<ByteBuffer> spareSmall = new ArrayDeque<>();

        /** A buffer of {@link #CHUNK} bytes, for what a slow receiver has not taken yet. */
        ByteBuffer take() {
            ByteBuffer b = spare.poll();
            return b != null ? b.clear() : ByteBuffer.allocateDirect(CHUNK);
        }

        /** A buffer of {@link #RECV_BUFFER} bytes, for a receive through the ring. */
        ByteBuffer takeSmall() {
            ByteBuffer b = spareSmall.poll();
            return b != null ? b.clear() : ByteBuffer.allocateDirect(RECV_BUFFER);
        }

        void give(ByteBuffer b) {
            // A few kept for the next connection; the rest go back to the collector.
            ArrayDeque<ByteBuffer> to = b.capacity() == RECV_BUFFER ? spareSmall : spare;
            if (to.size() < 256) {
                to.push(b);
            }
        }
    }

    private static final FastThreadLocal<LoopBuffers> BUFFERS = new FastThreadLocal<>() {
        @Override
        protected LoopBuffers initialValue() {
            return new LoopBuffers();
        }
    };

    static LoopBuffers buffers() {
        return BUFFERS.get();
    }
}
