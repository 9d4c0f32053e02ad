package io.portcullis.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Sets up each accepted client connection of one listening port: the idle clock, then a
 * {@link TcpConnection} that picks a target and connects to it. Holds no per-connection state.
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
        long idleMillis = runtime.rules().forward().timeouts().idle().toMillis();
        if (idleMillis > 0) {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        new TcpConnection(runtime, offset, ch).start();
    }
}
