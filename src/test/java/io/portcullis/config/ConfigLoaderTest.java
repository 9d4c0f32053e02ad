package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.net.ListenAddress;
import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import io.portcullis.net.TargetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs that must load, and what they load into. */
class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void loadsTheSimplestConfig() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                forwards:
                  - name: camera
                    protocol: tcp
                    listen: 0.0.0.0:8080
                    targets: [192.168.1.50:8080]
                """, "simple.yaml");

        assertThat(config.forwards()).containsExactly(Forward.simple("camera", Set.of(Protocol.TCP),
                ListenAddress.parse("0.0.0.0:8080"), List.of(TargetAddress.parse("192.168.1.50:8080"))));
        assertThat(config.source()).isEmpty();
        assertThat(config.settings().stopGrace()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void loadsEveryKeyOfTheFormat() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                gateway:
                  data-dir: /tmp/portcullis-test
                  stop-grace: 10s
                  event-loops: 4
                  log-connections: false
                  watch-config: no
                forwards:
                  - name: web
                    protocol: both
                    listen: "[::]:9000-9002"
                    targets:
                      - 192.168.1.80:7000-7002
                      - nas.lan:8080
                    balance: source-hash
                    timeouts: {connect: 250ms, idle: 0, udp-session: 2m}
                    max-connections: 100
                    max-udp-sessions: 50
                    health-check: {interval: 10s, timeout: 3s, failures: 5, recoveries: 4}
                    proxy-protocol: v1
                    enabled: false
                """, "full.yaml");

        assertThat(config.settings()).isEqualTo(new Settings(Path.of("/tmp/portcullis-test"), Duration.ofSeconds(10), 4, false, false));
        Forward web = config.forward("web").orElseThrow();
        assertThat(web.protocols()).containsExactlyInAnyOrder(Protocol.TCP, Protocol.UDP);
        assertThat(web.listen().isWildcard()).isTrue();
        assertThat(web.listen().ports()).isEqualTo(new PortRange(9000, 9002));
        assertThat(web.targets()).containsExactly(TargetAddress.parse("192.168.1.80:7000-7002"), TargetAddress.parse("nas.lan:8080"));
        assertThat(web.balance()).isEqualTo(Balance.SOURCE_HASH);
        assertThat(web.timeouts()).isEqualTo(new Timeouts(Duration.ofMillis(250), Duration.ZERO, Duration.ofMinutes(2)));
        assertThat(web.maxConnections()).isEqualTo(100);
        assertThat(web.maxUdpSessions()).isEqualTo(50);
        assertThat(web.healthCheck()).contains(new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(3), 5, 4));
        assertThat(web.proxyProtocol()).isEqualTo(ProxyProtocol.V1);
        assertThat(web.enabled()).isFalse();
    }

    @Test
    void appliesDefaultsToForwardsThatDoNotSetThem() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                defaults:
                  balance: least-connections
                  timeouts: {connect: 2s, idle: 30m}
                  max-connections: 500
                  max-udp-sessions: 20
                  proxy-protocol: v2
                forwards:
                  - name: a
                    listen: 8080
                    targets: [127.0.0.1:80]
                  - name: b
                    listen: 8081
                    targets: [127.0.0.1:81]
                    balance: round-robin
                    timeouts: {idle: 5m}
                    max-connections: 0
                    proxy-protocol: none
                  - name: c
                    protocol: udp
                    listen: 8082
                    targets: [127.0.0.1:82]
                """, "defaults.yaml");

        Forward a = config.forward("a").orElseThrow();
        assertThat(a.balance()).isEqualTo(Balance.LEAST_CONNECTIONS);
        assertThat(a.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofMinutes(30), Duration.ofSeconds(60)));
        assertThat(a.maxConnections()).isEqualTo(500);
        assertThat(a.maxUdpSessions()).isEqualTo(20);
        assertThat(a.proxyProtocol()).isEqualTo(ProxyProtocol.V2);

        Forward b = config.forward("b").orElseThrow();
        assertThat(b.balance()).isEqualTo(Balance.ROUND_ROBIN);
        assertThat(b.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(60)));
        assertThat(b.maxConnections()).isZero();
        assertThat(b.proxyProtocol()).isEqualTo(ProxyProtocol.NONE);

        // The PROXY header is TCP only, so a UDP forward does not inherit it.
        assertThat(config.forward("c").orElseThrow().proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
    }

    @Test
    void acceptsOneTargetAsTargetOrAsAPlainString() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                forwards:
                  - {name: a, listen: 8080, target: 192.168.1.5:80}
                  - {name: b, listen: 8081, targets: 192.168.1.6:80}
                """, "one.yaml");

        assertThat(config.forward("a").orElseThrow().targets()).containsExactly(TargetAddress.parse("192.168.1.5:80"));
        assertThat(config.forward("b").orElseThrow().targets()).containsExactly(TargetAddress.parse("192.168.1.6:80"));
    }

    @Test
    void readsABareListenPortAsEveryIpv4Address() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                forwards:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80]}
                """, "bare.yaml");

        assertThat(config.forwards().get(0).listen()).isEqualTo(ListenAddress.parse("0.0.0.0:8080"));
    }

    @Test
    void healthCheckTrueMeansTheDefaultChecksAndFalseMeansNone() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                forwards:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80], health-check: true}
                  - {name: b, listen: 8081, targets: [127.0.0.1:81], health-check: false}
                  - {name: c, listen: 8082, targets: [127.0.0.1:82], health-check: {interval: 1s}}
                """, "hc.yaml");

        assertThat(config.forward("a").orElseThrow().healthCheck()).contains(HealthCheck.DEFAULT);
        assertThat(config.forward("b").orElseThrow().healthCheck()).isEmpty();
        // A short interval without a timeout gets a timeout that fits inside it.
        assertThat(config.forward("c").orElseThrow().healthCheck())
                .contains(new HealthCheck(Duration.ofSeconds(1), Duration.ofSeconds(1), 3, 2));
    }

    @Test
    void loadsAnEmptyFileAsAGatewayWithNoForwards() throws Exception {
        assertThat(ConfigLoader.parse("", "empty.yaml").forwards()).isEmpty();
        assertThat(ConfigLoader.parse("# nothing yet\n", "comments.yaml").forwards()).isEmpty();
        assertThat(ConfigLoader.parse("forwards:\n", "none.yaml").forwards()).isEmpty();
        assertThat(ConfigLoader.parse("forwards: []\n", "none.yaml").forwards()).isEmpty();
    }

    @Test
    void letsDisabledForwardsShareAPort() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                forwards:
                  - {name: a, listen: 8080, targets: [127.0.0.1:80]}
                  - {name: b, listen: 8080, targets: [127.0.0.1:81], enabled: false}
                """, "disabled.yaml");

        assertThat(config.forwards()).hasSize(2);
    }

    @Test
    void letsTcpAndUdpShareAPortNumber() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                forwards:
                  - {name: a, protocol: tcp, listen: 8080, targets: [127.0.0.1:80]}
                  - {name: b, protocol: udp, listen: 8080, targets: [127.0.0.1:81]}
                  - {name: c, listen: 127.0.0.1:9000, targets: [127.0.0.1:82]}
                  - {name: d, listen: 127.0.0.2:9000, targets: [127.0.0.1:83]}
                  - {name: e, listen: 0, targets: [127.0.0.1:84]}
                  - {name: f, listen: 0, targets: [127.0.0.1:85]}
                """, "share.yaml");

        assertThat(config.forwards()).hasSize(6);
    }

    @Test
    void loadsAFileAndRemembersWhereItCameFrom() throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, "\uFEFFforwards:\n  - {name: a, listen: 8080, targets: [127.0.0.1:80]}\n");

        GatewayConfig config = ConfigLoader.load(file);

        assertThat(config.source()).isEqualTo(Optional.of(file));
        assertThat(config.forwards()).hasSize(1);
    }

    @Test
    void reportsAMissingFileInWords() {
        Path file = dir.resolve("nope.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file.toString());
            assertThat(p.line()).isZero();
            assertThat(p.message()).isEqualTo("cannot read the config file: no such file");
        });
        assertThat(e.getMessage()).isEqualTo(file + ": cannot read the config file: no such file");
    }

    @Test
    void reportsADirectoryInsteadOfAFile() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir));

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("cannot read the config file: ").contains("directory");
    }

    @Test
    void reportsAFileThatIsNotUtf8() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "forwards: [caf\u00e9]\n".getBytes(StandardCharsets.ISO_8859_1));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("cannot read the config file: it is not UTF-8 text");
    }

    @Test
    void sampleConfigLoadsWithoutProblems() throws Exception {
        GatewayConfig config = ConfigLoader.parse(ConfigLoader.sampleConfig(), "sample.yaml");

        assertThat(config.forwards()).extracting(Forward::name)
                .containsExactly("camera", "dns", "game", "media-range", "ssh-range", "web", "nas-admin");
        Forward web = config.forward("web").orElseThrow();
        assertThat(web.healthCheck()).isPresent();
        assertThat(web.proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(web.targets()).hasSize(2);
    }

    @Test
    void exampleFileLoadsAndIsTheBundledSample() throws Exception {
        Path example = Path.of("examples", "portcullis.yaml");

        ConfigLoader.load(example);
        assertThat(Files.readString(example)).isEqualTo(ConfigLoader.sampleConfig());
    }
}
