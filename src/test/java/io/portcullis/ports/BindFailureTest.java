package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.portcullis.net.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

class BindFailureTest {

    private static final long PID = ProcessHandle.current().pid();

    @Test
    void namesTheHolderWhenNioSaysAddressAlreadyInUse() throws Exception {
        try (ServerSocketChannel held = Sockets.tcp("127.0.0.1"); ServerSocketChannel second = ServerSocketChannel.open()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Sockets.port(held));
            IOException failure = null;
            try {
                second.bind(address);
            } catch (IOException e) {
                failure = e;
            }
            assertThat(failure).isInstanceOf(java.net.BindException.class);
            assertThat(BindFailure.explain(Protocol.TCP, address, failure))
                    .startsWith("port " + address.getPort() + "/tcp on 127.0.0.1 is already in use by java (pid " + PID + ", user root");
        }
    }

    @Test
    void namesTheHolderWhenNettyEpollThrowsNativeIoException() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll transport not available");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (ServerSocketChannel held = Sockets.tcp("127.0.0.1")) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Sockets.port(held));
            Throwable failure = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {}
                    })
                    .bind(address).await().cause();
            assertThat(failure.getClass().getName()).endsWith("NativeIoException");
            assertThat(BindFailure.explain(Protocol.TCP, address, failure))
                    .contains("is already in use by java (pid " + PID);
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).await();
        }
    }

    @Test
    void saysAddressNotAvailableForAnAddressOfAnotherHost() throws Exception {
        InetSocketAddress address = new InetSocketAddress("192.0.2.7", 8080);
        IOException failure = null;
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            ch.bind(address);
        } catch (IOException e) {
            failure = e;
        }
        assertThat(BindFailure.explain(Protocol.TCP, address, failure))
                .contains("port 8080/tcp on 192.0.2.7 cannot be bound: address not available");
    }

    @Test
    void namesTheCapabilityForPermissionDeniedOnASystemPort() {
        String text = BindFailure.explain(Protocol.TCP, new InetSocketAddress("0.0.0.0", 443),
                new IOException("bind(..) failed: Permission denied"));
        KernelPorts kernel = KernelPorts.read();
        assumeTrue(kernel.needsPrivilege(443), "this host lets everyone bind 443");
        assertThat(text).contains("CAP_NET_BIND_SERVICE", "AmbientCapabilities", "setcap", "ip_unprivileged_port_start");
    }

    @Test
    void recognisesNettysErrnoWhenTheMessageSaysNothing() {
        assertThat(PortCheck.classify(new NativeIoException(-98))).isEqualTo(PortCheck.Kind.IN_USE);
        assertThat(PortCheck.classify(new NativeIoException(-13))).isEqualTo(PortCheck.Kind.PERMISSION);
        assertThat(PortCheck.classify(new NativeIoException(-99))).isEqualTo(PortCheck.Kind.NOT_AVAILABLE);
        assertThat(PortCheck.classify(new RuntimeException("wrapped", new java.net.BindException("Address already in use"))))
                .isEqualTo(PortCheck.Kind.IN_USE);
    }

    @Test
    void fallsBackToTheCausesMessageForOtherFailures() {
        assertThat(BindFailure.explain(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5000), new IOException("No buffer space available")))
                .isEqualTo("port 5000/udp on 127.0.0.1 cannot be bound: No buffer space available");
        assertThat(BindFailure.explain(null, null, null)).startsWith("bind failed");
    }

    /** Stands in for io.netty.channel.unix.Errors.NativeIoException, matched by class name and expectedErr(). */
    static final class NativeIoException extends IOException {
        private final int err;

        NativeIoException(int err) {
            super("bind(..) failed");
            this.err = err;
        }

        public int expectedErr() {
            return err;
        }
    }
}
