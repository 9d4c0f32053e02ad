package io.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class TargetAddressTest {

    @Test
    void parsesLiteralsNamesAndRanges() {
        assertThat(TargetAddress.parse("192.168.1.50:8080")).isEqualTo(new TargetAddress("192.168.1.50", PortRange.of(8080)));
        assertThat(TargetAddress.parse("nas.lan:9000-9010").ports()).isEqualTo(new PortRange(9000, 9010));
        assertThat(TargetAddress.parse("[fd00::5]:443")).hasToString("[fd00::5]:443");
        assertThat(TargetAddress.parse("[0:0:0:0:0:0:0:1]:22")).hasToString("[::1]:22");
    }

    @Test
    void refusesABarePortWithoutAHost() {
        assertThatIllegalArgumentException().isThrownBy(() -> TargetAddress.parse("8080"))
                .withMessage("'8080' has no host (expected: host:port, e.g. 127.0.0.1:8080)");
    }

    @Test
    void refusesHostsThatAreNeitherAddressNorName() {
        assertThatIllegalArgumentException().isThrownBy(() -> TargetAddress.parse("bad host:80"))
                .withMessage("target host 'bad host' is neither an IP address nor a host name");
        assertThatIllegalArgumentException().isThrownBy(() -> TargetAddress.parse(":80"))
                .withMessageContaining("has no host");
    }

    @Test
    void refusesABadPort() {
        assertThatIllegalArgumentException().isThrownBy(() -> TargetAddress.parse("10.0.0.1:http"))
                .withMessage("port 'http' is not a number (expected: 0-65535)");
    }
}
