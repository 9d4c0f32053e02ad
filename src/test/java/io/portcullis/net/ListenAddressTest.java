package io.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void parsesIpv4Ipv6RangesAndBarePorts() {
        assertThat(ListenAddress.parse("0.0.0.0:8080")).hasToString("0.0.0.0:8080");
        assertThat(ListenAddress.parse("[::]:8080")).hasToString("[::]:8080");
        assertThat(ListenAddress.parse("[::1]:443").isWildcard()).isFalse();
        assertThat(ListenAddress.parse("127.0.0.1:9000-9010").ports()).isEqualTo(new PortRange(9000, 9010));
        assertThat(ListenAddress.parse("8080")).isEqualTo(ListenAddress.parse("0.0.0.0:8080"));
        assertThat(ListenAddress.parse("9000-9001").ports().size()).isEqualTo(2);
    }

    @Test
    void refusesHostNames() {
        assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("localhost:8080"))
                .withMessageStartingWith("listen address 'localhost' is not an IP address");
    }

    @Test
    void refusesMissingPortsAndUnbracketedIpv6() {
        assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("127.0.0.1"))
                .withMessage("'127.0.0.1' has no port (expected: host:port, e.g. 127.0.0.1:8080)");
        assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("::1:8080"))
                .withMessageContaining("IPv6 address without brackets");
        assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("[::1"))
                .withMessageContaining("never closes it");
        assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse(""))
                .withMessageStartingWith("address is empty");
    }

    @Test
    void conflictsOnTheSameAddressAndOverlappingPorts() {
        ListenAddress a = ListenAddress.parse("127.0.0.1:9000-9010");
        assertThat(a.conflictsWith(ListenAddress.parse("127.0.0.1:9010"))).isTrue();
        assertThat(a.conflictsWith(ListenAddress.parse("127.0.0.1:9011"))).isFalse();
        assertThat(a.conflictsWith(ListenAddress.parse("127.0.0.2:9005"))).isFalse();
    }

    @Test
    void aWildcardConflictsWithSpecificAddressesOfItsFamily() {
        ListenAddress any4 = ListenAddress.parse("0.0.0.0:80");
        ListenAddress any6 = ListenAddress.parse("[::]:80");
        assertThat(any4.conflictsWith(ListenAddress.parse("192.168.1.1:80"))).isTrue();
        assertThat(ListenAddress.parse("192.168.1.1:80").conflictsWith(any4)).isTrue();
        assertThat(any4.conflictsWith(ListenAddress.parse("[::1]:80"))).isFalse();
        // On a dual-stack host [::] also takes the IPv4 port.
        assertThat(any6.conflictsWith(ListenAddress.parse("127.0.0.1:80"))).isTrue();
        assertThat(any6.conflictsWith(any4)).isTrue();
    }

    @Test
    void givesTheSocketAddressOfTheKthPort() {
        ListenAddress a = ListenAddress.parse("127.0.0.1:9000-9010");
        assertThat(a.socketAddress(3).getPort()).isEqualTo(9003);
    }
}
