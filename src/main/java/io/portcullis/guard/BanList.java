package io.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.net.Cidr;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bans in force, and how often each address has been banned before (so repeat offenders get longer
 * bans, as fail2ban's incremental bans do). Kept in memory for the data plane and written to a JSON file in
 * the data directory, so bans survive a restart and can be edited while the gateway is stopped.
 *
 * <p>Single addresses sit in a hash map (one lookup per new connection); networks, which only operators
 * add, sit in a short list. Writes to disk happen off the event loops, by whoever calls {@link #save()}.
 */
public final class BanList {

    /** How long a past ban still counts towards the length of the next one. */
    static final Duration HISTORY = Duration.ofDays(30);

    private final Path file;
    private final ConcurrentHashMap<InetAddress, Ban> single = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Ban> networks = new CopyOnWriteArrayList<>();
    /** Address → (bans so far, when the last one began). */
    private final ConcurrentHashMap<InetAddress, long[]> history = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    private BanList(Path file) {
        this.file = file;
    }

    /**
     * Reads the bans file, or starts empty when there is none. A damaged file is kept aside (renamed with
     * a {@code .damaged} suffix) rather than overwritten, and the error says so.
     */
    public static BanList open(Path file) throws IOException {
        BanList list = new BanList(file);
        if (Files.exists(file)) {
            try {
                list.read(list.json.readTree(file.toFile()));
            } catch (IOException | RuntimeException e) {
                Path aside = file.resolveSibling(file.getFileName() + ".damaged");
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                throw new IOException("the bans file " + file + " could not be read (" + e.getMessage()
                        + "); it was moved to " + aside + " and the gateway starts with no bans", e);
            }
        }
        return list;
    }

    /** An empty list that is written nowhere (tests, and a gateway whose bans file was unreadable). */
    static BanList inMemory() {
        return new BanList(null);
    }

    private void read(JsonNode root) {
        Instant now = Instant.now();
        for (JsonNode b : root.path("bans")) {
            Ban ban = new Ban(Cidr.parse(b.path("network").asText()), Instant.parse(b.path("since").asText()),
                    Instant.parse(b.path("until").asText()), b.path("reason").asText(""), b.path("count").asInt(1),
                    b.path("manual").asBoolean(false));
            if (ban.activeAt(now)) {
                put(ban);
            }
        }
        for (JsonNode h : root.path("history")) {
            Instant last = Instant.parse(h.path("last").asText());
            if (last.plus(HISTORY).isAfter(now)) {
                history.put(Cidr.parse(h.path("address").asText()).address(), new long[] {h.path("count").asInt(), last.toEpochMilli()});
            }
        }
    }

    private void put(Ban ban) {
        if (ban.network().isSingleAddress()) {
            single.put(ban.network().address(), ban);
        } else {
            networks.removeIf(b -> b.network().equals(ban.network()));
            networks.add(ban);
        }
    }

    /** Whether no ban is held at all: the common case, answered without reading the clock. */
    boolean isEmpty() {
        return single.isEmpty() && networks.isEmpty();
    }

    /** The ban that covers {@code address} now (already canonical: IPv4-mapped addresses unwrapped), or null. */
    Ban find(InetAddress address, Instant now) {
        if (single.isEmpty() && networks.isEmpty()) {
            return null;
        }
        Ban b = single.get(address);
        if (b != null) {
            if (b.activeAt(now)) {
                return b;
            }
            single.remove(address, b);
        }
        if (!networks.isEmpty()) {
            for (Ban n : networks) {
                if (n.activeAt(now) && n.network().contains(address)) {
                    return n;
                }
            }
        }
        return null;
    }

    /** Bans {@code address} automatically, for longer each time it was banned before; answers the ban. */
    Ban banAutomatically(InetAddress address, Instant now, io.portcullis.config.BanPolicy policy, String reason) {
        long[] h = history.compute(address, (a, old) -> old == null || Instant.ofEpochMilli(old[1]).plus(HISTORY).isBefore(now)
                ? new long[] {1, now.toEpochMilli()} : new long[] {old[0] + 1, now.toEpochMilli()});
        int count = (int) h[0];
        Ban ban = new Ban(Cidr.of(address), now, now.plus(policy.banLength(count)), reason, count, false);
        put(ban);
        return ban;
    }

    /** Adds or replaces a ban by hand. */
    public Ban add(Cidr network, Duration length, String reason, Instant now) {
        Ban ban = new Ban(network, now, now.plus(length), reason, 1, true);
        put(ban);
        return ban;
    }

    /** Lifts the ban on exactly {@code network}, or on any ban covering the single address; answers what was lifted. */
    public List<Ban> lift(Cidr network) {
        List<Ban> lifted = new ArrayList<>();
        if (network.isSingleAddress()) {
            Ban b = single.remove(network.address());
            if (b != null) {
                lifted.add(b);
            }
        }
        for (Ban n : networks) {
            if (n.network().equals(network) && networks.remove(n)) {
                lifted.add(n);
            }
        }
        return lifted;
    }

    /** Every ban in force, soonest to end first. */
    public List<Ban> list(Instant now) {
        List<Ban> out = new ArrayList<>();
        single.values().stream().filter(b -> b.activeAt(now)).forEach(out::add);
        networks.stream().filter(b -> b.activeAt(now)).forEach(out::add);
        out.sort(Comparator.comparing(Ban::until).thenComparing(b -> b.network().toString()));
        return out;
    }

    /** Drops ended bans and old history; answers how many bans ended. */
    int expire(Instant now) {
        int before = single.size() + networks.size();
        single.values().removeIf(b -> !b.activeAt(now));
        networks.removeIf(b -> !b.activeAt(now));
        history.values().removeIf(h -> Instant.ofEpochMilli(h[1]).plus(HISTORY).isBefore(now));
        return before - single.size() - networks.size();
    }

    int size() {
        return single.size() + networks.size();
    }

    /** Writes the file atomically (a new file, synced, then renamed over the old one). */
    public synchronized void save() throws IOException {
        if (file == null) {
            return;
        }
        Instant now = Instant.now();
        ObjectNode root = json.createObjectNode();
        root.put("version", 1);
        ArrayNode bans = root.putArray("bans");
        for (Ban b : list(now)) {
            ObjectNode n = bans.addObject();
            n.put("network", b.network().toString());
            n.put("since", b.since().toString());
            n.put("until", b.until().toString());
            n.put("reason", b.reason());
            n.put("count", b.count());
            n.put("manual", b.manual());
        }
        ArrayNode hist = root.putArray("history");
        for (Map.Entry<InetAddress, long[]> e : history.entrySet()) {
            ObjectNode n = hist.addObject();
            n.put("address", Cidr.of(e.getKey()).toString());
            n.put("count", e.getValue()[0]);
            n.put("last", Instant.ofEpochMilli(e.getValue()[1]).toString());
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
