package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    private static final EnumSet<Protocol> BOTH = EnumSet.allOf(Protocol.class);

    @Test
    void findsBindablePortsOutsideTheEphemeralRangeInAscendingOrder() throws Exception {
        FreePorts free = new FreePorts();
        List<Integer> ports = free.find(BOTH, new PortRange(1024, 65535), false, 5, null);
        assertThat(ports).hasSize(5).isSorted();
        for (int p : ports) {
            assertThat(free.kernel().ephemeral().contains(p)).isFalse();
            assertThat(new PortCheck().check(Protocol.TCP, new InetSocketAddress(PortCheck.defaultWildcard(), p)).outcome())
                    .isEqualTo(CheckResult.Outcome.FREE);
        }
    }

    @Test
    void skipsAPortThatIsHeldAndOffersTheNearestOthers() throws Exception {
        int port = Sockets.freePort();
        try (ServerSocketChannel held = ServerSocketChannel.open()) {
            held.bind(new InetSocketAddress(PortCheck.defaultWildcard(), port));
            List<Integer> near = new FreePorts().find(EnumSet.of(Protocol.TCP), new PortRange(1024, 65535), false, 2, port);
            assertThat(near).doesNotContain(port).hasSize(2);
            assertThat(near).allSatisfy(p -> assertThat(Math.abs(p - port)).isLessThan(50));
        }
    }

    @Test
    void skipsReservedPortsAndIncludesTheEphemeralRangeOnlyWhenAsked() throws Exception {
        int port = Sockets.freePort();
        KernelPorts kernel = new KernelPorts(1024, new PortRange(port + 1, port + 100), List.of(PortRange.of(port)));
        FreePorts free = new FreePorts(new SocketTable(), kernel, (p, a) -> { }, PortCheck.defaultWildcard());
        List<Integer> found = free.find(BOTH, new PortRange(port, port + 200), false, 1, null);
        assertThat(found).containsExactly(port + 101);
        List<Integer> withEphemeral = free.find(BOTH, new PortRange(port, port + 200), true, 1, null);
        assertThat(withEphemeral).containsExactly(port + 1);
    }

    @Test
    void returnsFewerWhenTheRangeHasNoMore() throws Exception {
        FreePorts free = new FreePorts(new SocketTable(), KernelPorts.DEFAULTS,
                (p, a) -> { throw new java.net.BindException("Address already in use"); }, PortCheck.defaultWildcard());
        assertThat(free.find(BOTH, new PortRange(20000, 20010), false, 3, null)).isEmpty();
    }
}
