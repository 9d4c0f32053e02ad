package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's keys: what a full guard config reads as, and the mistakes it refuses with a position. */
class GuardConfigTest {

    private static final String KEY = "wEWyVvDvItDjaCDoypVLzVnbcNCVjk2E5Z0p6Vdg9VM=";
    private static final String HMAC = "6Ysr8Qk/1O7dhyO/VxvjPMj3vA6vbHX1tZhd9b1jzOLZTTr9Q+CCHHLf54NvcYqHJSPQ+vw8EM8Ka3NbPOhj3A==";

    private static ConfigProblem only(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "g.yaml"));
        assertThat(e).as("config should be refused:%n%s", yaml).isNotNull();
        assertThat(e.problems()).as("problems").hasSize(1);
        assertThat(e.problems().get(0).message()).doesNotContain("Exception", "java.");
        return e.problems().get(0);
    }

    @Test
    void readsAFullGuard() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                guard:
                  access:
                    - allow: 192.168.0.0/16
                    - deny: [198.51.100.0/24, 2001:db8::/32]
                  bans:
                    max-retries: 3
                    find-time: 1m
                    ban-time: 5m
                    factor: 3
                    max-ban-time: 1d
                    never-ban: [10.0.0.0/8]
                  spa:
                    listen: 127.0.0.1:62201
                    max-age: 60s
                    clients:
                      - name: laptop
                        key: %s
                        hmac-key: %s
                forwards:
                  - name: ssh
                    listen: 2222
                    targets: [127.0.0.1:22]
                    access:
                      default: deny
                      rules:
                        - allow: 203.0.113.0/24
                        - deny 203.0.114.0/24
                    limits:
                      per-source-connections: 4
                      per-source-rate: 30/m
                      per-source-burst: 5
                    spa:
                      open-for: 45s
                      clients: [laptop]
                """.formatted(KEY, HMAC), "g.yaml");
        GuardSettings g = c.guard();
        assertThat(g.access()).extracting(AccessRule::toString).containsExactly("allow 192.168.0.0/16", "deny 198.51.100.0/24", "deny 2001:db8::/32");
        assertThat(g.bans().maxRetries()).isEqualTo(3);
        assertThat(g.bans().banLength(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(g.bans().banLength(2)).isEqualTo(Duration.ofMinutes(15));
        assertThat(g.bans().banLength(9)).isEqualTo(Duration.ofDays(1));
        assertThat(g.spa().clients()).extracting(SpaClient::name).containsExactly("laptop");
        assertThat(g.spa().listen().ports().first()).isEqualTo(62201);
        ForwardGuard fg = c.forwards().get(0).guard();
        assertThat(fg.access().defaultAllow()).isFalse();
        assertThat(fg.access().rules()).extracting(AccessRule::toString).containsExactly("allow 203.0.113.0/24", "deny 203.0.114.0/24");
        assertThat(fg.access().rules().get(1).line()).isEqualTo(27);
        assertThat(fg.limits().maxPerSource()).isEqualTo(4);
        assertThat(fg.limits().ratePerSecond()).isEqualTo(0.5);
        assertThat(fg.limits().burst()).isEqualTo(5);
        assertThat(fg.spa()).hasValueSatisfying(s -> {
            assertThat(s.openFor()).isEqualTo(Duration.ofSeconds(45));
            assertThat(s.clients()).isEqualTo(List.of("laptop"));
        });
    }

    @Test
    void aForwardWithoutGuardKeysIsUnguarded() throws Exception {
        GatewayConfig c = ConfigLoader.parse("forwards:\n  - {name: a, listen: 8080, targets: [127.0.0.1:80]}\n", "g.yaml");
        assertThat(c.forwards().get(0).guard()).isEqualTo(ForwardGuard.NONE);
        assertThat(c.guard()).isEqualTo(GuardSettings.DEFAULT);
    }

    @Test
    void malformedNetworkIsReportedWhereItIsWritten() {
        ConfigProblem p = only("""
                guard:
                  access:
                    - deny: 10.0.0.0/33
                """);
        assertThat(p.line() + ":" + p.column()).isEqualTo("3:13");
        assertThat(p.message()).contains("10.0.0.0/33", "32 bits");
    }

    @Test
    void hostBitsAreRefusedWithTheNetworkMeant() {
        ConfigProblem p = only("""
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    access:
                      rules: [{allow: 10.1.2.3/8}]
                """);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.message()).contains("host bits", "10.0.0.0/8");
    }

    @Test
    void unknownActionGetsADidYouMean() {
        ConfigProblem p = only("""
                guard:
                  access:
                    - alow: 10.0.0.0/8
                """);
        assertThat(p.line() + ":" + p.column()).isEqualTo("3:7");
        assertThat(p.message()).contains("unknown action 'alow'", "did you mean 'allow'?");
    }

    @Test
    void aRuleThatCanNeverApplyIsAnError() {
        ConfigProblem p = only("""
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    access:
                      rules:
                        - allow: 10.0.0.0/8
                        - deny: 10.1.0.0/16
                """);
        assertThat(p.line()).isEqualTo(8);
        assertThat(p.message()).contains("rule 'deny 10.1.0.0/16' never applies", "'allow 10.0.0.0/8' on line 7");
    }

    @Test
    void aForwardRuleContradictedByAGatewayWideRuleIsAnError() {
        ConfigProblem p = only("""
                guard:
                  access:
                    - deny: 0.0.0.0/0
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    access:
                      rules:
                        - allow: 192.0.2.1
                """);
        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).contains("gateway-wide rule 'deny 0.0.0.0/0'");
    }

    @Test
    void narrowerRuleFirstIsFine() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    access:
                      rules:
                        - deny: 10.1.0.0/16
                        - allow: 10.0.0.0/8
                        - allow: 10.2.0.0/16
                """, "g.yaml");
        assertThat(c.forwards().get(0).guard().access().rules()).hasSize(3);
    }

    @Test
    void spaClientNamedByAForwardMustExist() {
        ConfigProblem p = only("""
                guard:
                  spa:
                    clients:
                      - {name: laptop, key: %s, hmac-key: %s}
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    spa: {clients: [lapton]}
                """.formatted(KEY, HMAC));
        assertThat(p.line()).isEqualTo(9);
        assertThat(p.message()).contains("'lapton'", "did you mean 'laptop'?");
    }

    @Test
    void spaWithoutClientsIsRefused() {
        ConfigProblem p = only("""
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    spa: true
                """);
        assertThat(p.line()).isEqualTo(5);
        assertThat(p.message()).contains("guard.spa has no clients");
    }

    @Test
    void badKeysAndRatesAreRefused() {
        assertThat(only("""
                guard:
                  spa:
                    clients:
                      - {name: laptop, key: not*base64, hmac-key: %s}
                """.formatted(HMAC)).message()).contains("key is not base64");
        assertThat(only("""
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    limits: {per-source-rate: fast}
                """).message()).contains("rate 'fast' is not understood");
        assertThat(only("""
                guard:
                  bans: {ban-time: 1h, max-ban-time: 10m}
                """).message()).contains("shorter than ban-time");
    }
}
