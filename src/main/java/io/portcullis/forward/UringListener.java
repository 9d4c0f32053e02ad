package io.portcullis.forward;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening TCP socket of a forward on one io_uring event loop, accepting with a single multishot accept
 * request: the kernel posts one completion per new connection, each handed to a {@link UringConnection} on
 * this loop. No Netty channel, pipeline or promise is made per connection (see docs/decisions/0003).
 */
final class UringListener implements IoUringIoHandle, ForwardRuntime.OpenPort {

    private static final Logger LOG = LoggerFactory.getLogger(UringListener.class);
    private static final int BACKLOG = 4096;
    private static final short ACCEPT = 1;
    private static final short CANCEL = 2;

    private final ForwardRuntime runtime;
    private final int offset;
    private final IoEventLoop loop;
    private final Socket socket;
    private final InetSocketAddress bound;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private IoRegistration registration;
    private long acceptId;
    private boolean accepting;
    private boolean closing;
    /** Targets' socket addresses as the kernel reads them, made once per target; only this loop uses them. */
    private final java.util.HashMap<InetSocketAddress, java.nio.ByteBuffer> sockaddrs = new java.util.HashMap<>();

    /** Binds and listens at once (so that a bind failure is the caller's to report), then starts accepting on {@code loop}. */
    UringListener(ForwardRuntime runtime, int offset, IoEventLoop loop, InetSocketAddress address, boolean reusePort)
            throws IOException {
        this.runtime = runtime;
        this.offset = offset;
        this.loop = loop;
        boolean v6 = address.getAddress() instanceof Inet6Address;
        this.socket = UringSockets.newStream(v6);
        try {
            if (v6 && address.getAddress().isAnyLocalAddress()) {
                // [::] takes IPv4 clients too, as it does on the other transports.
                socket.setIntOpt(UringSockets.IPPROTO_IPV6, UringSockets.IPV6_V6ONLY, 0);
            }
            socket.setReuseAddress(true);
            if (reusePort) {
                socket.setReusePort(true);
            }
            socket.bind(address);
            socket.listen(BACKLOG);
            this.bound = socket.localAddress();
            registration = loop.register(this).syncUninterruptibly().getNow();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        loop.execute(this::accept);
    }

    @Override
    public SocketAddress localAddress() {
        return bound;
    }

    /** The target's address as connect(2) takes it; on the loop. */
    java.nio.ByteBuffer sockaddr(InetSocketAddress target) {
        java.nio.ByteBuffer b = sockaddrs.get(target);
        if (b == null) {
            if (sockaddrs.size() > 4096) {
                // Targets come and go with reloads; the buffers of old ones go back to the collector.
                sockaddrs.clear();
            }
            b = UringSockets.sockaddr(target);
            sockaddrs.put(target, b);
        }
        return b;
    }

    private void accept() {
        if (closing) {
            return;
        }
        accepting = true;
        acceptId = registration.submit(new IoUringIoOps(UringSockets.OP_ACCEPT, (byte) 0, UringSockets.ACCEPT_MULTISHOT,
                socket.intValue(), 0, 0, 0, UringSockets.SOCK_NONBLOCK | UringSockets.SOCK_CLOEXEC, ACCEPT, (short) 0,
                (short) 0, 0, 0));
    }

    @Override
    public void handle(IoRegistration r, IoEvent event) {
        IoUringIoEvent e = (IoUringIoEvent) event;
        if (e.data() == CANCEL) {
            return;
        }
        int res = e.res();
        if ((e.flags() & UringSockets.CQE_F_MORE) == 0) {
            accepting = false;
        }
        if (res >= 0) {
            if (closing) {
                UringSockets.closeFd(res);
            } else {
                new UringConnection(runtime, offset, runtime.sweeper(loop), loop, res, this).start();
            }
        } else if (!closing && res != UringSockets.ECANCELED) {
            // Out of descriptors (EMFILE, ENFILE) or memory: the multishot request has ended. Try again a little
            // later rather than at once, so that a full descriptor table does not spin the loop.
            LOG.warn("accept on {} failed: {}; retrying in 100 ms", bound, UringSockets.strerror(res));
            loop.schedule(this::accept, 100, TimeUnit.MILLISECONDS);
            return;
        }
        if (!accepting) {
            if (closing) {
                finishClose();
            } else {
                accept();
            }
        }
    }

    /** Stops accepting and closes the socket; blocks until the port is free again. Connections go on. */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            startClose();
        } else {
            loop.execute(this::startClose);
        }
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing the listener on {} took too long: {}", bound, e.toString());
        }
    }

    private void startClose() {
        if (closing) {
            return;
        }
        closing = true;
        if (accepting) {
            registration.submit(new IoUringIoOps(UringSockets.OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0, acceptId, 0, 0,
                    CANCEL, (short) 0, (short) 0, 0, 0));
        } else {
            finishClose();
        }
    }

    private void finishClose() {
        closeQuietly();
        registration.cancel();
        closed.complete(null);
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a listening socket fails only when it is already closed.
        }
    }
}
