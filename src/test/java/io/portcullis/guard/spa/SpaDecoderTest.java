package io.portcullis.guard.spa;

import static io.portcullis.guard.spa.SpaTestPackets.accessBody;
import static io.portcullis.guard.spa.SpaTestPackets.b64;
import static io.portcullis.guard.spa.SpaTestPackets.withDigest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.guard.spa.SpaException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder's limits and field rules, on packets built in the test the way the client builds them. */
class SpaDecoderTest {

    private final Random random = new Random(7);
    private final SpaTestPackets.Keys keys = new SpaTestPackets.Keys(random);
    private final SpaDecoder decoder = new SpaDecoder(List.of(keys.spaKey("alice")));

    private byte[] packet(String plaintext) {
        return SpaTestPackets.packet(keys.key, keys.hmac, plaintext, random);
    }

    private SpaMessage decode(byte[] packet) throws SpaException {
        return decoder.decode(packet, 0, packet.length);
    }

    private Reason reasonFor(byte[] packet) {
        SpaException e = catchThrowableOfType(SpaException.class, () -> decode(packet));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.getMessage()).isNotBlank();
        return e.reason();
    }

    private Reason reasonForPlaintext(String plaintext) {
        return reasonFor(packet(plaintext));
    }

    @Test
    void aPacketBuiltLikeTheClientsDecodes() throws Exception {
        SpaMessage m = decode(packet(withDigest(accessBody("bob", 1_700_000_000L, "192.0.2.7,tcp/22,udp/1194"))));

        assertThat(m.user()).isEqualTo("bob");
        assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(m.allowAddress()).isEqualTo("192.0.2.7");
        assertThat(m.access()).containsExactly(new SpaAccess("tcp", 22), new SpaAccess("udp", 1194));
    }

    @Test
    void thePacketMayLieInsideALargerBuffer() throws Exception {
        byte[] p = packet(withDigest(accessBody("bob", 1, "192.0.2.7,tcp/22")));
        byte[] buffer = new byte[p.length + 20];
        Arrays.fill(buffer, (byte) '*');
        System.arraycopy(p, 0, buffer, 7, p.length);

        assertThat(decoder.decode(buffer, 7, p.length).replayDigest()).isEqualTo(decode(p).replayDigest());
    }

    @Test
    void sizeLimitsComeFirst() {
        byte[] base64 = new byte[2000];
        Arrays.fill(base64, (byte) 'A');
        assertThat(catchThrowableOfType(SpaException.class, () -> decoder.decode(base64, 0, 139)).reason())
                .isEqualTo(Reason.TOO_SHORT);
        assertThat(catchThrowableOfType(SpaException.class, () -> decoder.decode(base64, 0, 1500)).reason())
                .isEqualTo(Reason.TOO_LONG);
        assertThat(catchThrowableOfType(SpaException.class, () -> decoder.decode(base64, 0, 0)).reason())
                .isEqualTo(Reason.TOO_SHORT);
        assertThat(catchThrowableOfType(SpaException.class, () -> decoder.decode(base64, 0, 1499)).reason())
                .isEqualTo(Reason.BAD_HMAC);
    }

    @Test
    void onlyUnpaddedBase64IsAccepted() {
        byte[] p = packet(withDigest(accessBody("bob", 1, "192.0.2.7,tcp/22")));
        for (byte bad : new byte[] {'=', '\n', ' ', '-', '_', 0, (byte) 0xff}) {
            byte[] changed = p.clone();
            changed[changed.length - 1] = bad;
            assertThat(reasonFor(changed)).as("byte 0x%02x", bad).isEqualTo(Reason.BAD_ENCODING);
        }
    }

    @Test
    void aPacketStillCarryingTheSaltedPrefixIsRefused() {
        byte[] p = packet(withDigest(accessBody("bob", 1, "192.0.2.7,tcp/22")));
        byte[] prefixed = new byte[p.length + 10];
        System.arraycopy("U2FsdGVkX1".getBytes(StandardCharsets.US_ASCII), 0, prefixed, 0, 10);
        System.arraycopy(p, 0, prefixed, 10, p.length);

        assertThat(reasonFor(prefixed)).isEqualTo(Reason.BAD_ENCODING);
    }

    @Test
    void withoutKeysEveryPacketIsRefusedAsNoKey() {
        byte[] p = packet(withDigest(accessBody("bob", 1, "192.0.2.7,tcp/22")));

        SpaException e = catchThrowableOfType(SpaException.class, () -> new SpaDecoder(List.of()).decode(p, 0, p.length));

        assertThat(e.reason()).isEqualTo(Reason.NO_KEY);
    }

    @Test
    void twoClientsMayNotShareAName() {
        assertThatThrownBy(() -> new SpaDecoder(List.of(keys.spaKey("a"), new SpaTestPackets.Keys(random).spaKey("a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 17, 255, -1})
    void paddingOtherThanFwknopsIsADecryptionFailure(int lastByte) {
        byte[] plain = withDigest(accessBody("bob", 1, "192.0.2.7,tcp/22")).getBytes(StandardCharsets.US_ASCII);
        int pad = 16 - plain.length % 16;
        byte[] blocks = Arrays.copyOf(plain, plain.length + pad);
        Arrays.fill(blocks, plain.length, blocks.length, (byte) pad);
        if (lastByte >= 0) {
            blocks[blocks.length - 1] = (byte) lastByte;
        } else {
            blocks[blocks.length - 1] = 2; // claims 2 bytes of padding, the byte before it disagrees
            blocks[blocks.length - 2] = 3;
        }

        assertThat(reasonFor(SpaTestPackets.packetOfBlocks(keys.key, keys.hmac, "HmacSHA256", blocks, random)))
                .isEqualTo(Reason.DECRYPT_FAILED);
    }

    @Test
    void aDigestThatDoesNotMatchIsBadDigest() {
        String body = accessBody("bob", 1, "192.0.2.7,tcp/22");
        String good = withDigest(body);
        String tampered = good.substring(0, good.length() - 1) + (good.endsWith("A") ? "B" : "A");

        assertThat(reasonForPlaintext(tampered)).isEqualTo(Reason.BAD_DIGEST);
        assertThat(reasonForPlaintext(body + ":" + "x".repeat(30))).isEqualTo(Reason.BAD_FIELDS);
    }

    @Test
    void theRandomFieldMustBeSixteenDigits() {
        assertThat(reasonForPlaintext(withDigest("123456789012345x:" + b64("bob") + ":1:3.0.0:1:" + b64("1.2.3.4,tcp/22"))))
                .isEqualTo(Reason.DECRYPT_FAILED);
        assertThat(reasonForPlaintext(withDigest("12345678901234567:" + b64("bob") + ":1:3.0.0:1:" + b64("1.2.3.4,tcp/22"))))
                .isEqualTo(Reason.DECRYPT_FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.2.3.4", "1.2.3.4,", "1.2.3,tcp/22", "1.2.3.4.5,tcp/22", "256.1.1.1,tcp/22", "01.2.3.4,tcp/22",
        "1.2.3.4,tcp", "1.2.3.4,tcp/", "1.2.3.4,tcp/0", "1.2.3.4,tcp/65536", "1.2.3.4,tcp/22x", "1.2.3.4,sctp/22",
        "1.2.3.4,tcp/22,", "1.2.3.4,,tcp/22", "1.2.3.4,tcp/123456", "::1,tcp/22", "1.2.3.4, tcp/22"})
    void malformedAccessRequestsAreFieldErrors(String request) {
        assertThat(reasonForPlaintext(withDigest(accessBody("bob", 1, request)))).isEqualTo(Reason.BAD_FIELDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4,icmp/0", "1.2.3.4,none/0", "1.2.3.4,tcp/22,icmp/8"})
    void icmpAndNoneAccessAreUnsupported(String request) {
        assertThat(reasonForPlaintext(withDigest(accessBody("bob", 1, request)))).isEqualTo(Reason.UNSUPPORTED);
    }

    @Test
    void commandMessagesAreUnsupported() {
        String body = "1234567890123456:" + b64("bob") + ":1:3.0.0:0:" + b64("1.2.3.4,rm -rf /");

        SpaException e = catchThrowableOfType(SpaException.class, () -> decode(packet(withDigest(body))));

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED);
        assertThat(e.getMessage()).contains("command message").contains("alice");
    }

    @Test
    void fieldRulesFollowFwknopsLimits() {
        String msg = b64("1.2.3.4,tcp/22");
        String r = "1234567890123456:";
        // user name: base64 of at most 64 characters, printable
        assertThat(reasonForPlaintext(withDigest(r + b64("u".repeat(49)) + ":1:3.0.0:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + b64("a b") + ":1:3.0.0:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + ":1:3.0.0:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + "Ym9i=:1:3.0.0:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + "Ym9iY:1:3.0.0:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        // timestamp: 1 to 12 digits
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1234567890123:3.0.0:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":-1:3.0.0:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        // version: 1 to 8 characters
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1:123456789:1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1::1:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        // message type 0-6, at most 2 digits
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1:3.0.0:7:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1:3.0.0:001:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        // too few fields, and too many for the type
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1:3.0.0:1"))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1:3.0.0:1:" + msg + ":YQ:YQ"))).isEqualTo(Reason.BAD_FIELDS);
        // non-printable plaintext
        assertThat(reasonForPlaintext(withDigest(r + b64("bob") + ":1:3.0.0:1:" + msg + "\t"))).isEqualTo(Reason.BAD_FIELDS);
    }

    @Test
    void clientTimeoutTypesNeedATimeoutWithinFwknopsLimit() throws Exception {
        String head = "1234567890123456:" + b64("bob") + ":1:3.0.0:3:" + b64("1.2.3.4,tcp/22");

        assertThat(decode(packet(withDigest(head + ":65536"))).clientTimeoutSeconds()).hasValue(65536);
        assertThat(decode(packet(withDigest(head + ":" + b64("auth") + ":5"))).clientTimeoutSeconds()).hasValue(5);
        assertThat(reasonForPlaintext(withDigest(head))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(head + ":65537"))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(head + ":3x"))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(head + ":"))).isEqualTo(Reason.BAD_FIELDS);
    }

    @Test
    void natTypesCarryAHostAndPort() throws Exception {
        String head = "1234567890123456:" + b64("bob") + ":1:3.0.0:";
        String msg = b64("1.2.3.4,tcp/22");

        SpaMessage m = decode(packet(withDigest(head + "6:" + msg + ":" + b64("10.0.0.5,22") + ":30")));
        assertThat(m.natAccess()).isEqualTo("10.0.0.5,22");
        assertThat(m.clientTimeoutSeconds()).hasValue(30);
        assertThat(reasonForPlaintext(withDigest(head + "2:" + msg))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(head + "2:" + msg + ":" + b64("10.0.0.5")))).isEqualTo(Reason.BAD_FIELDS);
        assertThat(reasonForPlaintext(withDigest(head + "2:" + msg + ":" + b64("10.0.0.5,0")))).isEqualTo(Reason.BAD_FIELDS);
    }

    @Test
    void aServerAuthFieldIsToleratedAndIgnored() throws Exception {
        SpaMessage m = decode(packet(withDigest(accessBody("bob", 1, "1.2.3.4,tcp/22") + ":" + b64("secret"))));

        assertThat(m.access()).containsExactly(new SpaAccess("tcp", 22));
    }

    @Test
    void gnupgLookingPacketsAreUnsupported() {
        // "hQ" + this decodes to 0x85, a 2-byte length and version 3: an OpenPGP encrypted session key.
        byte[] raw = new byte[600];
        random.nextBytes(raw);
        raw[0] = (byte) 0x85;
        raw[1] = 0x02;
        raw[2] = 0x0c;
        raw[3] = 3;
        String text = Base64.getEncoder().withoutPadding().encodeToString(raw);
        assertThat(text).startsWith("hQ");
        byte[] p = text.substring(2).getBytes(StandardCharsets.US_ASCII);

        SpaException e = catchThrowableOfType(SpaException.class, () -> decode(p));

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED);
        assertThat(e.getMessage()).contains("GnuPG");
    }

    @Test
    void exceptionsAreCheapAndSayWhy() {
        SpaException e = new SpaException(Reason.BAD_HMAC, "nope");

        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e).hasToString("SpaException[BAD_HMAC]: nope");
    }

    @Test
    void messagesValidateThemselves() {
        byte[] digest = new byte[32];
        List<SpaAccess> ssh = List.of(new SpaAccess("tcp", 22));
        Instant t = Instant.EPOCH;
        assertThatThrownBy(() -> new SpaMessage("a", "u", t, "3", 3, "1.2.3.4", ssh, java.util.OptionalInt.empty(), null, digest))
                .hasMessageContaining("needs client timeout");
        assertThatThrownBy(() -> new SpaMessage("a", "u", t, "3", 1, "1.2.3.4", ssh, java.util.OptionalInt.empty(), "x,1", digest))
                .hasMessageContaining("has no NAT access");
        assertThatThrownBy(() -> new SpaMessage("a", "u", t, "3", 0, "1.2.3.4", ssh, java.util.OptionalInt.empty(), null, digest))
                .hasMessageContaining("1-6");
        assertThatThrownBy(() -> new SpaMessage("a", "u", t, "3", 1, "host", ssh, java.util.OptionalInt.empty(), null, digest))
                .hasMessageContaining("IPv4");
        assertThatThrownBy(() -> new SpaMessage("a", "u", t, "3", 1, "1.2.3.4", List.of(), java.util.OptionalInt.empty(), null, digest))
                .hasMessageContaining("no port");
        assertThatThrownBy(() -> new SpaAccess("icmp", 1)).hasMessageContaining("tcp or udp");
        assertThatThrownBy(() -> new SpaAccess("tcp", 0)).hasMessageContaining("1-65535");
    }
}
