package io.portcullis.guard.spa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SpaKeyTest {

    private static String b64(int bytes, int fill) {
        byte[] b = new byte[bytes];
        java.util.Arrays.fill(b, (byte) fill);
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void readsKeysAsFwknopKeyGenPrintsThem() {
        SpaKey k = SpaKey.fromBase64("alice", "wRpEwJ9tcodQf8rOfPat1UVAMvRMRirx2PDQI+neoh0=",
                " Bwgw+FcNIokpjwpuclx955Q4QKbowcfRtOzwxqez1Mv9bsD7LPFar6+AAFGSLXjrDVo58ZUsh01JlrIRc9ks3A==\n", null);

        assertThat(k.encryptionKey()).hasSize(32);
        assertThat(k.hmacKey()).hasSize(64);
        assertThat(k.hmacDigest()).isEqualTo("sha256");
    }

    @Test
    void digestNamesAreFwknopsInAnyCase() {
        assertThat(SpaKey.fromBase64("a", b64(32, 1), b64(64, 2), "SHA512").hmacDigest()).isEqualTo("sha512");
        assertThat(SpaKey.fromBase64("a", b64(32, 1), b64(64, 2), "sha3_256").hmacDigest()).isEqualTo("sha3_256");
        assertThatThrownBy(() -> SpaKey.fromBase64("a", b64(32, 1), b64(64, 2), "sha224"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'").hasMessageContaining("sha224").hasMessageContaining("sha256");
    }

    @Test
    void badBase64IsReportedWithTheClientAndTheKeyName() {
        assertThatThrownBy(() -> SpaKey.fromBase64("alice", "not base64!", b64(64, 2), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'alice'").hasMessageContaining("KEY_BASE64").hasMessageContaining("base64");
        assertThatThrownBy(() -> SpaKey.fromBase64("alice", b64(32, 1), "%%%", null))
                .hasMessageContaining("HMAC_KEY_BASE64");
        assertThatThrownBy(() -> SpaKey.fromBase64("alice", "", b64(64, 2), null))
                .hasMessageContaining("KEY_BASE64 is missing");
        assertThatThrownBy(() -> SpaKey.fromBase64("alice", b64(32, 1), null, null))
                .hasMessageContaining("HMAC_KEY_BASE64 is missing");
    }

    @Test
    void keyLengthsFollowFwknopsLimits() {
        assertThatThrownBy(() -> SpaKey.fromBase64("a", b64(33, 1), b64(64, 2), null))
                .hasMessageContaining("encryption key is 33 bytes").hasMessageContaining("1 to 32");
        assertThatThrownBy(() -> SpaKey.fromBase64("a", b64(32, 1), b64(129, 2), null))
                .hasMessageContaining("HMAC key is 129 bytes").hasMessageContaining("1 to 128");
        assertThat(SpaKey.fromBase64("a", b64(1, 1), b64(128, 2), null).hmacKey()).hasSize(128);
    }

    @Test
    void theTwoKeysMustDiffer() {
        assertThatThrownBy(() -> SpaKey.fromBase64("a", b64(32, 1), b64(32, 1), null))
                .hasMessageContaining("must differ");
    }

    @Test
    void keysAreCopiedAndNeverPrinted() {
        byte[] key = new byte[32];
        byte[] hmac = new byte[64];
        hmac[0] = 1;
        SpaKey k = new SpaKey("alice", key, hmac, "sha256");
        key[0] = 9;
        k.encryptionKey()[1] = 9;

        assertThat(k.encryptionKey()).containsOnly(0);
        assertThat(k).isEqualTo(new SpaKey("alice", new byte[32], hmac, "SHA256"));
        assertThat(k.toString()).isEqualTo("SpaKey[name=alice, hmacDigest=sha256]");
    }
}
