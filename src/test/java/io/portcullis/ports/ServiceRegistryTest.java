package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.net.PortClass;
import io.portcullis.net.Protocol;
import org.junit.jupiter.api.Test;

class ServiceRegistryTest {

    @Test
    void namesWellKnownServicesFromTheShippedIanaData() {
        ServiceRegistry iana = ServiceRegistry.iana();
        assertThat(iana.name(Protocol.TCP, 5432)).isEqualTo("postgresql");
        assertThat(iana.name(Protocol.UDP, 5353)).isEqualTo("mdns");
        assertThat(iana.name(Protocol.TCP, 22)).isEqualTo("ssh");
        assertThat(iana.name(Protocol.UDP, 53)).isEqualTo("domain");
        assertThat(iana.name(Protocol.TCP, 443)).isEqualTo("https");
        assertThat(iana.lookup(Protocol.TCP, 6379)).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("redis"));
    }

    @Test
    void answersEmptyForUnregisteredAndOutOfRangePorts() {
        ServiceRegistry iana = ServiceRegistry.iana();
        assertThat(iana.lookup(Protocol.TCP, 65535)).isEmpty();
        assertThat(iana.lookup(Protocol.TCP, -1)).isEmpty();
        assertThat(iana.lookup(Protocol.UDP, 70_000)).isEmpty();
        assertThat(iana.name(Protocol.TCP, 4)).isEmpty();
    }

    @Test
    void classifiesPortsAtTheBoundaries() {
        assertThat(PortClass.of(0)).isEqualTo(PortClass.SYSTEM);
        assertThat(PortClass.of(1023)).isEqualTo(PortClass.SYSTEM);
        assertThat(PortClass.of(1024)).isEqualTo(PortClass.REGISTERED);
        assertThat(PortClass.of(49_151)).isEqualTo(PortClass.REGISTERED);
        assertThat(PortClass.of(49_152)).isEqualTo(PortClass.DYNAMIC);
        assertThat(PortClass.of(65_535)).isEqualTo(PortClass.DYNAMIC);
        assertThat(PortClass.parse("Dynamic")).isEqualTo(PortClass.DYNAMIC);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PortClass.of(65_536))
                .hasMessage("port 65536 is out of range (expected: 0-65535)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PortClass.parse("huge"))
                .hasMessageContaining("'huge'").hasMessageContaining("system, registered or dynamic");
    }
}
