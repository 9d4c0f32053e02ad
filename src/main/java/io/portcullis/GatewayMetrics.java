package io.portcullis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.forward.ForwardStatus;
import io.portcullis.guard.GuardStatus;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's Prometheus metrics: per forward (connections, sessions, bytes, refusals by reason, target
 * health), the guard, and the JVM. Forward figures are read from the engine's own counters when scraped,
 * so the data plane does no extra work for metrics.
 */
final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<List<ForwardStatus>> forwards;
    private final Supplier<GuardStatus> guard;
    private final AtomicReference<Map<String, ForwardStatus>> latest = new AtomicReference<>(Map.of());
    private final AtomicReference<GuardStatus> latestGuard = new AtomicReference<>();
    private final Set<String> registered = new HashSet<>();
    private final Map<String, List<Meter.Id>> meters = new HashMap<>();

    GatewayMetrics(Supplier<List<ForwardStatus>> forwards, Supplier<GuardStatus> guard) {
        this.forwards = forwards;
        this.guard = guard;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("portcullis.guard.bans.active", latestGuard, g -> g.get() == null ? 0 : g.get().activeBans())
                .description("bans in force").register(registry);
        FunctionCounter.builder("portcullis.guard.bans.issued", latestGuard, g -> g.get() == null ? 0 : g.get().bansIssued())
                .description("automatic bans since start").register(registry);
        Gauge.builder("portcullis.guard.offenders", latestGuard, g -> g.get() == null ? 0 : g.get().offenders())
                .description("addresses with recent offences").register(registry);
    }

    /** The text exposition, with every forward's figures as of now. */
    synchronized String scrape() {
        Map<String, ForwardStatus> now = new HashMap<>();
        for (ForwardStatus f : forwards.get()) {
            now.put(f.name(), f);
        }
        latest.set(now);
        latestGuard.set(guard.get());
        for (String gone : new HashSet<>(registered)) {
            if (!now.containsKey(gone)) {
                meters.getOrDefault(gone, List.of()).forEach(registry::remove);
                meters.remove(gone);
                registered.remove(gone);
            }
        }
        for (ForwardStatus f : now.values()) {
            if (registered.add(f.name())) {
                register(f.name());
            }
            registerDynamic(f);
        }
        return registry.scrape();
    }

    private void register(String name) {
        Tags tags = Tags.of("forward", name);
        List<Meter.Id> ids = meters.computeIfAbsent(name, n -> new java.util.ArrayList<>());
        ids.add(gauge("portcullis.forward.connections.open", "open TCP connections", tags, c -> c.openConnections()));
        ids.add(counter("portcullis.forward.connections", "TCP connections accepted", tags, c -> c.totalConnections()));
        ids.add(gauge("portcullis.forward.udp.sessions.open", "open UDP sessions", tags, c -> c.openUdpSessions()));
        ids.add(counter("portcullis.forward.udp.sessions", "UDP sessions started", tags, c -> c.totalUdpSessions()));
        ids.add(counter("portcullis.forward.bytes.in", "bytes from clients to targets", tags, c -> c.bytesIn()));
        ids.add(counter("portcullis.forward.bytes.out", "bytes from targets to clients", tags, c -> c.bytesOut()));
        ids.add(counter("portcullis.forward.target.failures", "failed connections to targets", tags, c -> c.targetFailures()));
        ids.add(counter("portcullis.forward.udp.dropped", "UDP datagrams dropped", tags, c -> c.udpDropped()));
    }

    /** Refusal reasons and targets appear as they happen, so they are registered as they are first seen. */
    private void registerDynamic(ForwardStatus f) {
        List<Meter.Id> ids = meters.get(f.name());
        for (String reason : f.counters().refusedBy().keySet()) {
            Tags tags = Tags.of("forward", f.name(), "reason", reason);
            if (registry.find("portcullis.forward.refused").tags(tags).functionCounter() == null) {
                ids.add(counter("portcullis.forward.refused", "clients refused, by reason", tags,
                        c -> c.refusedBy().getOrDefault(reason, 0L)));
            }
        }
        for (ForwardStatus.Target t : f.targets()) {
            Tags tags = Tags.of("forward", f.name(), "target", t.address());
            if (registry.find("portcullis.forward.target.up").tags(tags).gauge() == null) {
                String name = f.name();
                ids.add(Gauge.builder("portcullis.forward.target.up", latest, m -> targetUp(m.get(), name, t.address()))
                        .description("1 when the target takes new connections, 0 when it is down").tags(tags).register(registry).getId());
            }
        }
    }

    private static double targetUp(Map<String, ForwardStatus> m, String forward, String address) {
        ForwardStatus f = m.get(forward);
        if (f == null) {
            return Double.NaN;
        }
        return f.targets().stream().filter(t -> t.address().equals(address)).findFirst().map(t -> t.healthy() ? 1.0 : 0.0)
                .orElse(Double.NaN);
    }

    private Meter.Id gauge(String name, String help, Tags tags, ToDoubleFunction<ForwardStatus.Counters> f) {
        String forward = tags.stream().filter(t -> t.getKey().equals("forward")).findFirst().orElseThrow().getValue();
        return Gauge.builder(name, latest, m -> value(m.get(), forward, f)).description(help).tags(tags).register(registry).getId();
    }

    private Meter.Id counter(String name, String help, Tags tags, ToDoubleFunction<ForwardStatus.Counters> f) {
        String forward = tags.stream().filter(t -> t.getKey().equals("forward")).findFirst().orElseThrow().getValue();
        return FunctionCounter.builder(name, latest, m -> value(m.get(), forward, f)).description(help).tags(tags)
                .register(registry).getId();
    }

    private static double value(Map<String, ForwardStatus> m, String forward, ToDoubleFunction<ForwardStatus.Counters> f) {
        ForwardStatus s = m.get(forward);
        return s == null ? 0 : f.applyAsDouble(s.counters());
    }
}
