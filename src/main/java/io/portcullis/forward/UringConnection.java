package io.portcullis.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.portcullis.config.ProxyProtocol;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection relayed to one target straight on the io_uring ring of its event loop, without Netty
 * channels: a new connection costs two sockets, one registration and this object, where the channel relay
 * ({@link TcpConnection}) builds two channels with their pipelines, promises and listeners. Measured, that is
 * most of the difference in new connections per second (docs/performance.md, docs/decisions/0003).
 *
 * <p>How bytes move: at first the ring tells when a socket is readable (a poll request, which holds no buffer, so
 * an idle connection costs no buffer memory); the bytes are then read with recv(2) into one buffer shared by the
 * loop and written at once with send(2) to the other socket. Only what the receiver cannot take at once is copied
 * into a buffer of the connection's own, and that direction stops reading until it has gone out: at most
 * {@link UringSockets#CHUNK} bytes per direction, however fast the sender and slow the receiver. A direction that
 * keeps carrying reads (keep-alive traffic) receives and sends through the ring instead, from a
 * {@link UringSockets#RECV_BUFFER} buffer of its own, until a quiet second gives the buffer back.
 *
 * <p>Half-close: a FIN read on one side is passed on with shutdown(2) and the other direction keeps flowing;
 * the second FIN ends the connection. Connecting goes through the ring too, with a timer that cancels it.
 */
final class UringConnection extends RelayedConnection implements IoUringIoHandle {

    /** Operation kinds in the low bits of an operation's data; the direction (0 from client, 1 from target) above. */
    private static final short CONNECT = 1;
    private static final short CANCEL = 2;
    private static final short POLL_IN = 3;
    private static final short POLL_OUT = 4;
    private static final short RECV = 5;
    private static final short SEND = 6;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** After this many reads in one direction, it reads through the ring into a buffer of its own (see readable). */
    private static final int HOT_READS = 2;
    /** A direction that has read nothing for this long gives its buffer back and waits by poll again. */
    private static final long COOL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int FROM_CLIENT = 0;
    private static final int FROM_TARGET = 1;

    private final IoEventLoop loop;
    private final UringListener listener;
    private final Socket client;
    private InetSocketAddress clientAddress;
    private Socket backend;
    private IoRegistration registration;
    private int outstanding;
    /** Ids of the requests in flight, by slot: poll-in per direction, poll-out per direction, connect. */
    private final long[] inFlight = new long[5];
    private static final int SLOT_CONNECT = 4;
    private final ByteBuffer[] pending = new ByteBuffer[2];
    private final boolean[] ended = new boolean[2];
    /** Reads so far per direction, up to {@link #HOT_READS}. */
    private final int[] reads = new int[2];
    /** The buffer a receive in flight reads into, per direction; null while the direction waits by poll. */
    private final ByteBuffer[] recvBuffer = new ByteBuffer[2];
    /** Of the bytes received through the ring per direction: how many, and how many of them have been sent. */
    private final int[] received = new int[2];
    private final int[] sentOut = new int[2];
    private ByteBuffer connectAddress;
    private ScheduledFuture<?> connectTimer;
    private boolean connectTimedOut;
    private boolean closing;
    private boolean reset;
    private boolean released;

    UringConnection(ForwardRuntime runtime, int offset, IdleSweeper sweeper, IoEventLoop loop, int fd,
            UringListener listener) {
        super(runtime, offset, sweeper);
        this.loop = loop;
        this.listener = listener;
        this.client = new Socket(fd);
    }

    @Override
    InetSocketAddress client() {
        return clientAddress;
    }

    @Override
    SocketAddress local() {
        return listener.localAddress();
    }

    /** Called on the loop with the accepted socket. */
    void start() {
        clientAddress = client.remoteAddress();
        if (clientAddress == null || !admit(((InetSocketAddress) listener.localAddress()).getPort())) {
            // Gone already, or refused: a reset tells the client at once.
            reset = true;
            release();
            return;
        }
        try {
            registration = loop.register(this).getNow();
            client.setTcpNoDelay(true);
        } catch (IOException | RuntimeException e) {
            end("client error: " + Relay.describe(e));
            reset = true;
            release();
            return;
        }
        connect();
    }

    private void connect() {
        Upstream chosen = nextTarget();
        if (chosen == null) {
            reset = true;
            closeNow();
            return;
        }
        InetSocketAddress to = chosen.socketAddress(offset);
        try {
            backend = UringSockets.newStream(to.getAddress() instanceof Inet6Address);
            backend.setTcpNoDelay(true);
            if (runtime.clientSpeaksFirst()) {
                // As on the channel relay (TcpConnection): the handshake's last ACK leaves with the first bytes.
                backend.setIntOpt(UringSockets.IPPROTO_TCP, UringSockets.TCP_QUICKACK, 0);
            }
        } catch (IOException | RuntimeException e) {
            connectFailed(chosen, Relay.describe(e));
            return;
        }
        connectAddress = listener.sockaddr(to);
        submit(SLOT_CONNECT, new IoUringIoOps(UringSockets.OP_CONNECT, (byte) 0, (short) 0, backend.intValue(),
                connectAddress.limit(), Buffer.memoryAddress(connectAddress), 0, 0, CONNECT, (short) 0, (short) 0, 0, 0));
        long ms = rules.forward().timeouts().connect().toMillis();
        if (ms > 0) {
            connectTimer = loop.schedule(this::connectTimeout, ms, TimeUnit.MILLISECONDS);
        }
    }

    private void connectTimeout() {
        connectTimer = null;
        if (inFlight[SLOT_CONNECT] != 0 && !closing) {
            connectTimedOut = true;
            cancel(inFlight[SLOT_CONNECT]);
        }
    }

    private void connected(int res) {
        if (connectTimer != null) {
            connectTimer.cancel(false);
            connectTimer = null;
        }
        Upstream chosen = upstream;
        if (res < 0) {
            connectFailed(chosen, connectTimedOut ? "connect timed out" : UringSockets.strerror(res));
            return;
        }
        targetConnected(chosen);
        connectAddress = null;
        if (rules.forward().proxyProtocol() != ProxyProtocol.NONE) {
            // Sent like bytes a slow target had not taken yet: the client's own follow once it is out.
            pending[FROM_CLIENT] = proxyHeader();
            writable(FROM_CLIENT);
        } else {
            readable(FROM_CLIENT, 0);
        }
        if (!closing) {
            pollIn(FROM_TARGET);
        }
    }

    private void connectFailed(Upstream chosen, String why) {
        connectTimedOut = false;
        connectAddress = null;
        if (backend != null) {
            closeQuietly(backend);
            backend = null;
        }
        if (targetFailed(chosen, why)) {
            connect();
        } else {
            reset = true;
            closeNow();
        }
    }

    /** The PROXY header, in a buffer of the connection's own, to be sent before anything from the client. */
    private ByteBuffer proxyHeader() {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(ProxyHeaders.of(rules.forward().proxyProtocol(), clientAddress, client.localAddress()));
        ByteBuf header = encoder.readOutbound();
        encoder.finishAndReleaseAll();
        try {
            ByteBuffer out = UringSockets.buffers().take();
            out.limit(header.readableBytes());
            header.readBytes(out);
            return out.flip();
        } finally {
            header.release();
        }
    }

    @Override
    public void handle(IoRegistration r, IoEvent event) {
        IoUringIoEvent e = (IoUringIoEvent) event;
        outstanding--;
        int kind = e.data() & 0xf;
        int dir = e.data() >> 4;
        int res = e.res();
        switch (kind) {
            case CONNECT -> inFlight[SLOT_CONNECT] = 0;
            case POLL_IN, RECV -> inFlight[dir] = 0;
            case POLL_OUT, SEND -> inFlight[2 + dir] = 0;
            default -> { }
        }
        if (closing) {
            release();
            return;
        }
        try {
            switch (kind) {
                case CONNECT -> connected(res);
                case POLL_IN -> {
                    if (res < 0) {
                        close("poll failed: " + UringSockets.strerror(res));
                    } else {
                        readable(dir, res);
                    }
                }
                case POLL_OUT -> {
                    if (res < 0) {
                        close("poll failed: " + UringSockets.strerror(res));
                    } else {
                        writable(dir);
                    }
                }
                case RECV -> received(dir, res);
                case SEND -> sent(dir, res);
                default -> { }
            }
        } catch (RuntimeException fault) {
            // A fault of ours must not leave the connection hanging with its sockets open.
            ForwardRuntime.LOG.warn("connection {} failed: {}", id(), fault.toString(), fault);
            close("internal error: " + fault);
        }
    }

    /**
     * A receive through the ring completed. A direction that has carried a few reads (keep-alive traffic) reads
     * this way, into a buffer of its own: one completion and one send(2) per read, where waiting by poll costs a
     * completion, a recv(2) and a send(2), and a re-armed poll. The sweeper takes the buffer back once the
     * direction has been quiet for a second ({@link #checkIdle}), so idle connections hold none.
     */
    private void received(int dir, int res) {
        ByteBuffer b = recvBuffer[dir];
        if (res == UringSockets.ECANCELED) {
            // Cooled down by the sweeper: wait by poll, without a buffer.
            recvBuffer[dir] = null;
            UringSockets.buffers().give(b);
            pollIn(dir);
            return;
        }
        if (res <= 0) {
            recvBuffer[dir] = null;
            UringSockets.buffers().give(b);
            if (res == 0) {
                inputEnded(dir);
            } else {
                failed(dir, Errors.newIOException("recv", res));
            }
            return;
        }
        count(dir == FROM_CLIENT, res);
        received[dir] = res;
        sentOut[dir] = 0;
        send(dir);
    }

    /** Sends what the last receive of direction {@code dir} took in, through the ring, from the same buffer. */
    private void send(int dir) {
        Socket dst = dir == FROM_CLIENT ? backend : client;
        submit(2 + dir, new IoUringIoOps(UringSockets.OP_SEND, (byte) 0, (short) 0, dst.intValue(), 0,
                Buffer.memoryAddress(recvBuffer[dir]) + sentOut[dir], received[dir] - sentOut[dir], MSG_NOSIGNAL,
                (short) (SEND | dir << 4), (short) 0, (short) 0, 0, 0));
    }

    private void sent(int dir, int res) {
        if (res < 0) {
            failed(1 - dir, Errors.newIOException("send", res));
            return;
        }
        sentOut[dir] += res;
        if (sentOut[dir] < received[dir]) {
            // A slow receiver: the rest waits in the kernel's queue for room, and this direction reads no more.
            send(dir);
            return;
        }
        if (received[dir] == recvBuffer[dir].capacity()) {
            // The buffer came back full: a bulk transfer, which the per-loop buffer moves faster.
            UringSockets.buffers().give(recvBuffer[dir]);
            recvBuffer[dir] = null;
            readable(dir, 0);
            return;
        }
        recv(dir);
    }

    private void recv(int dir) {
        ByteBuffer b = recvBuffer[dir];
        if (b == null) {
            b = UringSockets.buffers().takeSmall();
            recvBuffer[dir] = b;
        }
        Socket src = dir == FROM_CLIENT ? client : backend;
        submit(dir, new IoUringIoOps(UringSockets.OP_RECV, (byte) 0, (short) 0, src.intValue(), 0,
                Buffer.memoryAddress(b), b.capacity(), 0, (short) (RECV | dir << 4), (short) 0, (short) 0, 0, 0));
    }

    @Override
    void checkIdle(long now) {
        super.checkIdle(now);
        if (!closing && now - lastActivity() > COOL_NANOS) {
            for (int d = 0; d < 2; d++) {
                if (recvBuffer[d] != null && inFlight[d] != 0) {
                    cancel(inFlight[d]);
                }
            }
        }
    }

    /** Moves what the source of direction {@code dir} has to its destination, until it has no more or the destination is full. */
    private void readable(int dir, int revents) {
        Socket src = dir == FROM_CLIENT ? client : backend;
        Socket dst = dir == FROM_CLIENT ? backend : client;
        UringSockets.LoopBuffers lb = UringSockets.buffers();
        // When the poll saw the peer's FIN, read on to it now: the FIN then follows the last bytes at once.
        boolean finSeen = (revents & (UringSockets.POLLRDHUP | UringSockets.POLLHUP | UringSockets.POLLERR)) != 0;
        int n = 0;
        for (int round = 0; round < 4; round++) {
            try {
                n = src.recvAddress(lb.scratchAddress, 0, UringSockets.CHUNK);
            } catch (IOException | RuntimeException e) {
                failed(dir, e);
                return;
            }
            if (n == 0) {
                pollIn(dir);
                return;
            }
            if (n < 0) {
                inputEnded(dir);
                return;
            }
            count(dir == FROM_CLIENT, n);
            int sent;
            try {
                sent = dst.sendAddress(lb.scratchAddress, 0, n);
            } catch (IOException | RuntimeException e) {
                failed(1 - dir, e);
                return;
            }
            if (sent < n) {
                ByteBuffer p = lb.take();
                p.put(lb.scratch.duplicate().limit(n).position(sent)).flip();
                pending[dir] = p;
                pollOut(dir);
                return;
            }
            if (n < UringSockets.CHUNK && !finSeen) {
                break;
            }
        }
        // A direction that keeps carrying short reads (keep-alive traffic) reads through the ring from now on,
        // until the sweeper cools it down again. Bulk transfers (full reads) stay here: 64 KiB per system call,
        // several per wake-up, beat a 16 KiB receive and send in turn through the ring.
        if (n < UringSockets.CHUNK && (reads[dir] >= HOT_READS || ++reads[dir] >= HOT_READS)) {
            recv(dir);
        } else {
            pollIn(dir);
        }
    }

    /** The destination of direction {@code dir} can take more of what it could not take before. */
    private void writable(int dir) {
        Socket dst = dir == FROM_CLIENT ? backend : client;
        ByteBuffer p = pending[dir];
        try {
            int sent = dst.send(p, p.position(), p.limit());
            p.position(p.position() + sent);
        } catch (IOException | RuntimeException e) {
            failed(1 - dir, e);
            return;
        }
        if (p.hasRemaining()) {
            pollOut(dir);
            return;
        }
        pending[dir] = null;
        UringSockets.buffers().give(p);
        readable(dir, 0);
    }

    /** The source of direction {@code dir} sent its FIN: pass it on, and end the connection once both have. */
    private void inputEnded(int dir) {
        ended[dir] = true;
        String reason = dir == FROM_CLIENT ? "client closed" : "target closed";
        if (ended[1 - dir]) {
            end(reason);
            closeNow();
            return;
        }
        try {
            (dir == FROM_CLIENT ? backend : client).shutdown(false, true);
        } catch (IOException | RuntimeException e) {
            // The other side is gone already.
            end(reason);
            closeNow();
        }
    }

    /** An error on the client's side ({@code side} 0) or the target's (1) ends the connection. */
    private void failed(int side, Throwable cause) {
        close((side == FROM_CLIENT ? "client error: " : "target error: ") + Relay.describe(cause));
    }

    private void pollIn(int dir) {
        Socket src = dir == FROM_CLIENT ? client : backend;
        submit(dir, new IoUringIoOps(UringSockets.OP_POLL_ADD, (byte) 0, (short) 0, src.intValue(), 0, 0, 0,
                UringSockets.POLLIN | UringSockets.POLLRDHUP, (short) (POLL_IN | dir << 4), (short) 0, (short) 0, 0, 0));
    }

    private void pollOut(int dir) {
        Socket dst = dir == FROM_CLIENT ? backend : client;
        submit(2 + dir, new IoUringIoOps(UringSockets.OP_POLL_ADD, (byte) 0, (short) 0, dst.intValue(), 0, 0, 0,
                UringSockets.POLLOUT, (short) (POLL_OUT | dir << 4), (short) 0, (short) 0, 0, 0));
    }

    private void submit(int slot, IoUringIoOps ops) {
        outstanding++;
        inFlight[slot] = registration.submit(ops);
    }

    private void cancel(long id) {
        outstanding++;
        registration.submit(new IoUringIoOps(UringSockets.OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0, id, 0, 0,
                CANCEL, (short) 0, (short) 0, 0, 0));
    }

    @Override
    void close(String reason) {
        end(reason);
        closeNow();
    }

    /** Ends the connection: cancels what is in flight, then closes both sockets once the ring is done with them. */
    private void closeNow() {
        if (closing) {
            return;
        }
        closing = true;
        if (connectTimer != null) {
            connectTimer.cancel(false);
            connectTimer = null;
        }
        for (long id : inFlight) {
            if (id != 0) {
                cancel(id);
            }
        }
        release();
    }

    private void release() {
        if (outstanding > 0 || released) {
            return;
        }
        released = true;
        closing = true;
        UringSockets.LoopBuffers lb = null;
        for (int d = 0; d < 2; d++) {
            if (pending[d] != null) {
                lb = lb == null ? UringSockets.buffers() : lb;
                lb.give(pending[d]);
                pending[d] = null;
            }
            if (recvBuffer[d] != null) {
                lb = lb == null ? UringSockets.buffers() : lb;
                lb.give(recvBuffer[d]);
                recvBuffer[d] = null;
            }
        }
        if (reset) {
            try {
                client.setSoLinger(0);
            } catch (IOException | RuntimeException ignored) {
                // Not connected any more: closing is all there is left to do.
            }
        }
        closeQuietly(client);
        if (backend != null) {
            closeQuietly(backend);
        }
        if (registration != null) {
            registration.cancel();
        }
        finished();
    }

    /** The event loop is shutting down: the sockets close now, whatever is in flight. */
    @Override
    public void close() {
        outstanding = 0;
        closing = true;
        release();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
