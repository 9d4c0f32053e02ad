package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base32Test {

    /** RFC 4648 section 10; we write no padding but accept it. */
    @ParameterizedTest
    @CsvSource({"'',''", "f,MY======", "fo,MZXQ====", "foo,MZXW6===", "foob,MZXW6YQ=", "fooba,MZXW6YTB",
            "foobar,MZXW6YTBOI======"})
    void matchesRfc4648Vectors(String text, String padded) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(Base32.encode(bytes)).isEqualTo(padded.replace("=", ""));
        assertThat(Base32.decode(padded)).isEqualTo(bytes);
        assertThat(Base32.decode(padded.replace("=", ""))).isEqualTo(bytes);
    }

    @Test
    void decodesLowerCaseSpacesAndDashes() {
        assertThat(Base32.decode("mzxw 6ytb-oi")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void roundTripsRandomBytes() {
        Random random = new Random(42);
        for (int length = 0; length < 64; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            assertThat(Base32.decode(Base32.encode(bytes))).isEqualTo(bytes);
        }
    }

    @Test
    void refusesCharactersOutsideTheAlphabet() {
        assertThatThrownBy(() -> Base32.decode("MZXW1YTB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1'").hasMessageContaining("at 4");
        assertThatThrownBy(() -> Base32.decode("MZXWÄYTB")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesImpossibleLengthsAndInnerPadding() {
        assertThatThrownBy(() -> Base32.decode("M")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 1");
        assertThatThrownBy(() -> Base32.decode("MZX")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base32.decode("MY==MY==")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("padding");
    }
}
