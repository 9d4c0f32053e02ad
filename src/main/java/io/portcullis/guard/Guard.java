package io.portcullis.guard;

import static java.util.Objects.requireNonNull;

import io.portcullis.config.AccessRule;
import io.portcullis.config.BanPolicy;
import io.portcullis.config.Forward;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.GuardSettings;
import io.portcullis.config.SourceLimits;
import io.portcullis.net.Addresses;
import io.portcullis.net.Cidr;
import io.portcullis.net.NetworkTable;
import io.portcullis.store.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards every exposed port: decides for each new connection and UDP session whether it may go on, in the
 * order bans, access rules, single-packet authorization, per-client limits; turns repeated refusals into
 * bans; and runs the SPA listener.
 *
 * <p>{@link #admit} runs on the data plane's event loops: it only reads memory (a hash lookup, a trie walk,
 * a per-client lock). Bans live in the {@link Store}, written behind from memory by the guard's own thread,
 * which also writes the SPA replay cache, runs expiry and takes in ban changes other writers make to the store.
 */
public final class Guard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Guard.class);

    /** The compiled rules of one forward. */
    private record Policy(AccessTable access, SourceLimiter limiter, boolean spa) {}

    /** Everything that changes on reload, swapped in one write. */
    private record Rules(Map<String, Policy> forwards, BanPolicy bans, NetworkTable neverBan, List<Cidr> neverBanList) {}

    private final BanStore banStore;
    private final BanList bans;
    private final Offences offences = new Offences();
    private final SpaGate spa;
    private final ScheduledExecutorService worker;
    private final LongAdder bansIssued = new LongAdder();
    private final AtomicBoolean saveQueued = new AtomicBoolean();
    private volatile Rules rules;

    /**
     * Reads the bans from {@code store} (importing an old {@code bans.json} once, see {@link BansFileImport}) and
     * follows the store's changes to them from then on.
     *
     * @param dataDir where the SPA replay cache is kept, and where an old bans file may lie; null keeps the
     *     replay cache in memory only
     * @param store where bans and their history live; the guard writes it from its own thread only
     */
    public Guard(GatewayConfig config, Path dataDir, Store store) throws IOException {
        requireNonNull(store, "store");
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-guard");
            t.setDaemon(true);
            return t;
        });
        try {
            banStore = BanStore.open(store, dataDir);
        } catch (Store.StoreException e) {
            worker.shutdown();
            throw new IOException("cannot read the bans from the store: " + e.getMessage(), e);
        }
        bans = banStore.bans();
        rules = compile(config, Map.of());
        spa = new SpaGate(dataDir, config.guard().spa(), config.forwards(), worker, this::offence);
        worker.execute(this::save);
        banStore.follow(worker);
        worker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Starts the SPA listener (when SPA clients are configured). */
    public void start() {
        spa.start();
        int n = bans.size();
        if (n > 0) {
            log.info("guard: {} ban(s) in force from before the restart", n);
        }
    }

    /** Takes a new config: rules and limits change for new connections; bans, offences and SPA grants stay. */
    public void apply(GatewayConfig config) {
        Map<String, Policy> old = rules.forwards();
        rules = compile(config, old);
        spa.update(config.guard().spa(), config.forwards());
    }

    private static Rules compile(GatewayConfig config, Map<String, Policy> old) {
        GuardSettings g = config.guard();
        Map<String, Policy> forwards = new HashMap<>();
        for (Forward f : config.forwards()) {
            SourceLimits limits = f.guard().limits();
            Policy previous = old.get(f.name());
            SourceLimiter limiter = previous != null ? previous.limiter() : new SourceLimiter(limits);
            limiter.update(limits);
            forwards.put(f.name(), new Policy(new AccessTable(g.access(), f.guard().access()), limiter, f.guard().spa().isPresent()));
        }
        NetworkTable neverBan = new NetworkTable();
        List<Cidr> list = new java.util.ArrayList<>(g.bans().neverBan());
        for (AccessRule r : g.access()) {
            if (r.allow()) {
                list.add(r.network());
            }
        }
        list.forEach(neverBan::add);
        return new Rules(Map.copyOf(forwards), g.bans(), neverBan, List.copyOf(list));
    }

    /** The ban in force for {@code address}, or null: for front doors other than forwards (the admin listener). */
    public Ban banOf(InetAddress address) {
        return bans.isEmpty() ? null : bans.find(Cidr.canonical(address), Instant.now());
    }

    /**
     * May {@code client} open a new connection (or UDP session) to {@code forward}? An admitted decision must
     * be released when the connection ends.
     */
    public Decision admit(String forward, boolean tcp, InetSocketAddress client) {
        Rules r = rules;
        Policy p = r.forwards().get(forward);
        InetAddress address = Cidr.canonical(client.getAddress());
        Ban ban = bans.isEmpty() ? null : bans.find(address, Instant.now());
        if (ban != null) {
            return new Decision("ban", "banned until " + ban.until() + " (" + ban.reason() + ")", null);
        }
        if (p == null) {
            return Decision.ADMIT;
        }
        AccessRule rule = p.access().match(address);
        if (rule != null && !rule.allow()) {
            String why = "denied by rule '" + rule + "'" + (rule.line() > 0 ? " (line " + rule.line() + ")" : "")
                    + (p.access().isGlobal(rule) ? " in guard.access" : "");
            offence(address, why);
            return new Decision("rule", why, null);
        }
        if (rule == null && !p.access().defaultAllow()) {
            String why = "no rule allows it (default: deny)";
            offence(address, why);
            return new Decision("rule", why, null);
        }
        long now = System.nanoTime();
        if (p.spa() && !spa.granted(forward, address, now)) {
            String why = "not opened by a single-packet authorization";
            offence(address, why);
            return new Decision("spa", why, null);
        }
        if (!p.limiter().limits().limitsAnything()) {
            return Decision.ADMIT;
        }
        String[] why = new String[1];
        SourceLimiter.Slot slot = p.limiter().acquire(address, now, why);
        if (slot == null) {
            offence(address, why[0]);
            return new Decision("limit", why[0], null);
        }
        return new Decision(null, "", slot);
    }

    /**
     * Counts an offence of {@code address}; enough of them within the window ban it. Public so that other
     * front doors (failed admin logins) feed the same bans.
     */
    public void offence(InetAddress address, String what) {
        Rules r = rules;
        BanPolicy policy = r.bans();
        if (!policy.enabled() || r.neverBan().firstMatch(address) >= 0) {
            return;
        }
        if (offences.offend(address, System.nanoTime(), policy.maxRetries(), policy.findTime().toNanos())) {
            Instant now = Instant.now();
            if (bans.find(address, now) != null) {
                return;
            }
            Ban ban = bans.banAutomatically(address, now, policy, policy.maxRetries() + " offences within "
                    + io.portcullis.config.Durations.format(policy.findTime()) + "; last: " + what);
            bansIssued.increment();
            log.warn("guard: banned {} for {} (ban #{} of this address): {}", Addresses.format(address),
                    io.portcullis.config.Durations.format(Duration.between(ban.since(), ban.until())), ban.count(), ban.reason());
            queueSave();
        }
    }

    private void queueSave() {
        if (saveQueued.compareAndSet(false, true)) {
            worker.execute(() -> {
                saveQueued.set(false);
                save();
            });
        }
    }

    /** Writes the bans behind, on the guard's thread; a failure is logged and the next save tries again. */
    private void save() {
        try {
            banStore.flush();
        } catch (IOException e) {
            log.error("guard: {}", e.getMessage());
        }
    }

    /**
     * Writes the bans on the guard's thread and waits for it, so that a ban made by hand is stored when the
     * operator is told so. Called from the control socket and the admin API, never from an event loop.
     */
    private void saveNow() throws IOException {
        Future<?> done = worker.submit(() -> {
            banStore.flush();
            return null;
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the store did not take the change within 10s; it is in force and will be written later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the bans");
        }
    }

    private long ticks;

    private void tick() {
        try {
            Instant now = Instant.now();
            long nanos = System.nanoTime();
            int ended = bans.expire(now);
            if (ended > 0) {
                log.info("guard: {} ban(s) ended", ended);
            }
            save();
            spa.expire(nanos);
            if (++ticks % 10 == 0) {
                offences.sweep(nanos, rules.bans().findTime().toNanos());
                for (Policy p : rules.forwards().values()) {
                    p.limiter().sweep(nanos);
                }
            }
        } catch (RuntimeException e) {
            log.error("guard: housekeeping failed", e);
        }
    }

    /** Bans in force, soonest to end first. */
    public List<Ban> bans() {
        return bans.list(Instant.now());
    }

    /** Bans {@code network} by hand for {@code length}; allow-listed networks refuse. */
    public Ban ban(Cidr network, Duration length, String reason) throws IOException {
        for (Cidr c : rules.neverBanList()) {
            if (c.contains(network) || network.contains(c)) {
                throw new IllegalArgumentException(network + " overlaps the allow-listed network " + c
                        + " (guard.bans.never-ban or an allow rule in guard.access), which is never banned");
            }
        }
        Ban ban = bans.add(network, length, reason, Instant.now());
        log.warn("guard: banned {} by hand until {}: {}", network, ban.until(), reason);
        saveNow();
        return ban;
    }

    /** Lifts bans on {@code network}; answers what was lifted. */
    public List<Ban> lift(Cidr network) throws IOException {
        List<Ban> lifted = bans.lift(network);
        if (!lifted.isEmpty()) {
            log.info("guard: lifted the ban on {} by hand", network);
            saveNow();
        }
        return lifted;
    }

    public GuardStatus status() {
        return new GuardStatus(bans.size(), bansIssued.sum(), offences.tracked(), spa.where(), spa.counters(), spa.openGrants());
    }

    /** Where the SPA listener is bound, or null. */
    public InetSocketAddress spaAddress() {
        return spa.boundAddress();
    }

    @Override
    public void close() {
        spa.close();
        banStore.close();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
    }
}
