package io.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void parsesNetworksAndSingleAddresses() throws Exception {
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("10.200.1.1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("192.0.2.7").isSingleAddress()).isTrue();
        assertThat(Cidr.parse("192.0.2.7").toString()).isEqualTo("192.0.2.7");
        assertThat(Cidr.parse("2001:db8::/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("203.0.113.9"))).isFalse();
    }

    @Test
    void ipv4MappedAddressesAreJudgedAsIpv4() throws Exception {
        InetAddress mapped = Inet6Mapped.of(ip("10.1.2.3").getAddress());
        assertThat(Cidr.parse("10.0.0.0/8").contains(mapped)).isTrue();
        assertThat(Cidr.canonical(mapped)).isEqualTo(ip("10.1.2.3"));
    }

    @Test
    void refusesMalformedNetworksWithTheReason() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("more than the 32 bits");
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8")).hasMessageContaining("host bits set").hasMessageContaining("10.0.0.0/8");
        assertThatThrownBy(() -> Cidr.parse("300.1.1.1")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Cidr.parse("")).hasMessageContaining("empty");
    }

    @Test
    void networkTableFindsTheFirstMatchInOrder() throws Exception {
        NetworkTable t = new NetworkTable();
        assertThat(t.add(Cidr.parse("10.1.0.0/16"))).isEqualTo(-1);
        assertThat(t.add(Cidr.parse("10.0.0.0/8"))).isEqualTo(-1);
        assertThat(t.add(Cidr.parse("10.1.2.0/24"))).as("covered by the first").isEqualTo(0);
        t.add(Cidr.parse("::1"));
        t.add(Cidr.parse("0.0.0.0/0"));
        assertThat(t.firstMatch(ip("10.1.2.3"))).isEqualTo(0);
        assertThat(t.firstMatch(ip("10.9.2.3"))).isEqualTo(1);
        assertThat(t.firstMatch(ip("192.0.2.1"))).isEqualTo(4);
        assertThat(t.firstMatch(ip("::1"))).isEqualTo(3);
        assertThat(t.firstMatch(ip("::2"))).isEqualTo(-1);
        assertThat(t.firstMatch(Inet6Mapped.of(ip("10.9.0.1").getAddress()))).isEqualTo(1);
    }

    @Test
    void networkTableAgreesWithALinearScanOnManyRules() throws Exception {
        java.util.Random r = new java.util.Random(42);
        List<Cidr> rules = new ArrayList<>();
        NetworkTable t = new NetworkTable();
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[4];
            r.nextBytes(b);
            b[0] = 10;
            int prefix = 8 + r.nextInt(25);
            Cidr c = new Cidr(InetAddress.getByAddress(b), prefix);
            rules.add(c);
            t.add(c);
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[4];
            r.nextBytes(b);
            b[0] = 10;
            InetAddress a = InetAddress.getByAddress(b);
            int expected = -1;
            for (int k = 0; k < rules.size(); k++) {
                if (rules.get(k).contains(a)) {
                    expected = k;
                    break;
                }
            }
            assertThat(t.firstMatch(a)).as(a.toString()).isEqualTo(expected);
        }
    }

    /** Builds an Inet6Address that carries an IPv4 address, as a dual-stack socket reports its peers. */
    static final class Inet6Mapped {
        static InetAddress of(byte[] v4) throws Exception {
            byte[] b = new byte[16];
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            System.arraycopy(v4, 0, b, 12, 4);
            return java.net.Inet6Address.getByAddress(null, b, -1);
        }
    }
}
