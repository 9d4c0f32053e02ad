package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void tokenIsBase64UrlWithoutPaddingOfTheRequestedBytes() {
        String token = Secrets.token(32);
        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(Secrets.token(1)).hasSize(2);
    }

    @Test
    void tokensDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(Secrets.token(16))).isTrue();
        }
    }

    @Test
    void refusesNonPositiveTokenLength() {
        assertThatThrownBy(() -> Secrets.token(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytes: 0");
    }

    @Test
    void sha256HexMatchesKnownDigests() {
        assertThat(Secrets.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Secrets.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Secrets.sha256Hex("é")).isEqualTo(Secrets.sha256Hex("\u00e9"));
    }

    @Test
    void constantTimeEqualsComparesContentsAndNulls() {
        assertThat(Secrets.constantTimeEquals("abc", "abc")).isTrue();
        assertThat(Secrets.constantTimeEquals("abc", "abd")).isFalse();
        assertThat(Secrets.constantTimeEquals("abc", "abcd")).isFalse();
        assertThat(Secrets.constantTimeEquals("", "")).isTrue();
        assertThat(Secrets.constantTimeEquals(null, null)).isTrue();
        assertThat(Secrets.constantTimeEquals(null, "")).isFalse();
        assertThat(Secrets.constantTimeEquals("", null)).isFalse();
    }
}
