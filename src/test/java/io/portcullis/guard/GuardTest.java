package io.portcullis.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.net.Cidr;
import io.portcullis.store.MemoryStore;
import io.portcullis.store.SqliteStore;
import io.portcullis.store.Store;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's decisions without sockets: rules, limits, bans and how they are kept in the store. */
class GuardTest {

    @TempDir
    Path dir;

    /** Bans go here unless a test restarts the guard on a real store. */
    private final MemoryStore store = new MemoryStore();

    private static GatewayConfig config(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    private static InetSocketAddress from(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 40000);
    }

    private static final String RULES = """
            guard:
              access:
                - allow: 192.168.1.0/24
              bans: {max-retries: 3, find-time: 1m, ban-time: 10m, factor: 2, max-ban-time: 1h}
            forwards:
              - name: web
                listen: 8080
                targets: [127.0.0.1:80]
                access:
                  default: deny
                  rules:
                    - deny: 203.0.113.128/25
                    - allow: 203.0.113.0/24
                    - allow: 2001:db8::/32
              - name: open
                listen: 8081
                targets: [127.0.0.1:80]
            """;

    @Test
    void firstMatchingRuleDecidesAndTheDefaultCoversTheRest() throws Exception {
        try (Guard g = new Guard(config(RULES), dir, store)) {
            assertThat(g.admit("web", true, from("203.0.113.5")).admitted()).isTrue();
            Decision d = g.admit("web", true, from("203.0.113.200"));
            assertThat(d.refusal()).isEqualTo("rule");
            assertThat(d.detail()).contains("deny 203.0.113.128/25", "line 12");
            assertThat(g.admit("web", true, from("198.51.100.1")).detail()).contains("default: deny");
            assertThat(g.admit("web", false, from("2001:db8::5")).admitted()).isTrue();
            assertThat(g.admit("web", true, from("192.168.1.9")).admitted()).as("gateway-wide allow comes first").isTrue();
            assertThat(g.admit("open", true, from("198.51.100.1")).admitted()).isTrue();
            // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; the rules still see IPv4.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(InetAddress.getByName("203.0.113.200").getAddress(), 0, mapped, 12, 4);
            InetSocketAddress v6 = new InetSocketAddress(java.net.Inet6Address.getByAddress(null, mapped, -1), 1);
            assertThat(g.admit("web", true, v6).refusal()).isEqualTo("rule");
        }
    }

    @Test
    void repeatedRefusalsBanOnEveryForwardForLongerEachTime() throws Exception {
        try (Guard g = new Guard(config(RULES), dir, store)) {
            for (int i = 0; i < 3; i++) {
                assertThat(g.admit("web", true, from("198.51.100.7")).refusal()).isEqualTo("rule");
            }
            Decision d = g.admit("open", true, from("198.51.100.7"));
            assertThat(d.refusal()).as("banned everywhere").isEqualTo("ban");
            assertThat(g.bans()).singleElement().satisfies(b -> {
                assertThat(b.network().toString()).isEqualTo("198.51.100.7");
                assertThat(Duration.between(b.since(), b.until())).isEqualTo(Duration.ofMinutes(10));
                assertThat(b.count()).isEqualTo(1);
            });
            g.lift(Cidr.parse("198.51.100.7"));
            assertThat(g.admit("open", true, from("198.51.100.7")).admitted()).isTrue();
            for (int i = 0; i < 3; i++) {
                g.admit("web", true, from("198.51.100.7"));
            }
            assertThat(g.bans()).singleElement().satisfies(b -> {
                assertThat(b.count()).isEqualTo(2);
                assertThat(Duration.between(b.since(), b.until())).as("factor 2").isEqualTo(Duration.ofMinutes(20));
            });
        }
    }

    @Test
    void allowListedNetworksAreNeverBanned() throws Exception {
        try (Guard g = new Guard(config(RULES.replace("- allow: 192.168.1.0/24", "- allow: 192.168.1.0/24\n    - deny: 192.168.2.0/24")
                .replace("max-ban-time: 1h}", "max-ban-time: 1h, never-ban: [192.168.2.0/25]}")), dir, store)) {
            for (int i = 0; i < 10; i++) {
                assertThat(g.admit("web", true, from("192.168.2.1")).refusal()).isEqualTo("rule");
            }
            assertThat(g.bans()).isEmpty();
            assertThatThrownBy(() -> g.ban(Cidr.parse("192.168.1.7"), Duration.ofHours(1), "x"))
                    .hasMessageContaining("allow-listed");
        }
    }

