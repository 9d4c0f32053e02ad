package io.portcullis.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Moves bytes from one side of a {@link TcpConnection} to the other without copying them.
 *
 * <p>Back-pressure: when the other side's outbound buffer passes its high water mark this side stops
 * reading, and it reads again when that buffer drains below the low mark. Memory per connection is
 * therefore bounded by the water mark plus one read, however fast the sender and slow the receiver.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final TcpConnection connection;
    private final boolean fromClient;

    RelayHandler(TcpConnection connection, boolean fromClient) {
        this.connection = connection;
        this.fromClient = fromClient;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Channel peer = connection.peerOf(fromClient);
        if (peer == null) {
            // Epoll reads a peer's FIN (and the data before it) even with auto-read off: hold it until connected.
            connection.holdEarly(buf);
            return;
        }
        connection.count(fromClient, buf.readableBytes());
        peer.write(buf, peer.voidPromise());
        if (!peer.isWritable()) {
            // Pause first: if the flush drains the peer at once, its writability event turns reading back on.
            ctx.channel().config().setAutoRead(false);
            peer.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = connection.peerOf(fromClient);
        if (peer != null) {
            peer.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This side drained: the side that feeds it may read again.
        Channel source = connection.peerOf(fromClient);
        if (ctx.channel().isWritable() && source != null) {
            source.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            connection.inputShutdown(fromClient);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.closed(fromClient);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(fromClient, cause);
    }
}
