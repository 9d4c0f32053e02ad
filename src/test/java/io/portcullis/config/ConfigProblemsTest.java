package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Configs that must be refused, each problem at the line and column of what caused it. */
class ConfigProblemsTest {

    private static final String FILE = "test.yaml";

    private static List<ConfigProblem> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE));
        assertThat(e).as("config should be refused:%n%s", yaml).isNotNull();
        assertThat(e.problems()).allSatisfy(p -> {
            assertThat(p.file()).isEqualTo(FILE);
            assertThat(p.message()).doesNotContain("Exception", "java.", "org.yaml", "com.fasterxml");
        });
        return e.problems();
    }

    /** The one problem of {@code yaml}, which must be at {@code line:column}. */
    private static ConfigProblem problemAt(String yaml, int line, int column) {
        List<ConfigProblem> all = problems(yaml);
        assertThat(all).as("problems").hasSize(1);
        ConfigProblem p = all.get(0);
        assertThat(p.line() + ":" + p.column()).as("position of: %s", p.message()).isEqualTo(line + ":" + column);
        return p;
    }

    @Test
    void reportsUnknownKeyWithSuggestion() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    lisen: 0.0.0.0:8080
                    listen: 0.0.0.0:8080
                    targets: [192.168.1.50:8080]
                """, 3, 5);

        assertThat(p.message()).isEqualTo("unknown key 'lisen' in forward 'camera' (did you mean 'listen'?)");
        assertThat(p.toString()).isEqualTo("test.yaml:3:5: unknown key 'lisen' in forward 'camera' (did you mean 'listen'?)");
    }

    @Test
    void suggestsAKeyThatTheTypedOneIsAPrefixOf() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80], max-conn: 5}
                """, 2, 54);

        assertThat(p.message()).contains("unknown key 'max-conn'", "did you mean 'max-connections'?");
    }

    @Test
    void listsTheValidKeysWhenNoneIsClose() {
        ConfigProblem p = problemAt("""
                gateway:
                  colour: blue
                """, 2, 3);

        assertThat(p.message()).isEqualTo("unknown key 'colour' in 'gateway' "
                + "(expected one of: data-dir, stop-grace, event-loops, log-connections, watch-config, transport)");
    }

    @Test
    void reportsUnknownTopLevelKeyWithSuggestion() {
        ConfigProblem p = problemAt("""
                forward:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80]}
                """, 1, 1);

        assertThat(p.message()).isEqualTo("unknown key 'forward' at the top level (did you mean 'forwards'?)");
    }

    @Test
    void reportsAListWhereOneValueIsExpected() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    listen: [0.0.0.0:8080, 0.0.0.0:8081]
                    targets: [192.168.1.50:8080]
                """, 3, 13);

        assertThat(p.message()).startsWith("'listen' in forward 'camera' is a list (expected: an address and port");
    }

    @Test
    void reportsATargetKeyHoldingAList() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    listen: 8080
                    target: [192.168.1.50:8080, 192.168.1.51:8080]
                """, 4, 13);

        assertThat(p.message()).contains("'target' in forward 'camera' is a list", "use 'targets' for a list");
    }

    @Test
    void reportsTextWhereANumberIsExpected() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80], max-connections: lots}
                """, 2, 71);

        assertThat(p.message()).isEqualTo("'max-connections' in forward 'a' is the text 'lots' (expected: a whole number, 0 or more)");
    }

    @Test
    void reportsTextWhereAFlagIsExpected() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80], enabled: maybe}
                """, 2, 63);

        assertThat(p.message()).isEqualTo("'enabled' in forward 'a' is the text 'maybe' (expected: true or false)");
    }

    @Test
    void reportsMissingRequiredKeysAtTheForwardsDash() {
        List<ConfigProblem> all = problems("""
                forwards:
                  - name: camera
                    listen: 8080
                    targets: [127.0.0.1:80]
                  - protocol: udp
                    listen: 8081
                  -   name: nas
                      targets: [127.0.0.1:80]
                """);

        assertThat(all).extracting(ConfigProblem::toString).containsExactly(
                "test.yaml:5:3: forward #2 has no 'name' (expected: name: followed by a unique name such as camera)",
                "test.yaml:5:3: forward #2 has no 'targets' (expected: targets: followed by a list of host:port or "
                        + "host:first-last, such as 192.168.1.50:8080, e.g. targets: [192.168.1.50:8080])",
                "test.yaml:7:3: forward 'nas' has no 'listen' (expected: listen: followed by an address and port such as "
                        + "0.0.0.0:8080, [::]:8080, 127.0.0.1:9000-9010 or 8080)");
    }

    @Test
    void reportsEmptyValues() {
        List<ConfigProblem> all = problems("""
                forwards:
                  - name: camera
                    listen:
                    targets: []
                    balance: ""
                """);

        assertThat(all).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
                "3:12 'listen' in forward 'camera' is empty (expected: an address and port such as 0.0.0.0:8080, "
                        + "[::]:8080, 127.0.0.1:9000-9010 or 8080)",
                "4:14 'targets' in forward 'camera' is an empty list (expected: at least one host:port or host:first-last, "
                        + "such as 192.168.1.50:8080)",
                "5:14 'balance' in forward 'camera' is empty (expected: one of round-robin, least-connections, source-hash)");
    }

    @Test
    void reportsAnEmptyForwardItem() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80]}
                  -
                """, 3, 4);

        assertThat(p.message()).startsWith("forward #2 is empty (expected: a mapping");
    }

    @Test
    void reportsListenPortOutOfRange() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    listen: 0.0.0.0:70000
                    targets: [192.168.1.50:8080]
                """, 3, 13);

        assertThat(p.message()).isEqualTo("port 70000 is out of range (expected: 0-65535)");
    }

    @Test
    void reportsTargetPortOutOfRangeAtThatTarget() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    listen: 8080
                    targets:
                      - 192.168.1.50:8080
                      - 192.168.1.51:65536
                """, 6, 9);

        assertThat(p.message()).isEqualTo("port 65536 is out of range (expected: 0-65535)");
    }

    @Test
    void reportsBadAddresses() {
        List<ConfigProblem> all = problems("""
                forwards:
                  - name: a
                    listen: localhost:8080
                    targets: [192.168.1.50]
                  - name: b
                    listen: 300.1.1.1:80
                    targets: [bad_host!:80]
                """);

        assertThat(all).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
                "3:13 listen address 'localhost' is not an IP address (expected: an IPv4 or IPv6 literal such as 0.0.0.0, 127.0.0.1, [::])",
                "4:15 '192.168.1.50' has no port (expected: host:port, e.g. 192.168.1.50:8080)",
                "6:13 listen address '300.1.1.1' is not an IP address (expected: an IPv4 or IPv6 literal such as 0.0.0.0, 127.0.0.1, [::])",
                "7:15 target host 'bad_host!' is neither an IP address nor a host name");
    }

    @Test
    void reportsABadDuration() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    listen: 8080
                    targets: [127.0.0.1:80]
                    timeouts:
                      idle: 5 minutes
                """, 6, 13);

        assertThat(p.message()).isEqualTo("'idle' in the timeouts of forward 'camera': '5 minutes' is not a duration "
                + "(expected: a number with a unit, e.g. 500ms, 30s, 5m, 2h, 1d)");
    }

    @Test
    void reportsATimeoutOutsideItsRangeAtItsValue() {
        ConfigProblem p = problemAt("""
                defaults:
                  timeouts: {connect: 1h}
                """, 2, 23);

        assertThat(p.message()).isEqualTo("connect timeout 1h is out of range (expected: 10ms-10m)");
    }

    @Test
    void reportsUnknownEnumValueListingTheValidOnes() {
        List<ConfigProblem> all = problems("""
                forwards:
                  - name: camera
                    protocol: sctp
                    listen: 8080
                    targets: [127.0.0.1:80]
                    balance: round-robbin
                    proxy-protocol: v3
                """);

        assertThat(all).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
                "3:15 unknown protocol 'sctp' in forward 'camera' (did you mean 'tcp'? expected: one of tcp, udp, both)",
                "6:14 unknown balance 'round-robbin' in forward 'camera' (did you mean 'round-robin'? "
                        + "expected: one of round-robin, least-connections, source-hash)",
                "7:21 unknown proxy-protocol 'v3' in forward 'camera' (did you mean 'v1'? expected: one of none, v1, v2)");
    }

    @Test
    void reportsNegativeNumbers() {
        List<ConfigProblem> all = problems("""
                gateway:
                  event-loops: -1
                forwards:
                  - name: camera
                    listen: 8080
                    targets: [127.0.0.1:80]
                    max-connections: -5
                    max-udp-sessions: -1
                    health-check: {failures: -2}
                """);

        assertThat(all).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
                "2:16 event-loops -1 is out of range (expected: 0 for one per core, or 1-1024)",
                "7:22 max-connections -5 is negative (expected: 0 for no limit, or a positive number)",
                "8:23 max-udp-sessions -1 is negative (expected: at least 1)",
                "9:30 health-check failures -2 is out of range (expected: 1-100)");
    }

    @Test
    void reportsAHealthCheckTimeoutLongerThanItsInterval() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: web
                    listen: 8080
                    targets: [127.0.0.1:80]
                    health-check:
                      interval: 1s
                      timeout: 3s
                """, 7, 16);

        assertThat(p.message()).isEqualTo("health-check timeout 3s must be positive and not longer than the interval 1s");
    }

    @Test
    void reportsRangeSizeMismatchAtTheTarget() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: media
                    listen: 0.0.0.0:9000-9010
                    targets:
                      - 192.168.1.70:9000-9010
                      - 192.168.1.71:9000-9005
                """, 6, 9);

        assertThat(p.message()).isEqualTo("target 192.168.1.71:9000-9005 has 6 ports but listen 0.0.0.0:9000-9010 has 11 "
                + "(expected: the same number of ports, or a single target port)");
    }

    @Test
    void reportsANameUsedTwiceAtTheSecondUse() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    listen: 8080
                    targets: [127.0.0.1:80]
                  - name: camera
                    listen: 8081
                    targets: [127.0.0.1:81]
                """, 5, 11);

        assertThat(p.message()).isEqualTo("forward name 'camera' is already used on line 2 (expected: a name no other forward has)");
    }

    @Test
    void reportsAnInvalidName() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: "my camera", listen: 8080, targets: [127.0.0.1:80]}
                """, 2, 12);

        assertThat(p.message()).startsWith("forward name 'my camera' is not allowed");
    }

    @Test
    void reportsTwoForwardsOnTheSamePort() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: camera
                    listen: 0.0.0.0:8080
                    targets: [192.168.1.50:8080]
                  - name: camera2
                    listen: 0.0.0.0:8080
                    targets: [192.168.1.51:8080]
                """, 6, 13);

        assertThat(p.message()).isEqualTo("listen 0.0.0.0:8080 (tcp) in forward 'camera2' overlaps forward 'camera' on line 3, "
                + "which listens on 0.0.0.0:8080 (expected: a different port, address or protocol, or enabled: false on one of them)");
    }

    @Test
    void reportsOverlappingRangesOnTheSharedProtocol() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: games, protocol: both, listen: 0.0.0.0:27000-27050, targets: [192.168.1.60:27000-27050]}
                  - {name: voice, protocol: udp, listen: 0.0.0.0:27040, targets: [192.168.1.61:9987]}
                """, 3, 42);

        assertThat(p.message()).contains("(udp) in forward 'voice' overlaps forward 'games' on line 2");
    }

    @Test
    void reportsAWildcardAndASpecificAddressOnTheSamePort() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: lan, listen: 192.168.1.1:8080, targets: [192.168.1.50:80]}
                  - {name: all, listen: 8080, targets: [192.168.1.51:80]}
                """, 3, 25);

        assertThat(p.message()).contains("forward 'all' overlaps forward 'lan' on line 2");
    }

    @Test
    void reportsProxyProtocolOnAUdpOnlyForwardAtTheSetting() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: dns
                    protocol: udp
                    listen: 5353
                    targets: [127.0.0.1:53]
                    proxy-protocol: v2
                """, 6, 21);

        assertThat(p.message()).isEqualTo("proxy-protocol v2 needs TCP, but forward 'dns' is UDP only (expected: proxy-protocol: none)");
    }

    @Test
    void reportsBothTargetAndTargets() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    target: 127.0.0.1:81
                """, 5, 5);

        assertThat(p.message()).startsWith("'target' and 'targets' are both set in forward 'a'");
    }

    @Test
    void reportsDuplicateKeys() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                    listen: 8081
                """, 5, 5);

        assertThat(p.message()).isEqualTo("duplicate key 'listen' (first on line 3; expected: each key once per block)");
    }

    @Test
    void reportsANonMappingTopLevel() {
        ConfigProblem p = problemAt("""
                - name: a
                  listen: 8080
                """, 1, 1);

        assertThat(p.message()).startsWith("the top level is a list (expected: a mapping with the keys gateway, defaults, guard, admin, forwards");
    }

    @Test
    void reportsForwardsThatIsNotAList() {
        ConfigProblem p = problemAt("""
                forwards:
                  name: camera
                  listen: 8080
                """, 2, 3);

        assertThat(p.message()).isEqualTo("'forwards' at the top level is a mapping "
                + "(expected: a list, each forward starting with '- name:' on its own line)");
    }

    @Test
    void reportsATabAsAYamlError() {
        ConfigProblem p = problemAt("forwards:\n\t- name: a\n", 2, 1);

        assertThat(p.message()).startsWith("YAML error: a tab character cannot be used here");
    }

    @Test
    void reportsOtherYamlSyntaxErrorsWhereTheParserFindsThem() {
        assertThat(problemAt("forwards:\n  - name: a: b\n", 2, 12).message()).startsWith("YAML error: unexpected ':'");
        assertThat(problemAt("forwards: [{name: a\n", 2, 1).message())
                .isEqualTo("YAML error: expected ',' or '}', but got the end of the file (while parsing a flow mapping started on line 1)");
    }

    @Test
    void explainsThatABracketedIpv6AddressNeedsQuotes() {
        ConfigProblem p = problemAt("""
                forwards:
                  - name: a
                    listen: [::]:8080
                    targets: [127.0.0.1:80]
                """, 3, 14);

        assertThat(p.message()).contains("IPv6 address in brackets must be quoted");
    }

    @Test
    void reportsAliasesAsUnsupported() {
        ConfigProblem p = problemAt("""
                forwards:
                  - {name: a, listen: &p 8080, targets: [127.0.0.1:80]}
                  - {name: b, listen: *p, targets: [127.0.0.1:81]}
                """, 3, 23);

        assertThat(p.message()).startsWith("the alias '*p' is not supported");
    }

    @Test
    void reportsASecondDocument() {
        ConfigProblem p = problemAt("forwards: []\n---\nforwards: []\n", 3, 1);

        assertThat(p.message()).startsWith("a second YAML document starts here");
    }

    @Test
    void collectsEveryProblemInFileOrder() {
        List<ConfigProblem> all = problems("""
                gateway:
                  stop-grace: forever
                forwards:
                  - name: a
                    lisen: 8080
                    targets: [127.0.0.1:99999]
                  - name: a
                    listen: 8081
                    targets: [127.0.0.1:81]
                """);

        assertThat(all).extracting(p -> p.line() + ":" + p.column()).containsExactly("2:15", "4:3", "5:5", "6:15", "7:11");
    }
}