    @Test
    void bansSurviveARestartThroughTheStore() throws Exception {
        try (SqliteStore db = SqliteStore.open(dir); Guard g = new Guard(config(RULES), dir, db)) {
            g.ban(Cidr.parse("198.51.100.0/24"), Duration.ofHours(2), "scanner");
            for (int i = 0; i < 3; i++) {
                g.admit("web", true, from("203.0.113.130"));
            }
        }
        assertThat(dir.resolve("bans.json")).doesNotExist();
        try (SqliteStore db = SqliteStore.open(dir)) {
            assertThat(db.list("bans/active/")).extracting(Store.Entry::key)
                    .containsExactly("bans/active/198.51.100.0/24", "bans/active/203.0.113.130");
            assertThat(db.get("bans/active/198.51.100.0/24").orElseThrow().text()).contains("\"reason\":\"scanner\"", "\"until\"");
            assertThat(db.get("bans/history/203.0.113.130").orElseThrow().text()).contains("\"count\":1");
            try (Guard g = new Guard(config(RULES), dir, db)) {
                assertThat(g.bans()).extracting(b -> b.network().toString()).containsExactlyInAnyOrder("198.51.100.0/24", "203.0.113.130");
                assertThat(g.admit("open", true, from("198.51.100.99")).refusal()).isEqualTo("ban");
                assertThat(g.admit("open", true, from("198.51.100.99")).detail()).contains("scanner");
            }
        }
    }

    @Test
    void liftedAndEndedBansLeaveTheStore() throws Exception {
        try (Guard g = new Guard(config(RULES), dir, store)) {
            g.ban(Cidr.parse("198.51.100.1"), Duration.ofHours(1), "x");
            assertThat(store.get("bans/active/198.51.100.1")).isPresent();
            g.lift(Cidr.parse("198.51.100.1"));
            assertThat(store.get("bans/active/198.51.100.1")).isEmpty();
            g.ban(Cidr.parse("198.51.100.2"), Duration.ofSeconds(1), "short");
            assertThat(store.get("bans/active/198.51.100.2")).isPresent();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(store.get("bans/active/198.51.100.2")).isEmpty());
            assertThat(g.bans()).isEmpty();
        }
    }

    @Test
    void perSourceLimitsCapOpenConnectionsAndTheirRate() throws Exception {
        String yaml = """
                guard:
                  bans: {enabled: false}
                forwards:
                  - name: db
                    listen: 5432
                    targets: [127.0.0.1:5433]
                    limits: {per-source-connections: 2, per-source-rate: 1000/s, per-source-burst: 1000}
                  - name: api
                    listen: 8443
                    targets: [127.0.0.1:8444]
                    limits: {per-source-rate: 1/m, per-source-burst: 3}
                """;
        try (Guard g = new Guard(config(yaml), dir, store)) {
            Decision a = g.admit("db", true, from("10.0.0.1"));
            Decision b = g.admit("db", false, from("10.0.0.1"));
            assertThat(a.admitted()).isTrue();
            assertThat(b.admitted()).isTrue();
            Decision c = g.admit("db", true, from("10.0.0.1"));
            assertThat(c.refusal()).isEqualTo("limit");
            assertThat(c.detail()).contains("per-source-connections 2");
            assertThat(g.admit("db", true, from("10.0.0.2")).admitted()).as("another source has its own count").isTrue();
            a.release();
            assertThat(g.admit("db", true, from("10.0.0.1")).admitted()).isTrue();

            List<Decision> burst = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                burst.add(g.admit("api", true, from("10.0.0.1")));
            }
            assertThat(burst).allMatch(Decision::admitted);
            burst.forEach(Decision::release);
            Decision over = g.admit("api", true, from("10.0.0.1"));
            assertThat(over.refusal()).isEqualTo("limit");
            assertThat(over.detail()).contains("per-source-rate");
            assertThat(g.bans()).as("bans are off").isEmpty();
        }
    }

    @Test
    void aReloadChangesRulesButKeepsBans() throws Exception {
        try (Guard g = new Guard(config(RULES), dir, store)) {
            g.ban(Cidr.parse("198.51.100.1"), Duration.ofHours(1), "x");
            g.apply(config(RULES.replace("default: deny", "default: allow")));
            assertThat(g.admit("web", true, from("198.51.100.2")).admitted()).isTrue();
            assertThat(g.admit("web", true, from("198.51.100.1")).refusal()).isEqualTo("ban");
        }
    }

    @Test
    void tenThousandRulesAreReadAndMatched() throws Exception {
        StringBuilder sb = new StringBuilder("forwards:\n  - name: big\n    listen: 9000\n    targets: [127.0.0.1:80]\n    access:\n      default: deny\n      rules:\n");
        for (int i = 0; i < 10_000; i++) {
            sb.append("        - allow ").append("10.").append(i / 256).append('.').append(i % 256).append(".0/24\n");
        }
        try (Guard g = new Guard(config(sb.toString()), dir, store)) {
            assertThat(g.admit("big", true, from("10.39.15.77")).admitted()).isTrue();
            assertThat(g.admit("big", true, from("10.40.0.1")).refusal()).isEqualTo("rule");
        }
    }
}
