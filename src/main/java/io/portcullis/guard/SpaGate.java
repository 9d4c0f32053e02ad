package io.portcullis.guard;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.portcullis.config.Forward;
import io.portcullis.config.SpaClient;
import io.portcullis.config.SpaGuard;
import io.portcullis.config.SpaSettings;
import io.portcullis.guard.spa.SpaAccess;
import io.portcullis.guard.spa.SpaDecoder;
import io.portcullis.guard.spa.SpaException;
import io.portcullis.guard.spa.SpaKey;
import io.portcullis.guard.spa.SpaMessage;
import io.portcullis.net.Addresses;
import io.portcullis.net.Cidr;
import io.portcullis.net.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-packet authorization: listens for fwknop packets on UDP and, for each valid one, lets its sender
 * open new connections to the SPA-guarded forwards it asked for, for a limited time. Everyone else stays
 * refused. Every packet that fails (bad HMAC, wrong key, too old, replayed, garbage) is dropped, counted by
 * reason and reported as an offence of its sender, so knocking at random gets a source banned.
 */
final class SpaGate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpaGate.class);

    /** What the gate knows of the config: clients, keys, and which forwards SPA guards. */
    private record Setup(SpaSettings settings, SpaDecoder decoder, Map<String, SpaClient> clients, List<Forward> guarded) {}

    private final ReplayCache replay;
    private final Executor background;
    private final BiConsumer<InetAddress, String> offence;
    /** forward name → address → end of its access (nanoTime). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<InetAddress, Long>> grants = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private volatile Setup setup;
    private EventLoopGroup group;
    private Channel channel;
    private InetSocketAddress bound;
    private String bindError;

    SpaGate(Path dataDir, SpaSettings settings, List<Forward> forwards, Executor background,
            BiConsumer<InetAddress, String> offence) throws IOException {
        this.replay = new ReplayCache(dataDir == null ? null : dataDir.resolve("spa-replay.txt"),
                settings.maxAge().multipliedBy(2).plusSeconds(60));
        this.background = background;
        this.offence = offence;
        this.setup = setup(settings, forwards);
    }

    private static Setup setup(SpaSettings settings, List<Forward> forwards) {
        List<SpaKey> keys = new ArrayList<>();
        Map<String, SpaClient> clients = new ConcurrentHashMap<>();
        for (SpaClient c : settings.clients()) {
            keys.add(SpaKey.fromBase64(c.name(), c.key(), c.hmacKey(), c.hmacDigest()));
            clients.put(c.name(), c);
        }
        List<Forward> guarded = forwards.stream().filter(f -> f.enabled() && f.guard().spa().isPresent()).toList();
        return new Setup(settings, new SpaDecoder(keys), clients, guarded);
    }

    /** Starts listening when clients are configured; a bind failure is logged and reported in status. */
    synchronized void start() {
        Setup s = setup;
        if (!s.settings().enabled() || channel != null) {
            return;
        }
        InetSocketAddress address = s.settings().listen().socketAddress(0);
        group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "portcullis-spa");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        var f = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(new Handler())
                .bind(address).awaitUninterruptibly();
        if (f.isSuccess()) {
            channel = f.channel();
            bound = (InetSocketAddress) channel.localAddress();
            bindError = null;
            log.info("spa: listening for fwknop packets on udp {} ({} client(s))", Addresses.format(bound), s.clients().size());
        } else {
            bindError = f.cause().getMessage();
            log.error("spa: cannot listen on udp {}: {}; SPA-guarded forwards stay closed", Addresses.format(address), bindError);
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
            group = null;
        }
    }

    /** New clients, keys and guarded forwards; a changed listen address rebinds. Grants of forwards still guarded stay. */
    synchronized void update(SpaSettings settings, List<Forward> forwards) {
        Setup old = setup;
        setup = setup(settings, forwards);
        List<String> names = setup.guarded().stream().map(Forward::name).toList();
        grants.keySet().retainAll(names);
        if (!old.settings().listen().equals(settings.listen()) || old.settings().enabled() != settings.enabled()) {
            stopListening();
            start();
        }
    }

    /** Whether {@code address} may open a new connection to {@code forward} now. */
    boolean granted(String forward, InetAddress address, long now) {
        ConcurrentHashMap<InetAddress, Long> g = grants.get(forward);
        if (g == null) {
            return false;
        }
        Long until = g.get(address);
        return until != null && now - until < 0;
    }

    void expire(long now) {
        for (ConcurrentHashMap<InetAddress, Long> g : grants.values()) {
            g.values().removeIf(until -> now - until >= 0);
        }
        replay.expire(Instant.now());
    }

    private void count(String what) {
        counters.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    int openGrants() {
        return grants.values().stream().mapToInt(Map::size).sum();
    }

    /** Where it listens, or why it does not; null when SPA is not configured. */
    String where() {
        if (!setup.settings().enabled()) {
            return null;
        }
        return bound != null ? "udp " + Addresses.format(bound) : "not listening: " + bindError;
    }

    InetSocketAddress boundAddress() {
        return bound;
    }

    /** Handles one packet: everything here is in memory; the replay digest is written to disk in the background. */
    void receive(byte[] data, InetSocketAddress sender) {
        InetAddress source = Cidr.canonical(sender.getAddress());
        Setup s = setup;
        SpaMessage msg;
        try {
            msg = s.decoder().decode(data, 0, data.length);
        } catch (SpaException e) {
            refuse(source, e.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), e.getMessage());
            return;
        } catch (RuntimeException e) {
            // The decoder must only throw SpaException; if it ever does not, the packet is still just refused.
            refuse(source, "bad-fields", "undecodable packet: " + e);
            return;
        }
        Instant now = Instant.now();
        Duration age = Duration.between(msg.timestamp(), now);
        if (age.abs().compareTo(s.settings().maxAge()) > 0) {
            refuse(source, "stale", "packet from client " + msg.keyName() + " is " + (age.isNegative() ? "from " + age.abs().toSeconds()
                    + "s in the future" : age.toSeconds() + "s old") + " (max-age " + s.settings().maxAge().toSeconds() + "s; check the clocks)");
            return;
        }
        if (!replay.firstUse(msg.replayDigest(), now)) {
            refuse(source, "replay", "packet from client " + msg.keyName() + " was already used (a replay)");
            return;
        }
        byte[] digest = msg.replayDigest();
        background.execute(() -> {
            try {
                replay.persist(digest, now);
            } catch (IOException e) {
                log.warn("spa: cannot write the replay cache: {}", e.getMessage());
            }
        });
        SpaClient client = s.clients().get(msg.keyName());
        InetAddress grantee = source;
        String inner = msg.allowAddress();
        if (inner != null && !inner.equals("0.0.0.0")) {
            InetAddress packetAddress = Addresses.parseLiteral(inner).map(Cidr::canonical).orElse(null);
            if (packetAddress == null) {
                refuse(source, "bad-fields", "packet from client " + msg.keyName() + " names address '" + inner + "'");
                return;
            }
            if (!packetAddress.equals(source)) {
                if (client == null || !client.allowPacketAddress()) {
                    refuse(source, "address-mismatch", "packet from client " + msg.keyName() + " asks access for "
                            + Addresses.format(packetAddress) + " but came from " + Addresses.format(source)
                            + " (send it with fwknop -s, or set allow-packet-address: true for this client)");
                    return;
                }
                grantee = packetAddress;
            }
        }
        long nowNanos = System.nanoTime();
        List<String> opened = new ArrayList<>();
        for (SpaAccess a : msg.access()) {
            Protocol p = "udp".equalsIgnoreCase(a.protocol()) ? Protocol.UDP : Protocol.TCP;
            for (Forward f : s.guarded()) {
                SpaGuard g = f.guard().spa().orElseThrow();
                if (!f.has(p) || !f.listen().ports().contains(a.port())
                        || (!g.clients().isEmpty() && !g.clients().contains(msg.keyName()))) {
                    continue;
                }
                Duration open = g.openFor();
                if (msg.clientTimeoutSeconds().isPresent() && msg.clientTimeoutSeconds().getAsInt() > 0) {
                    open = Duration.ofSeconds(Math.min(open.toSeconds(), msg.clientTimeoutSeconds().getAsInt()));
                }
                long until = nowNanos + open.toNanos();
                grants.computeIfAbsent(f.name(), k -> new ConcurrentHashMap<>()).merge(grantee, until, Math::max);
                opened.add(f.name() + " (" + p.label() + "/" + a.port() + ") for " + open.toSeconds() + "s");
            }
        }
        if (opened.isEmpty()) {
            count("no-forward");
            log.info("spa: valid packet from {} (client {}) asks for {}, which no SPA-guarded forward open to this client listens on",
                    Addresses.format(source), msg.keyName(), msg.access());
            return;
        }
        count("accepted");
        log.info("spa: client {} from {} opened {} to {}", msg.keyName(), Addresses.format(source), String.join(", ", opened),
                Addresses.format(grantee));
    }

    private void refuse(InetAddress source, String reason, String detail) {
        count(reason);
        if (logBudget()) {
            log.info("spa: refused packet from {}: {} ({})", Addresses.format(source), reason, detail);
        }
        offence.accept(source, "SPA packet refused: " + reason);
    }

    private long logSecond;
    private int logged;
    private long heldBack;

    /** At most 20 refusal lines a second, so a flood of garbage does not become a flood of log lines. Called on the SPA thread. */
    private boolean logBudget() {
        long second = System.nanoTime() / 1_000_000_000L;
        if (second != logSecond) {
            if (heldBack > 0) {
                log.info("spa: {} more refused packet(s) not logged", heldBack);
            }
            logSecond = second;
            logged = 0;
            heldBack = 0;
        }
        if (++logged <= 20) {
            return true;
        }
        heldBack++;
        return false;
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            byte[] data = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), data);
            receive(data, packet.sender());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("spa: socket error: {}", cause.toString());
        }
    }

    private void stopListening() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
            channel = null;
            bound = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
            group = null;
        }
    }

    @Override
    public synchronized void close() {
        stopListening();
    }
}
