package io.portcullis.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.portcullis.config.ProxyProtocol;
import java.net.InetSocketAddress;

/**
 * One client connection relayed to one target: choosing the target, connecting (with retries on other
 * targets), the PROXY header, half-close, and the closing log line.
 *
 * <p>Both of its channels live on the client's event loop, so its fields need no synchronisation.
 */
final class TcpConnection extends RelayedConnection {

    private final Channel client;
    private Channel backend;
    private boolean clientInputShut;
    private boolean backendInputShut;
    /** Client bytes that arrived before the target connection was up; reading pauses past {@link #MAX_EARLY}. */
    private java.util.ArrayDeque<io.netty.buffer.ByteBuf> early;
    private int earlyBytes;
    private static final int MAX_EARLY = 64 * 1024;

    TcpConnection(ForwardRuntime runtime, int offset, Channel client) {
        super(runtime, offset, runtime.sweeper(client.eventLoop()));
        this.client = client;
    }

    @Override
    InetSocketAddress client() {
        return (InetSocketAddress) client.remoteAddress();
    }

    @Override
    java.net.SocketAddress local() {
        return client.localAddress();
    }

    /** Called when the client's connection is accepted. */
    void start() {
        client.closeFuture().addListener(f -> finish());
        if (!admit(((InetSocketAddress) client.localAddress()).getPort())) {
            reset();
            return;
        }
        client.pipeline().addLast(new RelayHandler(this, true));
        connect();
    }

    void holdEarly(io.netty.buffer.ByteBuf buf) {
        if (early == null) {
            early = new java.util.ArrayDeque<>(2);
        }
        early.add(buf);
        earlyBytes += buf.readableBytes();
        if (earlyBytes >= MAX_EARLY) {
            client.config().setAutoRead(false);
        }
    }

    Channel peerOf(boolean fromClient) {
        return fromClient ? backend : client;
    }

    private void connect() {
        Upstream chosen = nextTarget();
        if (chosen == null) {
            reset();
            return;
        }
        // A channel made by hand rather than by a Bootstrap: no resolver (the address is resolved), no option map.
        Channel ch = runtime.transport().newSocketChannel();
        ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) rules.forward().timeouts().connect().toMillis());
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ch.config().setWriteBufferWaterMark(ForwardRuntime.WATER_MARK);
        if (runtime.clientSpeaksFirst() && runtime.transport().quickAckOption() != null) {
            // As HAProxy does: the handshake's last ACK waits a moment and leaves with the client's first
            // bytes, one packet fewer for the target to take in per connection. Only for forwards whose
            // clients speak first; where the target speaks first (SSH, SMTP) it would only delay the target.
            ch.config().setOption(runtime.transport().quickAckOption(), false);
        }
        ch.pipeline().addLast(new RelayHandler(this, false));
        client.eventLoop().register(ch).addListener((ChannelFuture reg) -> {
            if (!reg.isSuccess()) {
                onConnected(reg, chosen);
                return;
            }
            ch.connect(chosen.socketAddress(offset)).addListener((ChannelFuture f) -> onConnected(f, chosen));
        });
    }

    private void onConnected(ChannelFuture f, Upstream chosen) {
        if (!f.isSuccess()) {
            if (targetFailed(chosen, Relay.describe(f.cause())) && client.isActive()) {
                connect();
            } else {
                reset();
            }
            return;
        }
        targetConnected(chosen);
        backend = f.channel();
        if (!client.isActive()) {
            backend.close();
            return;
        }
        if (rules.forward().proxyProtocol() != ProxyProtocol.NONE) {
            backend.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
            backend.write(ProxyHeaders.of(rules.forward().proxyProtocol(), client));
            backend.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
        }
        if (early != null) {
            for (io.netty.buffer.ByteBuf b; (b = early.poll()) != null; ) {
                count(true, b.readableBytes());
                backend.write(b, backend.voidPromise());
            }
        }
        backend.flush();
        if (clientInputShut) {
            clientInputShut = false;
            inputShutdown(true);
        } else {
            client.config().setAutoRead(true);
        }
    }

    /** One side will send no more: pass the FIN on, and close once both sides are done. */
    void inputShutdown(boolean fromClient) {
        if (backend == null) {
            // The client finished sending before the target connection was up; pass the FIN on once it is.
            clientInputShut = true;
            return;
        }
        if (fromClient) {
            clientInputShut = true;
        } else {
            backendInputShut = true;
        }
        Channel peer = peerOf(fromClient);
        if (clientInputShut && backendInputShut) {
            end(fromClient ? "client closed" : "target closed");
            Relay.closeOnFlush(client);
            Relay.closeOnFlush(backend);
            return;
        }
        if (peer instanceof DuplexChannel duplex && peer.isActive()) {
            // Once the peer has our FIN, its own FIN ends the connection: Netty then closes the channel
            // instead of calling shutdown(SHUT_RD) first, which fails with ENOTCONN on a socket that has
            // both FINs (and builds a NotYetConnectedException with a stack trace each time).
            peer.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
            peer.flush();
            peer.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(x -> Relay.shutdownOutput(duplex));
        } else {
            close(fromClient ? "client closed" : "target closed");
        }
    }

    /** One side's connection is gone: deliver what is queued to the other side, then close it. */
    void closed(boolean fromClient) {
        end(fromClient ? "client closed" : "target closed");
        Relay.closeOnFlush(peerOf(fromClient));
    }

    @Override
    void close(String reason) {
        end(reason);
        client.close();
        if (backend != null) {
            backend.close();
        }
    }

    void failed(boolean fromClient, Throwable cause) {
        close((fromClient ? "client error: " : "target error: ") + Relay.describe(cause));
    }

    /** Closes the client with a TCP reset, so it learns at once that nobody is there. */
    private void reset() {
        if (client.isActive()) {
            client.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        client.close();
    }

    private void finish() {
        if (early != null) {
            early.forEach(io.netty.buffer.ByteBuf::release);
            early.clear();
        }
        if (backend != null) {
            backend.close();
        }
        finished();
    }
}
