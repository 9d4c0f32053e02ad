package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {

    private static final PasswordHasher STANDARD = PasswordHasher.standard();
    /** Small parameters for the tests that do not check the standard ones: the same code, faster. */
    private static final PasswordHasher SMALL = new PasswordHasher(256, 1, 1);

    @Test
    void roundTripsWithStandardParameters() {
        String encoded = STANDARD.hash("orbit velvet canyon pickle");
        assertThat(STANDARD.verify("orbit velvet canyon pickle", encoded)).isTrue();
        assertThat(STANDARD.verify("orbit velvet canyon pickles", encoded)).isFalse();
    }

    @Test
    void writesPhcStringWithAtLeastOwaspParameters() {
        String encoded = STANDARD.hash("orbit velvet canyon pickle");
        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        String[] params = encoded.split("\\$")[3].split(",");
        assertThat(Integer.parseInt(params[0].substring(2))).isGreaterThanOrEqualTo(19_456);
        assertThat(Integer.parseInt(params[1].substring(2))).isGreaterThanOrEqualTo(2);
        assertThat(Integer.parseInt(params[2].substring(2))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void refusesWrongPassword() {
        String encoded = SMALL.hash("orbit velvet canyon pickle");
        assertThat(SMALL.verify("Orbit velvet canyon pickle", encoded)).isFalse();
        assertThat(SMALL.verify("", encoded)).isFalse();
        assertThat(SMALL.verify(null, encoded)).isFalse();
    }

    @Test
    void usesAFreshSaltEachTime() {
        String a = SMALL.hash("same password here");
        String b = SMALL.hash("same password here");
        assertThat(a).isNotEqualTo(b);
        assertThat(a.split("\\$")[4]).isNotEqualTo(b.split("\\$")[4]);
        assertThat(SMALL.verify("same password here", a)).isTrue();
        assertThat(SMALL.verify("same password here", b)).isTrue();
    }

    @Test
    void verifiesWithTheParametersRecordedInTheString() {
        String encoded = SMALL.hash("orbit velvet canyon pickle");
        assertThat(new PasswordHasher(1024, 2, 1).verify("orbit velvet canyon pickle", encoded)).isTrue();
    }

    @Test
    void normalisesNfkcSoEquivalentSpellingsMatch() {
        String composed = "caf\u00e9 ol\u00e9 rhythm section";
        String decomposed = "cafe\u0301 ole\u0301 rhythm section";
        assertThat(SMALL.verify(decomposed, SMALL.hash(composed))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "$argon2id$", "$argon2i$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=16$m=256,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=256,t=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=256,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=4,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=256,t=1,p=1$not*base64$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0$",
            "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA$extra",
            "$argon2id$v=19$m=-256,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=="})
    void refusesMalformedStringsWithoutThrowing(String encoded) {
        assertThat(SMALL.verify("password", encoded)).isFalse();
        assertThat(SMALL.needsRehash(encoded)).isTrue();
    }

    @Test
    void refusesNullEncoded() {
        assertThat(SMALL.verify("password", null)).isFalse();
        assertThat(SMALL.needsRehash(null)).isTrue();
    }

    @Test
    void needsRehashWhenAnyParameterIsBelowThisHashers() {
        PasswordHasher strong = new PasswordHasher(1024, 2, 2);
        assertThat(strong.needsRehash(strong.hash("x"))).isFalse();
        assertThat(strong.needsRehash(new PasswordHasher(512, 2, 2).hash("x"))).isTrue();
        assertThat(strong.needsRehash(new PasswordHasher(1024, 1, 2).hash("x"))).isTrue();
        assertThat(strong.needsRehash(new PasswordHasher(1024, 2, 1).hash("x"))).isTrue();
        assertThat(strong.needsRehash(new PasswordHasher(2048, 3, 2).hash("x"))).isFalse();
    }

    @Test
    void refusesParametersArgon2Forbids() {
        assertThatThrownBy(() -> new PasswordHasher(7, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memoryKiB: 7");
        assertThatThrownBy(() -> new PasswordHasher(1024, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iterations: 0");
        assertThatThrownBy(() -> new PasswordHasher(1024, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism: 0");
    }

    /** RFC 9106 section 5.3: the Argon2id test vector, with secret and associated data. */
    @Test
    void matchesRfc9106Argon2idVector() {
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] associated = filled(12, 0x04);
        byte[] tag = PasswordHasher.argon2(password, salt, secret, associated, 32, 3, 4, 32);
        assertThat(HexFormat.of().formatHex(tag))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void dummyVerificationTakesAboutAsLongAsARealOne() {
        String encoded = STANDARD.hash("orbit velvet canyon pickle");
        STANDARD.verify("warm up", encoded);
        STANDARD.verifyDummy("warm up");
        long real = Long.MAX_VALUE;
        long dummy = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            STANDARD.verify("wrong password here", encoded);
            real = Math.min(real, System.nanoTime() - start);
            start = System.nanoTime();
            STANDARD.verifyDummy("wrong password here");
            dummy = Math.min(dummy, System.nanoTime() - start);
        }
        // Both do one Argon2id with the same parameters; allow for a noisy shared machine.
        assertThat(dummy).isBetween(real / 3, real * 3);
    }

    @Test
    @Tag("peer")
    void verifiesWhatTheReferenceArgon2ToolWrites() throws Exception {
        PeerProgram.ARGON2.require();
        // argon2 SALT -id -t T -m log2(KiB) -p P -l LEN -e: reads the password on stdin, prints the PHC string.
        String encoded = PeerProgram.ARGON2.run("orbit velvet canyon pickle", "saltsaltsaltsalt", "-id", "-t", "2",
                "-m", "10", "-p", "1", "-l", "32", "-e");
        assertThat(encoded).startsWith("$argon2id$v=19$m=1024,t=2,p=1$");
        PasswordHasher hasher = new PasswordHasher(1024, 2, 1);
        assertThat(hasher.verify("orbit velvet canyon pickle", encoded)).isTrue();
        assertThat(hasher.verify("orbit velvet canyon pickles", encoded)).isFalse();
        assertThat(hasher.needsRehash(encoded)).isFalse();
    }

    @Test
    @Tag("peer")
    void computesWhatTheReferenceArgon2ToolComputes() throws Exception {
        PeerProgram.ARGON2.require();
        String raw = PeerProgram.ARGON2.run("a passphrase", "0123456789abcdef", "-id", "-t", "3", "-m", "12",
                "-p", "2", "-l", "32", "-r");
        byte[] ours = PasswordHasher.argon2("a passphrase".getBytes(StandardCharsets.UTF_8),
                "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), 4096, 3, 2, 32);
        assertThat(HexFormat.of().formatHex(ours)).isEqualTo(raw);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
