package io.portcullis.forward;

import io.netty.channel.EventLoopGroup;
import io.portcullis.config.Forward;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.Settings;
import io.portcullis.net.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The data plane: runs the forwards of a configuration and applies a new configuration as a difference,
 * so that forwards that did not change are not touched and open connections are never dropped by a reload.
 *
 * <p>Methods are called from the control plane (start-up, reload, status), never from an event loop.
 */
public final class ForwardEngine implements AutoCloseable {

    private final Transport transport;
    private final int eventLoops;
    private final EventLoopGroup group;
    private final BindFailureExplainer explainer;
    private final Map<String, ForwardRuntime> running = new LinkedHashMap<>();
    /** One per event loop, filled before any connection exists and only read afterwards. */
    private final Map<io.netty.channel.EventLoop, IdleSweeper> sweepers = new java.util.IdentityHashMap<>();
    /** The same sweepers by loop number, as connection ids name them. */
    private final List<IdleSweeper> loopSweepers = new ArrayList<>();
    private final List<Forward> disabled = new ArrayList<>();
    private volatile boolean logConnections;
    private Settings settings;
    private final Admission admission;
    private final RefusalLog refusalLog = new RefusalLog();
    private boolean closed;

    public ForwardEngine(Settings settings, BindFailureExplainer explainer) {
        this(settings, explainer, Admission.OPEN);
    }

    /** An engine that asks {@code admission} about every new connection and UDP session. */
    public ForwardEngine(Settings settings, BindFailureExplainer explainer, Admission admission) {
        this.admission = admission;
        String forced = System.getProperty("portcullis.transport");
        this.transport = Transport.named(forced != null ? forced : settings.transport());
        this.settings = settings;
        this.eventLoops = settings.eventLoops() > 0 ? settings.eventLoops() : Runtime.getRuntime().availableProcessors();
        this.group = transport.newGroup(eventLoops, "portcullis-io");
        for (io.netty.util.concurrent.EventExecutor e : group) {
            io.netty.channel.EventLoop loop = (io.netty.channel.EventLoop) e;
            IdleSweeper sweeper = new IdleSweeper(loop, loopSweepers.size(), eventLoops);
            sweepers.put(loop, sweeper);
            loopSweepers.add(sweeper);
        }
        this.explainer = explainer;
        this.logConnections = settings.logConnections();
        ForwardRuntime.LOG.info("data plane: {} transport, {} event loops", transport.name(), eventLoops);
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return transport.name();
    }

