package io.portcullis.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.net.Addresses;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client's UDP conversation through a forward: a connected upstream socket of its own, so the kernel
 * gives it an ephemeral port and drops packets from anyone but the target.
 */
final class UdpSession extends ChannelInboundHandlerAdapter {

    /** Packets held while the upstream socket is being set up; beyond this they are dropped, not buffered. */
    private static final int MAX_PENDING = 16;

    final InetSocketAddress client;
    private final ForwardRuntime runtime;
    private final ForwardRules rules;
    private final UdpListenerHandler listener;
    private final Upstream upstream;
    private final InetSocketAddress target;
    private final long startNanos = System.nanoTime();
    final long idleNanos;
    private Channel channel;
    private ArrayDeque<ByteBuf> pending = new ArrayDeque<>(4);
    private boolean closed;
    /** Whether the target has answered yet, or been counted as failed for this session. */
    private boolean answered;
    private boolean failureCounted;
    boolean dirty;
    long lastNanos = startNanos;
    private long bytesIn;
    private long bytesOut;
    private long packetsIn;
    private long packetsOut;

    private final Admission.Ticket ticket;

    UdpSession(ForwardRuntime runtime, ForwardRules rules, UdpListenerHandler listener, InetSocketAddress client,
            Upstream upstream, int offset, Admission.Ticket ticket) {
        this.ticket = ticket;
        this.runtime = runtime;
        this.rules = rules;
        this.listener = listener;
        this.client = client;
        this.upstream = upstream;
        this.target = upstream.socketAddress(offset);
        this.idleNanos = rules.forward().timeouts().udpSession().toNanos();
        upstream.active.incrementAndGet();
    }

    void connect(EventLoop loop) {
        ChannelFuture f = new Bootstrap()
                .group(loop)
                .channel(runtime.transport().datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(ForwardRuntime.MAX_DATAGRAM))
                .option(ChannelOption.SO_RCVBUF, ForwardRuntime.UDP_SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, ForwardRuntime.UDP_SOCKET_BUFFER)
                .handler(this)
                .connect(target);
        channel = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                failedTarget(Relay.describe(done.cause()));
                close("target unreachable: " + Relay.describe(done.cause()));
                return;
            }
            ArrayDeque<ByteBuf> queued = pending;
            pending = null;
            for (ByteBuf b; (b = queued.poll()) != null; ) {
                channel.write(b, channel.voidPromise());
            }
            channel.flush();
        });
    }

    /** A packet from the client; answers whether it was written and needs a flush. */
    boolean toTarget(ByteBuf content) {
        lastNanos = System.nanoTime();
        packetsIn++;
        bytesIn += content.readableBytes();
        if (closed) {
            content.release();
            return false;
        }
        if (pending != null) {
            if (pending.size() >= MAX_PENDING) {
                runtime.stats.udpDropped.increment();
                content.release();
            } else {
                pending.add(content);
            }
            return false;
        }
        channel.write(content, channel.voidPromise());
        return true;
    }

    void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf content;
        if (msg instanceof DatagramPacket p) {
            content = p.content();
        } else if (msg instanceof ByteBuf b) {
            content = b;
        } else {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastNanos = System.nanoTime();
        if (!answered) {
            answered = true;
            upstream.recordSuccess();
        }
        int n = content.readableBytes();
        packetsOut++;
        bytesOut += n;
        runtime.stats.packetsOut.increment();
        runtime.stats.bytesOut.add(n);
        listener.toClient(new DatagramPacket(content, client));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        listener.flushToClients();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable from the target arrives here, possibly once per packet sent. Only a session the
        // target never answered counts against its health, once; the session stays for the client either way.
        if (!answered) {
            failedTarget(Relay.describe(cause));
        }
    }

    private void failedTarget(String why) {
        if (failureCounted) {
            return;
        }
        failureCounted = true;
        runtime.stats.targetFailures.increment();
        upstream.recordFailure(why, rules.failureThreshold(), rules.activeChecks(), System.nanoTime());
    }

    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        listener.forget(this);
        if (pending != null) {
            pending.forEach(ByteBuf::release);
            pending.clear();
        }
        if (channel != null) {
            channel.close();
        }
        upstream.active.decrementAndGet();
        runtime.stats.openUdpSessions.decrementAndGet();
        ticket.release();
        if (runtime.logConnections()) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            ForwardRuntime.CONNECTIONS.info("conn forward={} proto=udp client={} target={} packets_in={} packets_out={} bytes_in={} bytes_out={} duration_ms={} end=\"{}\"",
                    rules.forward().name(), Addresses.format(client), Addresses.format(target), packetsIn, packetsOut,
                    bytesIn, bytesOut, ms, reason);
        }
    }
}
