package io.portcullis.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;

/**
 * Sets up each accepted client connection of one listening port: a {@link TcpConnection} that picks a
 * target and connects to it. Holds no per-connection state.
 */
@ChannelHandler.Sharable
final class TcpAcceptInitializer extends ChannelInitializer<Channel> {

    private final ForwardRuntime runtime;
    private final int offset;

    TcpAcceptInitializer(ForwardRuntime runtime, int offset) {
        this.runtime = runtime;
        this.offset = offset;
    }

    @Override
    protected void initChannel(Channel ch) {
        new TcpConnection(runtime, offset, ch).start();
    }
}
