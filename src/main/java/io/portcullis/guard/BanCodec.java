package io.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.net.Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;

/**
 * How bans look in the store: one key per ban, {@code bans/active/<network>}, and one per repeat offender,
 * {@code bans/history/<address>}, each a small JSON object. One key per ban (rather than one document of all
 * of them) lets several gateways sharing a store add and lift bans without overwriting each other's, and
 * lets a watcher learn of exactly the ban that changed.
 *
 * <pre>
 * bans/active/203.0.113.7      {"network":"203.0.113.7","reason":"...","since":"...","until":"...","count":2,"manual":false}
 * bans/history/203.0.113.7     {"address":"203.0.113.7","count":2,"last":"..."}
 * </pre>
 */
final class BanCodec {

    /** Every key bans use starts with this. */
    static final String PREFIX = "bans/";
    static final String ACTIVE = PREFIX + "active/";
    static final String HISTORY_PREFIX = PREFIX + "history/";

    private static final ObjectMapper JSON = new ObjectMapper();

    private BanCodec() {}

    static String activeKey(Cidr network) {
        return ACTIVE + network;
    }

    static String historyKey(InetAddress address) {
        return HISTORY_PREFIX + Cidr.of(address);
    }

    static Cidr networkOf(String activeKey) {
        return Cidr.parse(activeKey.substring(ACTIVE.length()));
    }

    static InetAddress addressOf(String historyKey) {
        return Cidr.parse(historyKey.substring(HISTORY_PREFIX.length())).address();
    }

    static byte[] encode(Ban b) {
        ObjectNode n = JSON.createObjectNode();
        n.put("network", b.network().toString());
        n.put("reason", b.reason());
        n.put("since", b.since().toString());
        n.put("until", b.until().toString());
        n.put("count", b.count());
        n.put("manual", b.manual());
        return bytes(n);
    }

    static byte[] encode(InetAddress address, long[] history) {
        ObjectNode n = JSON.createObjectNode();
        n.put("address", Cidr.of(address).toString());
        n.put("count", history[0]);
        n.put("last", Instant.ofEpochMilli(history[1]).toString());
        return bytes(n);
    }

    /** A stored ban; malformed JSON or a missing time fails with an {@link IllegalArgumentException} naming it. */
    static Ban ban(byte[] value) {
        return ban(read(value));
    }

    /** A ban as the store and the old bans file both wrote it. */
    static Ban ban(JsonNode b) {
        try {
            return new Ban(Cidr.parse(b.path("network").asText()), Instant.parse(b.path("since").asText()),
                    Instant.parse(b.path("until").asText()), b.path("reason").asText(""), b.path("count").asInt(1),
                    b.path("manual").asBoolean(false));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a ban: " + b + " (" + e.getMessage() + ")", e);
        }
    }

    /** A stored history record as {count, last ban's start in epoch millis}. */
    static long[] history(byte[] value) {
        JsonNode h = read(value);
        try {
            return new long[] {h.path("count").asLong(), Instant.parse(h.path("last").asText()).toEpochMilli()};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a ban history record: " + h + " (" + e.getMessage() + ")", e);
        }
    }

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
