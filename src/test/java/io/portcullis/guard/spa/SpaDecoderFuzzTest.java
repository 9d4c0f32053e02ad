package io.portcullis.guard.spa;

import static io.portcullis.guard.spa.SpaTestPackets.accessBody;
import static io.portcullis.guard.spa.SpaTestPackets.withDigest;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Throws datagrams at the decoder that anyone on the network could send, plus garbled plaintexts that
 * only a key holder could: {@link SpaDecoder#decode} must answer with an {@link SpaException} and nothing
 * else, and must never accept an altered packet. Bounded by iterations and time; seeded, and the seed is
 * printed so that a failure can be replayed with -Dportcullis.fuzzSeed=N.
 */
class SpaDecoderFuzzTest {

    private static final int MAX_ITERATIONS = 200_000;
    private static final long MAX_NANOS = 20_000_000_000L;
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

    @Test
    void decodeOnlyEverThrowsSpaExceptionAndNeverAcceptsAnAlteredPacket() throws Exception {
        long seed = Long.getLong("portcullis.fuzzSeed", System.nanoTime());
        System.out.println("SpaDecoderFuzzTest seed " + seed + " (rerun with -Dportcullis.fuzzSeed=" + seed + ")");
        Random random = new Random(seed);

        SpaTestPackets.Keys keys = new SpaTestPackets.Keys(random);
        SpaDecoder decoder = new SpaDecoder(List.of(new SpaTestPackets.Keys(random).spaKey("other"), keys.spaKey("alice")));
        byte[] real = realPacket(keys, random);
        SpaMessage original = decoder.decode(real, 0, real.length);
        assertThat(original.keyName()).isEqualTo("alice");

        Map<SpaException.Reason, Integer> seen = new EnumMap<>(SpaException.Reason.class);
        long start = System.nanoTime();
        int i = 0;
        int accepted = 0;
        for (; i < MAX_ITERATIONS && System.nanoTime() - start < MAX_NANOS; i++) {
            int kind = random.nextInt(8);
            byte[] input = switch (kind) {
                case 0 -> randomBytes(random, random.nextInt(2000));
                case 1 -> randomBase64(random, random.nextInt(1600));
                case 2 -> Arrays.copyOf(real, random.nextInt(real.length)); // truncated tail
                case 3 -> Arrays.copyOfRange(real, 1 + random.nextInt(real.length - 1), real.length); // truncated head
                case 4 -> flipBits(real, random);
                case 5 -> substituteBase64(real, random);
                case 6 -> append(real, randomBase64(random, 1 + random.nextInt(64)));
                default -> null; // a key holder's garbled plaintext, properly encrypted and authenticated
            };
            if (input == null) {
                byte[] packet = random.nextInt(4) == 0
                        // noise in whole blocks: authentic, but no plaintext at all
                        ? SpaTestPackets.packetOfBlocks(keys.key, keys.hmac, "HmacSHA256",
                                randomBytes(random, 16 * (1 + random.nextInt(50))), random)
                        : SpaTestPackets.packet(keys.key, keys.hmac, "HmacSHA256", garbledPlaintext(random), random);
                try {
                    decoder.decode(packet, 0, packet.length);
                    accepted++; // a mutation may still be a valid request; that is fine for authentic data
                } catch (SpaException e) {
                    seen.merge(e.reason(), 1, Integer::sum);
                }
                continue;
            }
            if (Arrays.equals(input, real)) {
                continue;
            }
            int offset = random.nextInt(4);
            byte[] buffer = new byte[offset + input.length + random.nextInt(4)];
            System.arraycopy(input, 0, buffer, offset, input.length);
            try {
                SpaMessage m = decoder.decode(buffer, offset, input.length);
                throw new AssertionError("seed " + seed + ", iteration " + i + ": accepted an altered packet "
                        + new String(input, StandardCharsets.ISO_8859_1) + " as " + m);
            } catch (SpaException e) {
                assertThat(e.getMessage()).isNotBlank();
                seen.merge(e.reason(), 1, Integer::sum);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("seed " + seed + ", iteration " + i + " (kind " + kind + "): decode threw "
                        + e + " for " + new String(input, StandardCharsets.ISO_8859_1), e);
            }
        }
        System.out.println("SpaDecoderFuzzTest " + i + " inputs in " + (System.nanoTime() - start) / 1_000_000
                + " ms, rejected by reason " + seen + ", authentic mutations accepted " + accepted);
        assertThat(i).isGreaterThan(1000);
        assertThat(seen).containsKeys(SpaException.Reason.TOO_SHORT, SpaException.Reason.BAD_ENCODING,
                SpaException.Reason.BAD_HMAC, SpaException.Reason.DECRYPT_FAILED, SpaException.Reason.BAD_FIELDS);
    }

    /** A packet from the real client when it is installed; else one built the same way in the test. */
    private static byte[] realPacket(SpaTestPackets.Keys keys, Random random) throws Exception {
        if (FwknopClient.checkPresent()) {
            java.util.Base64.Encoder enc = java.util.Base64.getEncoder();
            FwknopClient.Keys k = new FwknopClient.Keys(enc.encodeToString(keys.key), enc.encodeToString(keys.hmac));
            return FwknopClient.send(k, "-A", "tcp/22,udp/53", "-a", "127.0.0.1", "--fw-timeout", "60");
        }
        return SpaTestPackets.packet(keys.key, keys.hmac,
                withDigest(accessBody("fuzz", System.currentTimeMillis() / 1000, "127.0.0.1,tcp/22,udp/53")), random);
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] randomBase64(Random random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return b;
    }

    private static byte[] flipBits(byte[] real, Random random) {
        byte[] b = real.clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private static byte[] substituteBase64(byte[] real, Random random) {
        byte[] b = real.clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            b[random.nextInt(b.length)] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return b;
    }

    private static byte[] append(byte[] real, byte[] tail) {
        byte[] b = Arrays.copyOf(real, real.length + tail.length);
        System.arraycopy(tail, 0, b, real.length, tail.length);
        return b;
    }

    /**
     * A valid plaintext with a few characters changed, inserted or deleted, its digest recomputed half of
     * the time so that the field parser (not only the digest check) sees the damage.
     */
    private static byte[] garbledPlaintext(Random random) {
        String[] requests = {"10.0.0.1,tcp/22", "10.0.0.1,tcp/22,udp/53", "0.0.0.0,udp/1194"};
        String body = "1234567890123456:" + SpaTestPackets.b64("u" + random.nextInt(1000)) + ":" + random.nextInt()
                + ":3.0.0:" + random.nextInt(7) + ":" + SpaTestPackets.b64(requests[random.nextInt(requests.length)]);
        if (random.nextBoolean()) {
            body += ":" + SpaTestPackets.b64("10.0.0.2," + random.nextInt(70000));
        }
        if (random.nextBoolean()) {
            body += ":" + random.nextInt(100000);
        }
        StringBuilder sb = new StringBuilder(body);
        for (int n = random.nextInt(4); n > 0 && sb.length() > 17; n--) {
            int at = 17 + random.nextInt(sb.length() - 17);
            char c = (char) (random.nextBoolean() ? ":,./=0aZ+".charAt(random.nextInt(9)) : random.nextInt(256));
            switch (random.nextInt(3)) {
                case 0 -> sb.setCharAt(at, c);
                case 1 -> sb.insert(at, c);
                default -> sb.deleteCharAt(at);
            }
        }
        String text = random.nextBoolean() ? withDigest(sb.toString()) : sb + ":" + "A".repeat(43);
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