    /** Applies {@code config}: starts, changes and stops forwards as needed. Blocking while sockets bind. */
    public synchronized ApplyResult apply(GatewayConfig config) {
        if (closed) {
            throw new IllegalStateException("the forwarding engine is stopped");
        }
        List<String> started = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        Settings next = config.settings();
        if (next.eventLoops() != settings.eventLoops()) {
            notes.add("gateway.event-loops changed: takes effect after a restart");
        }
        if (!next.transport().equals(settings.transport())) {
            notes.add("gateway.transport changed: takes effect after a restart");
        }
        if (!next.dataDir().equals(settings.dataDir())) {
            notes.add("gateway.data-dir changed: takes effect after a restart");
        }
        logConnections = next.logConnections();
        settings = next;

        Map<String, Forward> wanted = new LinkedHashMap<>();
        disabled.clear();
        for (Forward f : config.forwards()) {
            if (f.enabled()) {
                wanted.put(f.name(), f);
            } else {
                disabled.add(f);
            }
        }
        // Stop what goes away first, so that a forward moving onto a freed port can bind it.
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().closeListeners();
                it.remove();
                stopped.add(e.getKey());
            }
        }
        List<ForwardRuntime> moving = new ArrayList<>();
        for (Forward f : wanted.values()) {
            ForwardRuntime rt = running.get(f.name());
            if (rt != null && !rt.forward().equals(f) && !rt.sameSockets(f)) {
                rt.closeListeners();
                moving.add(rt);
            }
        }
        Map<String, ForwardRuntime> result = new LinkedHashMap<>();
        for (Forward f : wanted.values()) {
            ForwardRuntime rt = running.get(f.name());
            if (rt == null) {
                rt = new ForwardRuntime(this, f, new ForwardStats(), null);
                failures.addAll(rt.bind());
                started.add(f.name());
            } else if (rt.forward().equals(f) && rt.hasBindFailures()) {
                // Same forward, but some port could not be bound last time: the holder may be gone now.
                rt.closeListeners();
                rt = new ForwardRuntime(this, f, rt.stats, rt.pool());
                failures.addAll(rt.bind());
                changed.add(f.name());
            } else if (rt.forward().equals(f)) {
                unchanged.add(f.name());
            } else if (moving.contains(rt)) {
                rt = new ForwardRuntime(this, f, rt.stats, rt.pool());
                failures.addAll(rt.bind());
                changed.add(f.name());
            } else {
                rt.update(f);
                changed.add(f.name());
            }
            result.put(f.name(), rt);
        }
        running.clear();
        running.putAll(result);
        return new ApplyResult(started, changed, stopped, unchanged, failures, notes);
    }

    /** The state of every configured forward, in config order, disabled ones included. */
    public synchronized List<ForwardStatus> status() {
        List<ForwardStatus> out = new ArrayList<>();
        for (ForwardRuntime rt : running.values()) {
            out.add(rt.status());
        }
        for (Forward f : disabled) {
            String protocols = f.protocols().stream().sorted().map(Protocol::label).collect(Collectors.joining("+"));
            out.add(new ForwardStatus(f.name(), protocols, f.listen().toString(), "disabled", List.of(), List.of(),
                    new ForwardStats().snapshot()));
        }
        return out;
    }

    /** How long an admin's question waits for a busy event loop. */
    private static final long ASK_LOOP_SECONDS = 5;

    /**
     * The open TCP connections, oldest first; of one forward when {@code forward} is given. Each event loop
     * lists its own (a task on the loop), so that opening and closing a connection touches nothing shared.
     */
    public List<OpenConnection> connections(java.util.Optional<String> forward) {
        long nowNanos = System.nanoTime();
        java.time.Instant now = java.time.Instant.now();
        List<java.util.concurrent.Future<List<OpenConnection>>> asked = new ArrayList<>();
        for (IdleSweeper s : loopSweepers) {
            asked.add(onLoop(s, () -> {
                List<OpenConnection> views = new ArrayList<>();
                s.views(views, nowNanos, now);
                return views;
            }));
        }
        List<OpenConnection> out = new ArrayList<>();
        for (var f : asked) {
            for (OpenConnection v : answer(f, List.<OpenConnection>of())) {
                if (forward.isEmpty() || forward.get().equals(v.forward())) {
                    out.add(v);
                }
            }
        }
        out.sort(java.util.Comparator.comparing(OpenConnection::openedAt).thenComparingLong(OpenConnection::id));
        return out;
    }

    /** Closes one open connection; false when there is none with that id (any more). */
    public boolean closeConnection(long id) {
        if (id <= 0) {
            return false;
        }
        IdleSweeper s = loopSweepers.get(IdleSweeper.loopOf(id, loopSweepers.size()));
        return answer(onLoop(s, () -> s.close(id)), false);
    }

    private static <T> java.util.concurrent.Future<T> onLoop(IdleSweeper s, java.util.concurrent.Callable<T> task) {
        if (s.loop.inEventLoop()) {
            try {
                return java.util.concurrent.CompletableFuture.completedFuture(task.call());
            } catch (Exception e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        }
        try {
            return s.loop.submit(task);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            return java.util.concurrent.CompletableFuture.failedFuture(stopped);
        }
    }

    private static <T> T answer(java.util.concurrent.Future<T> f, T otherwise) {
        try {
            return f.get(ASK_LOOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return otherwise;
        }
    }

    /** Open TCP connections over all forwards. */
    public synchronized int openConnections() {
        return running.values().stream().mapToInt(rt -> rt.stats.openConnections.get()).sum();
    }

    /**
     * Stops accepting, lets open connections run for up to {@code grace}, then closes everything.
     */
    public void shutdown(Duration grace) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running.values().forEach(ForwardRuntime::closeListeners);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        int open;
        while ((open = openConnections()) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (open > 0) {
            ForwardRuntime.LOG.info("grace period over: closing {} open connection(s)", open);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    IdleSweeper sweeper(io.netty.channel.EventLoop loop) {
        return sweepers.get(loop);
    }

    Transport transport() {
        return transport;
    }

    EventLoopGroup group() {
        return group;
    }

    int eventLoopCount() {
        return eventLoops;
    }

    Admission admission() {
        return admission;
    }

    RefusalLog refusalLog() {
        return refusalLog;
    }

    BindFailureExplainer explainer() {
        return explainer;
    }

    boolean logConnections() {
        return logConnections;
    }
}
