package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.net.Protocol;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketTableTest {

    static Path fixtures() throws URISyntaxException {
        return Path.of(SocketTableTest.class.getResource("proc-net/tcp").toURI()).getParent();
    }

    private static List<HostSocket> fixtureSockets(Protocol protocol) throws Exception {
        return new SocketTable(fixtures(), ByteOrder.LITTLE_ENDIAN).read(protocol);
    }

    @Test
    void readsLittleEndianIpv4AddressesAndHexPorts() throws Exception {
        List<HostSocket> tcp = fixtureSockets(Protocol.TCP);
        HostSocket first = tcp.get(0);
        assertThat(first.local()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
        assertThat(first.state()).isEqualTo(SocketState.LISTEN);
        assertThat(first.isListening()).isTrue();
        assertThat(first.inode()).isEqualTo(1001);
        assertThat(first.ipv6()).isFalse();
    }

    @Test
    void skipsMalformedLinesAndKeepsTheRest() throws Exception {
        List<HostSocket> tcp = fixtureSockets(Protocol.TCP);
        // 8 data lines: garbage, a bad hex port, a truncated line and a negative uid are skipped.
        assertThat(tcp).extracting(HostSocket::inode).containsExactly(1001L, 1002L, 1003L, 0L, 2001L, 2002L, 2003L, 2004L);
    }

    @Test
    void readsEstablishedAndTimeWaitWithPeers() throws Exception {
        List<HostSocket> tcp = fixtureSockets(Protocol.TCP);
        HostSocket established = tcp.get(2);
        assertThat(established.state()).isEqualTo(SocketState.ESTAB);
        assertThat(established.remote()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 50000));
        assertThat(established.uid()).isEqualTo(1000);
        assertThat(established.isListening()).isFalse();
        HostSocket timeWait = tcp.get(3);
        assertThat(timeWait.state()).isEqualTo(SocketState.TIME_WAIT);
        assertThat(timeWait.local()).isEqualTo(new InetSocketAddress(InetAddress.getByName("10.0.2.15"), 443));
        assertThat(timeWait.remote()).isEqualTo(new InetSocketAddress(InetAddress.getByName("34.216.184.93"), 49153));
    }

    @Test
    void readsIpv6WordsIncludingIpv4MappedAddresses() throws Exception {
        List<HostSocket> tcp = fixtureSockets(Protocol.TCP);
        HostSocket any = tcp.get(4);
        assertThat(any.ipv6()).isTrue();
        assertThat(any.local().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(any.port()).isEqualTo(80);
        assertThat(tcp.get(5).local().getAddress()).isEqualTo(InetAddress.getByName("::1"));
        HostSocket mapped = tcp.get(6);
        assertThat(mapped.local().getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(SocketAddresses.host(mapped.local().getAddress())).isEqualTo("[::ffff:127.0.0.1]");
        assertThat(mapped.port()).isEqualTo(8081);
        assertThat(SocketAddresses.host(tcp.get(7).local().getAddress())).isEqualTo("[2001:db8::1]");
    }

    @Test
    void readsUdpBoundAndConnectedSockets() throws Exception {
        List<HostSocket> udp = fixtureSockets(Protocol.UDP);
        assertThat(udp).hasSize(4);
        assertThat(udp.get(0).local().getPort()).isEqualTo(5353);
        assertThat(udp.get(0).isListening()).isTrue();
        assertThat(udp.get(1).local().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.53"));
        assertThat(udp.get(2).state()).isEqualTo(SocketState.ESTAB);
        assertThat(udp.get(2).isListening()).isFalse();
        assertThat(udp.get(3).ipv6()).isTrue();
    }

    @Test
    void readsBigEndianHostsWordsInNetworkOrder() {
        InetSocketAddress a = SocketTable.parseEndpoint("7F000001:0050", ByteOrder.BIG_ENDIAN);
        assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(a.getPort()).isEqualTo(80);
        InetSocketAddress v6 = SocketTable.parseEndpoint("20010DB8000000000000000000000001:0035", ByteOrder.BIG_ENDIAN);
        assertThat(SocketAddresses.plain(v6.getAddress())).isEqualTo("2001:db8::1");
    }

    @Test
    void readsOnlyListenersAndBoundUdpSocketsWhenAskedAndStopsAtTheFirstConnection() throws Exception {
        List<HostSocket> listening = new SocketTable(fixtures(), ByteOrder.LITTLE_ENDIAN).readListening();
        assertThat(listening).extracting(HostSocket::inode)
                .containsExactly(1001L, 1002L, 2001L, 2002L, 2003L, 2004L, 3001L, 3002L, 3003L);
    }

    @Test
    void joinsLinesSplitAcrossReadsOfALargeTable() throws Exception {
        StringBuilder sb = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append(String.format("%5d: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0\n",
                    i, 1024 + i, 100_000 + i));
        }
        byte[] bytes = sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        // An input stream that hands out odd-sized pieces, as the kernel may.
        java.io.InputStream in = new java.io.ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 77_777));
            }
        };
        List<HostSocket> out = new ArrayList<>();
        SocketTable.readProc(in, text -> {
            SocketTable.parse(Protocol.TCP, text, ByteOrder.LITTLE_ENDIAN, out);
            return true;
        });
        assertThat(out).hasSize(20_000);
        assertThat(out.get(19_999).port()).isEqualTo(1024 + 19_999);
    }

    @Test
    void neverThrowsOnArbitraryBytes() {
        List<HostSocket> out = new ArrayList<>();
        String[] junk = {"", ":", "0:", "0: :", "0: 0100007F: 00000000:0000 0A", "\u0000\u0001\u00ff",
            "0: 0100007F:1F90 00000000:0000 0A a b c d e f g", "0: 0100007F:1F90 00000000:0000 ZZZ 0 0 0 0 0 1",
            "0: FFFFFFFF:FFFF FFFFFFFF:FFFF FF 0 0 0 4294967295 0 12345", "0: 0100007F:1F90 00000000:0000 0A 0 0 0 1 0 9223372036854775807",
            "0: 0100007F:1F90 00000000:0000 0A 0 0 0 99999999999999999999 0 1"};
        for (String j : junk) {
            SocketTable.parse(Protocol.TCP, "header local_address\n" + j + "\n", ByteOrder.LITTLE_ENDIAN, out);
        }
        assertThat(out).extracting(HostSocket::state).containsOnly(SocketState.UNKNOWN);
    }

    @Test
    void treatsAMissingIpv6TableAsEmpty(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        java.nio.file.Files.writeString(dir.resolve("tcp"),
                "sl local_address\n 0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 77 1\n");
        assertThat(new SocketTable(dir, ByteOrder.LITTLE_ENDIAN).read()).extracting(HostSocket::inode).containsExactly(77L);
    }

    @Test
    void readsThisHostsTablesAndFindsAnOpenListener() throws Exception {
        try (var server = java.nio.channels.ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            assertThat(new SocketTable().read(Protocol.TCP))
                    .filteredOn(s -> s.port() == port && s.isListening()).hasSize(1);
            assertThat(new SocketTable().readListening()).filteredOn(s -> s.port() == port && s.protocol() == Protocol.TCP).hasSize(1);
        }
    }
}
