package io.portcullis.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.portcullis.config.ProxyProtocol;
import io.portcullis.net.Addresses;
import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One client connection relayed to one target: choosing the target, connecting (with retries on other
 * targets), the PROXY header, half-close, and the closing log line.
 *
 * <p>Both of its channels live on the client's event loop, so its fields need no synchronisation.
 */
final class TcpConnection {

    private final ForwardRuntime runtime;
    private final ForwardRules rules;
    private final int offset;
    private final Channel client;
    private final long startNanos = System.nanoTime();
    private Channel backend;
    private Upstream upstream;
    private long tried;
    private int attempts;
    private boolean clientInputShut;
    private boolean backendInputShut;
    private boolean counted;
    /** Client bytes that arrived before the target connection was up; reading pauses past {@link #MAX_EARLY}. */
    private java.util.ArrayDeque<io.netty.buffer.ByteBuf> early;
    private int earlyBytes;
    private static final int MAX_EARLY = 64 * 1024;
    private boolean sawData;
    private String endReason;
    private Admission.Ticket ticket = Admission.Ticket.ADMITTED;
    private long bytesIn;
    private long bytesOut;
    private final IdleSweeper sweeper;
    private final long idleNanos;
    private long lastActivity;
    int sweepIndex = -1;
    private long id;

    TcpConnection(ForwardRuntime runtime, int offset, Channel client) {
        this.runtime = runtime;
        this.rules = runtime.rules();
        this.offset = offset;
        this.client = client;
        this.sweeper = runtime.sweeper(client.eventLoop());
        this.idleNanos = rules.forward().timeouts().idle().toNanos();
        this.lastActivity = sweeper.now;
    }

    /** What the API lists; called on the connection's event loop. */
    OpenConnection view(long nowNanos, java.time.Instant now) {
        Upstream u = upstream;
        return new OpenConnection(id, rules.forward().name(), Addresses.format(client.remoteAddress()),
                u != null ? Addresses.format(u.socketAddress(offset)) : null,
                now.minusNanos(nowNanos - startNanos), bytesIn, bytesOut);
    }

    long id() {
        return id;
    }

    /** Called when the client's connection is accepted. */
    void start() {
        ForwardStats stats = runtime.stats;
        InetSocketAddress from = (InetSocketAddress) client.remoteAddress();
        ticket = runtime.admission().admit(runtime.name(), Protocol.TCP, from, ((InetSocketAddress) client.localAddress()).getPort());
        String refusal = ticket.refusal();
        if (refusal != null) {
            // Refused before anything is counted as open or relayed: the target never hears of this client.
            stats.refusedBy(refusal);
            if (runtime.logConnections() && runtime.refusalLog().permit(ForwardRuntime.CONNECTIONS)) {
                ForwardRuntime.CONNECTIONS.info("conn forward={} proto=tcp client={} listen={} refused={} why=\"{}\"",
                        rules.forward().name(), Addresses.format(from), Addresses.format(client.localAddress()), refusal, ticket.detail());
            }
            reset();
            return;
        }
        int max = rules.forward().maxConnections();
        int open = stats.openConnections.incrementAndGet();
        counted = true;
        client.closeFuture().addListener(f -> finish());
        if (max > 0 && open > max) {
            refuse("refused: max-connections " + max + " reached");
            return;
        }
        stats.totalConnections.increment();
        // Listed by its event loop's sweeper (the admin API asks the loops), idle timeout or not.
        id = sweeper.add(this);
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

    /** Called by the sweeper: closes the connection when nothing has moved either way for the idle timeout. */
    void checkIdle(long now) {
        if (idleNanos > 0 && now - lastActivity > idleNanos) {
            close("idle timeout");
        }
    }

    void count(boolean fromClient, int n) {
        lastActivity = sweeper.now;
        if (!sawData) {
            sawData = true;
            runtime.firstSpeaker(fromClient);
        }
        if (fromClient) {
            bytesIn += n;
            runtime.stats.bytesIn.add(n);
        } else {
            bytesOut += n;
            runtime.stats.bytesOut.add(n);
        }
    }

    Channel peerOf(boolean fromClient) {
        return fromClient ? backend : client;
    }

    private void connect() {
        upstream = rules.pool().choose((InetSocketAddress) client.remoteAddress(), tried);
        if (upstream == null) {
            refuse(attempts == 0 ? "refused: no healthy target" : endReason);
            return;
        }
        attempts++;
        tried |= rules.pool().bitOf(upstream);
        upstream.active.incrementAndGet();
        Upstream chosen = upstream;
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
            chosen.active.decrementAndGet();
            upstream = null;
            String why = Relay.describe(f.cause());
            runtime.stats.targetFailures.increment();
            chosen.recordFailure(why, rules.failureThreshold(), rules.activeChecks(), System.nanoTime());
            endReason = "target unreachable: " + chosen + " (" + why + ")";
            if (client.isActive() && attempts < rules.maxAttempts()) {
                connect();
            } else {
                reset();
            }
            return;
        }
        chosen.recordSuccess();
        endReason = null;
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

    private void end(String reason) {
        if (endReason == null) {
            endReason = reason;
        }
    }

    private void refuse(String reason) {
        runtime.stats.refused.increment();
        endReason = reason;
        reset();
    }

    /** Closes the client with a TCP reset, so it learns at once that nobody is there. */
    private void reset() {
        if (client.isActive()) {
            client.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        client.close();
    }

    private void finish() {
        if (!counted) {
            return;
        }
        counted = false;
        ticket.release();
        sweeper.remove(this);
        if (early != null) {
            early.forEach(io.netty.buffer.ByteBuf::release);
            early.clear();
        }
        runtime.stats.openConnections.decrementAndGet();
        if (upstream != null) {
            upstream.active.decrementAndGet();
        }
        if (backend != null) {
            backend.close();
        }
        if (runtime.logConnections()) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            ForwardRuntime.CONNECTIONS.info("conn forward={} proto=tcp client={} listen={} target={} bytes_in={} bytes_out={} duration_ms={} end=\"{}\"",
                    rules.forward().name(), Addresses.format(client.remoteAddress()), Addresses.format(client.localAddress()),
                    upstream != null ? Addresses.format(upstream.socketAddress(offset)) : "-", bytesIn, bytesOut, ms,
                    endReason == null ? "closed" : endReason);
        }
    }
}
