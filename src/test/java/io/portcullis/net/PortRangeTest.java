package io.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PortRangeTest {

    @Test
    void parsesASinglePortAndARange() {
        assertThat(PortRange.parse("8080")).isEqualTo(PortRange.of(8080));
        assertThat(PortRange.parse(" 9000 - 9010 ")).isEqualTo(new PortRange(9000, 9010));
        assertThat(PortRange.parse("9000-9010").size()).isEqualTo(11);
        assertThat(PortRange.parse("0")).isEqualTo(PortRange.of(0));
        assertThat(PortRange.parse("65535")).isEqualTo(PortRange.of(65535));
    }

    @Test
    void refusesPortsOutsideSixteenBits() {
        assertThatIllegalArgumentException().isThrownBy(() -> PortRange.parse("65536"))
                .withMessage("port 65536 is out of range (expected: 0-65535)");
        assertThatIllegalArgumentException().isThrownBy(() -> PortRange.of(-1))
                .withMessage("port -1 is out of range (expected: 0-65535)");
    }

    @Test
    void refusesTextThatIsNotAPort() {
        assertThatIllegalArgumentException().isThrownBy(() -> PortRange.parse("http"))
                .withMessage("port 'http' is not a number (expected: 0-65535)");
        assertThatIllegalArgumentException().isThrownBy(() -> PortRange.parse(""))
                .withMessageContaining("is not a number");
        assertThatIllegalArgumentException().isThrownBy(() -> PortRange.parse("9999999"))
                .withMessageContaining("is not a number");
    }

    @Test
    void refusesARangeThatRunsBackwards() {
        assertThatIllegalArgumentException().isThrownBy(() -> PortRange.parse("9010-9000"))
                .withMessage("port range 9010-9000 runs backwards (expected: first <= last)");
    }

    @Test
    void mapsTheKthPortAndRepeatsASinglePort() {
        PortRange range = new PortRange(9000, 9010);
        assertThat(range.portAt(0)).isEqualTo(9000);
        assertThat(range.portAt(10)).isEqualTo(9010);
        assertThat(PortRange.of(22).portAt(7)).isEqualTo(22);
        assertThatThrownBy(() -> range.portAt(11)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void overlapsWhenTheyShareAPort() {
        PortRange range = new PortRange(9000, 9010);
        assertThat(range.overlaps(PortRange.of(9010))).isTrue();
        assertThat(range.overlaps(new PortRange(8000, 9000))).isTrue();
        assertThat(range.overlaps(PortRange.of(9011))).isFalse();
        assertThat(range.contains(9005)).isTrue();
    }

    @Test
    void printsAsWritten() {
        assertThat(new PortRange(9000, 9010)).hasToString("9000-9010");
        assertThat(PortRange.of(80)).hasToString("80");
    }
}
