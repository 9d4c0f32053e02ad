package io.portcullis;

import io.portcullis.admin.api.AdminBackend;
import io.portcullis.admin.api.ApiException;
import io.portcullis.config.ConfigException;
import io.portcullis.config.Durations;
import io.portcullis.config.Forward;
import io.portcullis.forward.ForwardStatus;
import io.portcullis.guard.Ban;
import io.portcullis.net.Addresses;
import io.portcullis.net.Cidr;
import io.portcullis.ports.PortEntry;
import io.portcullis.ports.PortInventory;
import io.portcullis.ports.SocketOwner;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API's view of the running gateway: the composition root's answer to {@link AdminBackend}. It
 * turns API forwards into config, config into a running engine, and the engine's, guard's and host's state
 * into what the API shows.
 */
final class GatewayAdmin implements AdminBackend {

    private final Gateway gateway;
    private final PortInventory inventory = new PortInventory();

    GatewayAdmin(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> status() {
        return (Map<String, Object>) gateway.status();
    }

    @Override
    public List<Map<String, Object>> counters() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ForwardStatus f : gateway.engine().status()) {
            Map<String, Object> m = new LinkedHashMap<>();
            ForwardStatus.Counters c = f.counters();
            m.put("name", f.name());
            m.put("state", f.state());
            m.put("open", c.openConnections() + c.openUdpSessions());
            m.put("total", c.totalConnections() + c.totalUdpSessions());
            m.put("bytesIn", c.bytesIn());
            m.put("bytesOut", c.bytesOut());
            m.put("refused", c.refused());
            out.add(m);
        }
        return out;
    }

    @Override
    public List<ForwardView> forwards() {
        Map<String, ForwardStatus> status = new LinkedHashMap<>();
        gateway.engine().status().forEach(s -> status.put(s.name(), s));
        List<ForwardView> out = new ArrayList<>();
        List<String> fromFile = new ArrayList<>();
        for (Forward f : gateway.fileConfig().forwards()) {
            fromFile.add(f.name());
            out.add(new ForwardView(f.name(), "file", f.enabled(), 0, fileSpec(f), status.get(f.name()), null));
        }
        for (ApiForwards.Stored s : gateway.apiForwards().list()) {
            if (fromFile.contains(s.name())) {
                out.add(view(s, null, gateway.apiFailures().getOrDefault(s.name(), "the config file has a forward of this name")));
                continue;
            }
            out.add(view(s, status.get(s.name()), gateway.apiFailures().get(s.name())));
        }
        return out;
    }

    private static ForwardView view(ApiForwards.Stored s, ForwardStatus status, String error) {
        boolean enabled = !Boolean.FALSE.equals(s.spec().get("enabled"));
        return new ForwardView(s.name(), "api", enabled, s.version(), s.spec(), status, error);
    }

    /** A file forward as the API shows it: the main keys, for reading; the file has the rest. */
    private static Map<String, Object> fileSpec(Forward f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("protocol", f.protocols().size() > 1 ? "both" : f.protocols().iterator().next().label());
        m.put("listen", f.listen().toString());
        m.put("targets", f.targets().stream().map(Object::toString).toList());
        m.put("balance", f.balance().configName());
        m.put("enabled", f.enabled());
        return m;
    }

    @Override
    public Optional<ForwardView> forward(String name) {
        return forwards().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    @Override
    public ForwardView createForward(Map<String, Object> spec, String actor) {
        Object name = spec.get("name");
        if (!(name instanceof String n) || n.isBlank()) {
            throw ApiException.invalid("name", "'name' is missing (expected: a unique name such as camera)");
        }
        checkName(n);
        if (gateway.fileConfig().forward(n).isPresent()) {
            throw ApiException.conflict("the config file has a forward named '" + n + "' already");
        }
        if (gateway.apiForwards().find(n).isPresent()) {
            throw ApiException.conflict("a forward named '" + n + "' exists already");
        }
        return change(n, spec, 0, actor);
    }

    @Override
    public ForwardView updateForward(String name, Long expectedVersion, Map<String, Object> spec, String actor) {
        ApiForwards.Stored current = apiForward(name);
        Object specName = spec.get("name");
        if (specName != null && !name.equals(specName)) {
            throw ApiException.invalid("name", "the name in the body ('" + specName + "') differs from the one in the path ('"
                    + name + "'); a forward cannot be renamed, create a new one instead");
        }
        Map<String, Object> withName = new LinkedHashMap<>();
        withName.put("name", name);
        spec.forEach((k, v) -> {
            if (!k.equals("name")) {
                withName.put(k, v);
            }
        });
        long expected = expectedVersion == null ? current.version() : expectedVersion;
        if (expected != current.version()) {
            throw ApiException.stale("forward '" + name + "' was changed by someone else (version " + current.version()
                    + ", you sent " + expected + "); load it again");
        }
        return change(name, withName, expected, actor);
    }

    @Override
    public void deleteForward(String name, Long expectedVersion, String actor) {
        ApiForwards.Stored current = apiForward(name);
        long expected = expectedVersion == null ? current.version() : expectedVersion;
        synchronized (gateway) {
            if (!gateway.apiForwards().delete(name, expected)) {
                throw ApiException.stale("forward '" + name + "' was changed by someone else; load it again");
            }
            gateway.applyApiForwards("forward '" + name + "' deleted by " + actor);
        }
    }

    @Override
    public ForwardView setEnabled(String name, boolean enabled, String actor) {
        ApiForwards.Stored current = apiForward(name);
        Map<String, Object> spec = new LinkedHashMap<>(current.spec());
        spec.put("enabled", enabled);
        return change(name, spec, current.version(), actor);
    }

    private ApiForwards.Stored apiForward(String name) {
        if (gateway.fileConfig().forward(name).isPresent()) {
            throw ApiException.forbidden("forward '" + name + "' comes from the config file " + gateway.fileConfig().source()
                    .map(Object::toString).orElse("") + "; change it there");
        }
        return gateway.apiForwards().find(name).orElseThrow(() -> ApiException.notFound("no forward named '" + name + "'"));
    }

    private static void checkName(String n) {
        try {
            Forward.checkName(n);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("name", e.getMessage());
        }
    }

    /** Checks the new spec against everything else that runs, stores it, and applies it. */
    private ForwardView change(String name, Map<String, Object> spec, long expected, String actor) {
        synchronized (gateway) {
            List<ApiForwards.Stored> others = new ArrayList<>(gateway.apiForwards().list());
            others.removeIf(s -> s.name().equals(name) || gateway.apiFailures().containsKey(s.name()));
            ApiForwards.Stored candidate = new ApiForwards.Stored(name, spec, expected);
            List<ApiForwards.Stored> all = new ArrayList<>(others);
            all.add(candidate);
            try {
                ApiForwards.join(gateway.fileConfig(), gateway.fileText(), all);
            } catch (ConfigException e) {
                throw ApiForwards.problems(candidate, e);
            }
            ApiForwards.Stored saved = gateway.apiForwards().save(name, spec, expected, actor)
                    .orElseThrow(() -> ApiException.stale("forward '" + name + "' was changed by someone else; load it again"));
            gateway.applyApiForwards("forward '" + name + "' changed by " + actor);
            ForwardStatus status = gateway.engine().status().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
            return view(saved, status, gateway.apiFailures().get(name));
        }
    }

    @Override
    public List<?> connections(Optional<String> forward) {
        return gateway.engine().connections(forward);
    }

    @Override
    public boolean closeConnection(long id) {
        return gateway.engine().closeConnection(id);
    }

    @Override
    public List<?> bans() {
        return gateway.guard().bans().stream().map(Ban::view).toList();
    }

    @Override
    public Object ban(String network, String duration, String reason) {
        try {
            Cidr cidr = Cidr.parse(network);
            Duration length = Durations.parse(duration);
            Ban.checkLength(length);
            return gateway.guard().ban(cidr, length, reason).view();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage().contains("duration") || e.getMessage().contains("ban length") ? "duration" : "network",
                    e.getMessage());
        } catch (IOException e) {
            throw new ApiException(500, "not-saved", "the ban is in force but could not be saved: " + e.getMessage());
        }
    }

    @Override
    public List<?> lift(String network) {
        try {
            return gateway.guard().lift(Cidr.parse(network)).stream().map(Ban::view).toList();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("network", e.getMessage());
        } catch (IOException e) {
            throw new ApiException(500, "not-saved", "the bans are lifted but the change could not be saved: " + e.getMessage());
        }
    }

    @Override
    public List<?> ports() {
        List<PortEntry> entries;
        try {
            entries = inventory.scan(false);
        } catch (IOException e) {
            throw new ApiException(503, "ports-unavailable", "cannot read the host's sockets: " + e.getMessage());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (PortEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocol", e.socket().protocol().label());
            m.put("address", Addresses.format(e.socket().local().getAddress()));
            m.put("port", e.socket().port());
            m.put("class", e.portClass().toString().toLowerCase(java.util.Locale.ROOT));
            m.put("service", e.serviceName().isEmpty() ? null : e.serviceName());
            SocketOwner owner = e.owners().isEmpty() ? null : e.owners().get(0);
            m.put("pid", owner == null ? null : owner.pid());
            m.put("process", owner == null ? null : owner.program());
            m.put("user", e.user());
            m.put("state", e.socket().state().toString().toLowerCase(java.util.Locale.ROOT));
            out.add(m);
        }
        return out;
    }

    @Override
    public String metrics() {
        return gateway.metrics().scrape();
    }

    @Override
    public String banned(String source) {
        try {
            Ban ban = gateway.guard().banOf(InetAddress.getByName(source));
            return ban == null ? null : "banned until " + ban.until() + " (" + ban.reason() + ")";
        } catch (IOException e) {
            return null;
        }
    }

    /** Failed logins per source in the last hour; bounded, oldest forgotten first. */
    private final Map<String, long[]> loginFailures = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > 10_000;
        }
    };

    /**
     * A person mistypes; a guesser keeps going. The first {@link #FORGIVEN_FAILURES} failures an hour from
     * one address are only slowed down by the login throttle; each one after that is an offence for the
     * guard, whose bans then shut the address out of the whole gateway.
     */
    static final int FORGIVEN_FAILURES = 5;

    @Override
    public void loginOffence(String source) {
        long now = System.nanoTime();
        synchronized (loginFailures) {
            long[] c = loginFailures.computeIfAbsent(source, s -> new long[] {0, now});
            if (now - c[1] > Duration.ofHours(1).toNanos()) {
                c[0] = 0;
                c[1] = now;
            }
            if (++c[0] <= FORGIVEN_FAILURES) {
                return;
            }
        }
        try {
            gateway.guard().offence(InetAddress.getByName(source), "failed admin login");
        } catch (IOException | RuntimeException e) {
            // not an address (a unix socket peer): nothing to ban
        }
    }
}
