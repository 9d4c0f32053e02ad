package io.portcullis.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.portcullis.net.Addresses;
import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One listening UDP socket of a forward: it keeps a session per client address, each with its own upstream
 * socket on an ephemeral port (port address translation), so many clients share the external port and every
 * reply finds its client.
 *
 * <p>All sessions of this socket live on its event loop; the session table needs no locks. Writes are
 * flushed once per read batch, which lets the epoll transport send them with one system call.
 */
final class UdpListenerHandler extends ChannelInboundHandlerAdapter {

    private static final long SWEEP_MILLIS = 1000;

    private final ForwardRuntime runtime;
    private final int offset;
    private final Map<InetSocketAddress, UdpSession> sessions = new HashMap<>();
    private final ArrayList<UdpSession> dirty = new ArrayList<>();
    private Channel listener;
    private ScheduledFuture<?> sweeper;

    UdpListenerHandler(ForwardRuntime runtime, int offset) {
        this.runtime = runtime;
        this.offset = offset;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        listener = ctx.channel();
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ForwardStats stats = runtime.stats;
        ByteBuf content = packet.content();
        stats.packetsIn.increment();
        stats.bytesIn.add(content.readableBytes());
        InetSocketAddress sender = packet.sender();
        UdpSession session = sessions.get(sender);
        if (session == null) {
            session = open(sender);
            if (session == null) {
                packet.release();
                return;
            }
        }
        if (session.toTarget(content) && !session.dirty) {
            session.dirty = true;
            dirty.add(session);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (int i = 0, n = dirty.size(); i < n; i++) {
            UdpSession s = dirty.get(i);
            s.dirty = false;
            s.flush();
        }
        dirty.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (UdpSession s : new ArrayList<>(sessions.values())) {
            s.close("listener closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A datagram socket survives errors such as ICMP unreachable for a previous send; keep serving.
        ForwardRuntime.LOG.debug("udp listener error forward={}: {}", runtime.name(), Relay.describe(cause));
    }

    private UdpSession open(InetSocketAddress sender) {
        ForwardRules rules = runtime.rules();
        ForwardStats stats = runtime.stats;
        Admission.Ticket ticket = runtime.admission().admit(runtime.name(), Protocol.UDP, sender,
                ((InetSocketAddress) listener.localAddress()).getPort());
        String refusal = ticket.refusal();
        if (refusal != null) {
            stats.refusedBy(refusal);
            stats.udpDropped.increment();
            if (runtime.logConnections() && runtime.refusalLog().permit(ForwardRuntime.CONNECTIONS)) {
                ForwardRuntime.CONNECTIONS.info("conn forward={} proto=udp client={} listen={} refused={} why=\"{}\"",
                        rules.forward().name(), Addresses.format(sender), Addresses.format(listener.localAddress()), refusal, ticket.detail());
            }
            return null;
        }
        int max = rules.forward().maxUdpSessions();
        if (stats.openUdpSessions.incrementAndGet() > max) {
            ticket.release();
            stats.openUdpSessions.decrementAndGet();
            stats.refused.increment();
            stats.udpDropped.increment();
            return null;
        }
        Upstream upstream = rules.pool().choose(sender, 0);
        if (upstream == null) {
            ticket.release();
            stats.openUdpSessions.decrementAndGet();
            stats.refused.increment();
            stats.udpDropped.increment();
            return null;
        }
        stats.totalUdpSessions.increment();
        UdpSession s = new UdpSession(runtime, rules, this, sender, upstream, offset, ticket);
        sessions.put(sender, s);
        s.connect(listener.eventLoop());
        return s;
    }

    /** Sends a target's reply to the session's client; flushed by the session after its read batch. */
    void toClient(DatagramPacket reply) {
        listener.write(reply, listener.voidPromise());
    }

    void flushToClients() {
        listener.flush();
    }

    void forget(UdpSession s) {
        sessions.remove(s.client, s);
    }

    private void sweep() {
        long now = System.nanoTime();
        long idle = runtime.rules().forward().timeouts().udpSession().toNanos();
        for (UdpSession s : new ArrayList<>(sessions.values())) {
            if (now - s.lastNanos > Math.min(idle, s.idleNanos)) {
                s.close("idle timeout");
            }
        }
    }

    int sessionCount() {
        return sessions.size();
    }
}
