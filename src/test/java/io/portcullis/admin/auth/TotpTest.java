package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

    private static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String RFC_KEY_BASE32 = Base32.encode(RFC_KEY);
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:10Z");

    /** RFC 6238 Appendix B, SHA-1 rows: time in seconds, 8-digit TOTP. */
    @ParameterizedTest
    @CsvSource({"59,94287082", "1111111109,07081804", "1111111111,14050471", "1234567890,89005924",
            "2000000000,69279037", "20000000000,65353130"})
    void matchesRfc6238Vectors(long seconds, String expected) {
        long step = Totp.step(Instant.ofEpochSecond(seconds));
        assertThat(Totp.code(RFC_KEY, step, 8)).isEqualTo(expected);
        assertThat(Totp.code(RFC_KEY_BASE32, step)).isEqualTo(expected.substring(2));
    }

    /** RFC 4226 Appendix D: HOTP values for counters 0 to 9. */
    @ParameterizedTest
    @CsvSource({"0,755224", "1,287082", "2,359152", "3,969429", "4,338314", "5,254676", "6,287922", "7,162583",
            "8,399871", "9,520489"})
    void matchesRfc4226Vectors(long counter, String expected) {
        assertThat(Totp.code(RFC_KEY, counter, 6)).isEqualTo(expected);
    }

    @Test
    void stepsAreThirtySecondsFromTheEpoch() {
        assertThat(Totp.step(Instant.ofEpochSecond(0))).isZero();
        assertThat(Totp.step(Instant.ofEpochSecond(29))).isZero();
        assertThat(Totp.step(Instant.ofEpochSecond(30))).isEqualTo(1);
        assertThat(Totp.step(Instant.ofEpochSecond(59))).isEqualTo(1);
    }

    @Test
    void newSecretIsTwentyRandomBytesInBase32() {
        String secret = Totp.newSecret();
        assertThat(secret).hasSize(32).matches("[A-Z2-7]+");
        assertThat(Base32.decode(secret)).hasSize(20);
        assertThat(Totp.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void acceptsOneStepEitherSideAndReturnsTheStepMatched() {
        String secret = Totp.newSecret();
        long now = Totp.step(NOW);
        for (long offset = -1; offset <= 1; offset++) {
            String code = Totp.code(secret, now + offset);
            assertThat(Totp.match(secret, code, NOW, Long.MIN_VALUE)).isEqualTo(OptionalLong.of(now + offset));
        }
    }

    @Test
    void refusesTwoStepsEitherSide() {
        String secret = Totp.newSecret();
        long now = Totp.step(NOW);
        String early = Totp.code(secret, now - 2);
        String late = Totp.code(secret, now + 2);
        // A collision with a code inside the window is possible (one in 10^6 per step); skip it if it happens.
        for (long s = now - 1; s <= now + 1; s++) {
            org.assertj.core.api.Assumptions.assumeThat(Totp.code(secret, s)).isNotIn(early, late);
        }
        assertThat(Totp.match(secret, early, NOW, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.match(secret, late, NOW, Long.MIN_VALUE)).isEmpty();
    }

    @Test
    void refusesReplayOfTheLastUsedStepOrAnEarlierOne() {
        String secret = Totp.newSecret();
        long now = Totp.step(NOW);
        String code = Totp.code(secret, now);
        long used = Totp.match(secret, code, NOW, Long.MIN_VALUE).getAsLong();
        assertThat(Totp.match(secret, code, NOW, used)).isEmpty();
        assertThat(Totp.match(secret, Totp.code(secret, now - 1), NOW, used)).isEmpty();
        // Thirty seconds later the next code is accepted.
        Instant later = NOW.plusSeconds(30);
        assertThat(Totp.match(secret, Totp.code(secret, now + 1), later, used)).isEqualTo(OptionalLong.of(now + 1));
    }

    @Test
    void refusesMalformedCodesAndSecrets() {
        String secret = Totp.newSecret();
        String code = Totp.code(secret, Totp.step(NOW));
        assertThat(Totp.match(secret, code.substring(1), NOW, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.match(secret, code + "0", NOW, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.match(secret, "12345a", NOW, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.match(secret, "１２３４５６", NOW, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.match(secret, null, NOW, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.match("not base32!", code, NOW, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.match(secret, code.substring(0, 3) + " " + code.substring(3), NOW, Long.MIN_VALUE))
                .isPresent();
    }

    @Test
    void uriFollowsTheKeyUriFormatAndEncodesLabelAndParameters() {
        assertThat(Totp.uri("Portcullis", "alice@example.org", "JBSWY3DPEHPK3PXP")).isEqualTo(
                "otpauth://totp/Portcullis:alice%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Portcullis"
                        + "&algorithm=SHA1&digits=6&period=30");
        assertThat(Totp.uri("Home Gateway & Co", "bob smith", "JBSWY3DPEHPK3PXP")).isEqualTo(
                "otpauth://totp/Home%20Gateway%20%26%20Co:bob%20smith?secret=JBSWY3DPEHPK3PXP"
                        + "&issuer=Home%20Gateway%20%26%20Co&algorithm=SHA1&digits=6&period=30");
        assertThat(Totp.uri("Portcullis", "zoë", "JBSWY3DPEHPK3PXP")).contains(":zo%C3%AB?");
    }

    @Test
    @Tag("peer")
    void agreesWithOathtool() throws Exception {
        PeerProgram.OATHTOOL.require();
        String secret = Totp.newSecret();
        for (Instant at : new Instant[] {NOW, Instant.ofEpochSecond(59), Instant.ofEpochSecond(2_000_000_000L)}) {
            String theirs = PeerProgram.OATHTOOL.run("", "--totp", "-b", "--now", at.toString(), secret);
            assertThat(Totp.code(secret, Totp.step(at))).as("at %s", at).isEqualTo(theirs);
        }
    }
}
