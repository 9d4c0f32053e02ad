package io.portcullis.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The socket implementation the data plane runs on: Linux io_uring where the kernel allows it, else epoll,
 * else Java NIO (see docs/decisions/0001-io-uring-transport.md). Everything that creates a channel asks this
 * class, so they never mix.
 */
final class Transport {

    enum Kind { EPOLL, IO_URING, NIO }

    private final Kind kind;

    private Transport(Kind kind) {
        this.kind = kind;
    }

    /**
     * io_uring, else epoll, else NIO; {@code -Dportcullis.transport=io_uring|epoll|nio} (or the config's
     * {@code gateway.transport}) asks for one, falling back down that list when it cannot load here.
     */
    static Transport best() {
        return named(System.getProperty("portcullis.transport", "auto"));
    }

    static Transport named(String name) {
        String want = name.toLowerCase(Locale.ROOT).replace('-', '_');
        if (want.equals("nio")) {
            return new Transport(Kind.NIO);
        }
        if ((want.equals("auto") || want.equals("io_uring")) && IoUring.isAvailable()) {
            return new Transport(Kind.IO_URING);
        }
        return new Transport(Epoll.isAvailable() ? Kind.EPOLL : Kind.NIO);
    }

    /**
     * Whether TCP forwards relay straight on the io_uring ring ({@link UringListener}, {@link UringConnection})
     * rather than through Netty channels: on io_uring, unless {@code -Dportcullis.channel-relay=true} asks for the
     * channel relay (kept for comparison, see docs/decisions/0003).
     */
    boolean directTcp() {
        return kind == Kind.IO_URING && !Boolean.getBoolean("portcullis.channel-relay");
    }

    /** Whether several sockets may share one port (SO_REUSEPORT), which spreads accepts over event loops. */
    boolean canReusePort() {
        return kind != Kind.NIO;
    }

    ChannelOption<Boolean> reusePortOption() {
        return switch (kind) {
            case EPOLL -> EpollChannelOption.SO_REUSEPORT;
            case IO_URING -> IoUringChannelOption.SO_REUSEPORT;
            case NIO -> throw new IllegalStateException("NIO has no SO_REUSEPORT");
        };
    }

    /**
     * TCP_QUICKACK, where the transport has it (null on NIO). Turned off on a new target connection, the
     * kernel holds the last ACK of the handshake for a moment, so the client's first bytes ride on it.
     */
    ChannelOption<Boolean> quickAckOption() {
        return switch (kind) {
            case EPOLL -> EpollChannelOption.TCP_QUICKACK;
            case IO_URING -> IoUringChannelOption.TCP_QUICKACK;
            case NIO -> null;
        };
    }

    /** The option that lets one read take in several datagrams (recvmmsg, or several queued receives). */
    ChannelOption<Integer> maxDatagramPayloadOption() {
        return switch (kind) {
            case EPOLL -> EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
            case IO_URING -> IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
            case NIO -> null;
        };
    }

    String name() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = switch (kind) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    Class<? extends ServerChannel> serverChannel() {
        return switch (kind) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    Class<? extends Channel> socketChannel() {
        return switch (kind) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /** A new, unregistered TCP client channel. */
    Channel newSocketChannel() {
        return switch (kind) {
            case EPOLL -> new EpollSocketChannel();
            case IO_URING -> new IoUringSocketChannel();
            case NIO -> new NioSocketChannel();
        };
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return switch (kind) {
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }
}
