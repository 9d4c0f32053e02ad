package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.net.PortClass;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortInventoryTest {

    private static PortInventory fixtureInventory(Path dir) throws Exception {
        Path fixtures = SocketTableTest.fixtures();
        return new PortInventory(new SocketTable(fixtures, ByteOrder.LITTLE_ENDIAN),
                new ProcessIndex(ProcessIndexTest.fakeProc(dir)), fixtures.resolveSibling("passwd"), ServiceRegistry.iana());
    }

    @Test
    void joinsSocketsWithOwnersUsersClassesAndServicesSortedByPort(@TempDir Path dir) throws Exception {
        List<PortEntry> entries = fixtureInventory(dir).scan(false);
        assertThat(entries).extracting(e -> e.socket().port())
                .containsExactly(22, 53, 53, 80, 5353, 5353, 5432, 8080, 8081);
        PortEntry ssh = entries.get(0);
        assertThat(ssh.owners()).containsExactly(new SocketOwner(1234, "nginx", 4));
        assertThat(ssh.ownership()).isEqualTo(PortEntry.Ownership.KNOWN);
        assertThat(ssh.serviceName()).isEqualTo("ssh");
        assertThat(ssh.portClass()).isEqualTo(PortClass.SYSTEM);
        assertThat(ssh.user()).isEqualTo("root");
        PortEntry mdns = entries.get(4);
        assertThat(mdns.serviceName()).isEqualTo("mdns");
        assertThat(mdns.user()).isEqualTo("avahi");
        assertThat(mdns.portClass()).isEqualTo(PortClass.REGISTERED);
        PortEntry postgres = entries.get(6);
        assertThat(postgres.serviceName()).isEqualTo("postgresql");
        assertThat(postgres.user()).as("a uid without a name is shown as its number").isEqualTo("999");
    }

    @Test
    void marksUnseenOwnersHiddenAndNeverDropsTheSocket(@TempDir Path dir) throws Exception {
        List<PortEntry> entries = fixtureInventory(dir).scan(false);
        PortEntry http = entries.stream().filter(e -> e.socket().port() == 80).findFirst().orElseThrow();
        assertThat(http.ownership()).isEqualTo(PortEntry.Ownership.HIDDEN);
        assertThat(http.owners()).isEmpty();
        assertThat(http.user()).isEqualTo("www-data");
    }

    @Test
    void addsConnectionsAndKernelHeldSocketsWhenAskedForAll(@TempDir Path dir) throws Exception {
        List<PortEntry> entries = fixtureInventory(dir).scan(true);
        assertThat(entries).hasSize(12);
        PortEntry timeWait = entries.stream().filter(e -> e.socket().state() == SocketState.TIME_WAIT).findFirst().orElseThrow();
        assertThat(timeWait.ownership()).isEqualTo(PortEntry.Ownership.NONE);
    }

    @Test
    void decidesWhichAddressesCollideOnOnePort() throws Exception {
        InetAddress any4 = InetAddress.getByName("0.0.0.0");
        InetAddress any6 = InetAddress.getByName("::");
        InetAddress lo4 = InetAddress.getByName("127.0.0.1");
        InetAddress lo6 = InetAddress.getByName("::1");
        assertThat(PortInventory.addressesConflict(lo4, any4)).isTrue();
        assertThat(PortInventory.addressesConflict(lo4, any6)).isTrue();
        assertThat(PortInventory.addressesConflict(lo6, any6)).isTrue();
        assertThat(PortInventory.addressesConflict(lo6, any4)).isFalse();
        assertThat(PortInventory.addressesConflict(any4, lo6)).isFalse();
        assertThat(PortInventory.addressesConflict(lo4, lo6)).isFalse();
        assertThat(PortInventory.addressesConflict(lo4, InetAddress.getByName("127.0.0.2"))).isFalse();
    }
}
