package io.portcullis.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.portcullis.config.Forward;
import io.portcullis.net.Addresses;
import io.portcullis.net.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forward while it runs: its listening sockets, its current rules, its health checker and its
 * counters. A reload that keeps the sockets only swaps the rules; one that moves them makes a new runtime
 * that inherits the counters.
 */
final class ForwardRuntime {

    static final Logger LOG = LoggerFactory.getLogger(ForwardEngine.class);
    /** The per-connection log, on its own logger so it can be routed or silenced alone. */
    static final Logger CONNECTIONS = LoggerFactory.getLogger("portcullis.connection");
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);
    static final int MAX_DATAGRAM = 65_535;
    static final int UDP_SOCKET_BUFFER = 4 * 1024 * 1024;
    /**
     * Datagrams one read of a single-port UDP listener may take in at once (recvmmsg on epoll, several queued
     * receives on io_uring). Measured: 8 raised 64-byte packets/s through a forward from ~54k to ~69k on the
     * bench machine. Port ranges read one at a time, so that a wide range does not hold 8 buffers per port.
     */
    static final int UDP_BATCH = 8;

    /** One bound socket address (several channels when SO_REUSEPORT spreads it over the event loops). */
    record Listening(Protocol protocol, InetSocketAddress address, List<OpenPort> channels, String error) {}

    /** A listening socket of a forward: a Netty channel, or a {@link UringListener}. */
    interface OpenPort {
        SocketAddress localAddress();

        /** Stops listening; returns once the port is free. */
        void close();
    }

    private record ChannelPort(Channel channel) implements OpenPort {
        @Override
        public SocketAddress localAddress() {
            return channel.localAddress();
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly();
        }
    }

    /** Where a listener really is: for port 0, the port the system chose. */
    private static InetSocketAddress bound(Listening l) {
        if (l.address().getPort() == 0 && !l.channels().isEmpty() && l.channels().get(0).localAddress() instanceof InetSocketAddress a) {
            return a;
        }
        return l.address();
    }

    final ForwardStats stats;
    private final ForwardEngine engine;
    private final String name;
    private volatile ForwardRules rules;
    private final List<Listening> listeners = new ArrayList<>();
    private HealthChecker checker;

    ForwardRuntime(ForwardEngine engine, Forward forward, ForwardStats stats, TargetPool previousPool) {
        this.engine = engine;
        this.name = forward.name();
        this.stats = stats;
        this.rules = new ForwardRules(forward, TargetPool.build(forward, previousPool));
        startChecker();
    }

    String name() {
        return name;
    }

    /**
     * Who spoke first on this forward's recent connections, as a score from -8 (the target) to 8 (the
     * client). Updated without locks from every event loop: a lost update only nudges a heuristic.
     */
    private volatile int clientFirstScore;

    void firstSpeaker(boolean client) {
        int s = clientFirstScore;
        int next = client ? Math.min(8, s + 1) : Math.max(-8, s - 4);
        if (next != s) {
            clientFirstScore = next;
        }
    }

    /** Whether clients of this forward usually send before the target does (HTTP, TLS), rather than after (SSH, SMTP). */
    boolean clientSpeaksFirst() {
        return clientFirstScore > 0;
    }

    Admission admission() {
        return engine.admission();
    }

    RefusalLog refusalLog() {
        return engine.refusalLog();
    }

    ForwardEngine engine() {
        return engine;
    }

    ForwardRules rules() {
        return rules;
    }

    Forward forward() {
        return rules.forward();
    }

    TargetPool pool() {
        return rules.pool();
    }

    Transport transport() {
        return engine.transport();
    }

    IdleSweeper sweeper(io.netty.channel.EventLoop loop) {
        return engine.sweeper(loop);
    }

    boolean logConnections() {
        return engine.logConnections();
    }

    /** Binds every port of every protocol; blocking, so never called on an event loop. */
    List<String> bind() {
        Forward f = rules.forward();
        List<String> failures = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            if (!f.has(protocol)) {
                continue;
            }
            for (int k = 0; k < f.listen().ports().size(); k++) {
                InetSocketAddress address = f.listen().socketAddress(k);
                Listening l = bindOne(protocol, address, k, f.listen().ports().isSingle());
                listeners.add(l);
                if (l.error() != null) {
                    failures.add(name + " " + protocol.label() + " " + Addresses.format(address) + ": " + l.error());
                }
            }
        }
        return failures;
    }

    private Listening bindOne(Protocol protocol, InetSocketAddress address, int offset, boolean spread) {
        Transport t = engine.transport();
        // With epoll, one socket per event loop (SO_REUSEPORT) lets the kernel share out new connections,
        // so accepting scales with the cores. Ranges keep one socket per port to keep descriptors few.
        int copies = spread && t.canReusePort() ? engine.eventLoopCount() : 1;
        List<OpenPort> channels = new ArrayList<>(copies);
        for (int i = 0; i < copies; i++) {
            EventLoop loop = engine.group().next();
            Throwable failure = null;
            if (protocol == Protocol.TCP && t.directTcp()) {
                try {
                    channels.add(new UringListener(this, offset, (IoEventLoop) loop, address, copies > 1));
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
            } else {
                ChannelFuture f = protocol == Protocol.TCP ? bindTcp(loop, address, offset, copies > 1)
                        : bindUdp(loop, address, offset, copies > 1, spread ? UDP_BATCH : 1);
                f.awaitUninterruptibly();
                if (f.isSuccess()) {
                    channels.add(new ChannelPort(f.channel()));
                } else {
                    failure = f.cause();
                }
            }
            if (failure != null) {
                channels.forEach(OpenPort::close);
                String why = engine.explainer().explain(protocol, address, failure);
                LOG.error("cannot listen forward={} {} {}: {}", name, protocol.label(), Addresses.format(address), why);
                return new Listening(protocol, address, List.of(), why);
            }
        }
        LOG.info("listening forward={} {} {}", name, protocol.label(), Addresses.format(address));
        return new Listening(protocol, address, List.copyOf(channels), null);
    }

    private ChannelFuture bindTcp(EventLoop loop, InetSocketAddress address, int offset, boolean reusePort) {
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, reusePort ? loop : engine.group())
                .channel(engine.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                // Netty turns TCP_NODELAY on by default; setting it again would cost a system call per socket.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new TcpAcceptInitializer(this, offset));
        if (reusePort) {
            b.option(engine.transport().reusePortOption(), true);
        }
        return b.bind(address);
    }

    private ChannelFuture bindUdp(EventLoop loop, InetSocketAddress address, int offset, boolean reusePort, int batch) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(engine.transport().datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * batch))
                .option(ChannelOption.SO_RCVBUF, UDP_SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, UDP_SOCKET_BUFFER)
                .handler(new UdpListenerHandler(this, offset));
        if (batch > 1 && engine.transport().maxDatagramPayloadOption() != null) {
            b.option(engine.transport().maxDatagramPayloadOption(), MAX_DATAGRAM);
        }
        if (reusePort) {
            b.option(engine.transport().reusePortOption(), true);
        }
        return b.bind(address);
    }

    /** New rules for the same sockets: new connections follow them, open ones keep theirs. */
    void update(Forward forward) {
        ForwardRules old = rules;
        TargetPool pool = old.forward().targets().equals(forward.targets()) && old.forward().balance() == forward.balance()
                ? old.pool() : TargetPool.build(forward, old.pool());
        rules = new ForwardRules(forward, pool);
        if (pool != old.pool() || !old.forward().healthCheck().equals(forward.healthCheck())) {
            stopChecker();
            startChecker();
        }
    }

    private void startChecker() {
        rules.forward().healthCheck().ifPresent(hc -> {
            checker = new HealthChecker(name, rules.pool(), hc, engine.group().next(), engine.transport());
            checker.start();
        });
    }

    private void stopChecker() {
        if (checker != null) {
            checker.stop();
            checker = null;
        }
    }

    /** Stops listening and checking; connections and sessions already open go on (TCP) until they end. */
    void closeListeners() {
        stopChecker();
        for (Listening l : listeners) {
            l.channels().forEach(OpenPort::close);
        }
        listeners.clear();
    }

    boolean hasBindFailures() {
        return listeners.stream().anyMatch(l -> l.error() != null);
    }

    boolean sameSockets(Forward other) {
        Forward f = rules.forward();
        return f.listen().equals(other.listen()) && f.protocols().equals(other.protocols());
    }

    ForwardStatus status() {
        Forward f = rules.forward();
        List<ForwardStatus.Listener> ls = listeners.stream()
                .map(l -> new ForwardStatus.Listener(l.protocol().label(), Addresses.format(bound(l)), l.error()))
                .toList();
        long failed = ls.stream().filter(l -> l.error() != null).count();
        String state = failed == 0 ? "listening" : failed == ls.size() ? "failed" : "partial";
        String protocols = f.protocols().stream().sorted().map(Protocol::label).collect(Collectors.joining("+"));
        return new ForwardStatus(name, protocols, f.listen().toString(), state, ls,
                rules.pool().upstreams().stream().map(Upstream::status).toList(), stats.snapshot());
    }
}
