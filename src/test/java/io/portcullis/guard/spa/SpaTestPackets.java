package io.portcullis.guard.spa;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds SPA packets the way the fwknop client does (the peer tests show the decoder reads the real
 * client's packets), so that tests can craft plaintexts the client would never send.
 */
final class SpaTestPackets {

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private SpaTestPackets() {}

    static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Appends ":" and the base64 SHA-256 of {@code body}, as the client ends every plaintext. */
    static String withDigest(String body) {
        try {
            return body + ":" + B64.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A type-1 access plaintext body (without digest) for {@code message}, e.g. "127.0.0.1,tcp/22". */
    static String accessBody(String user, long timestamp, String message) {
        return "1234567890123456:" + b64(user) + ":" + timestamp + ":3.0.0:1:" + b64(message);
    }

    /** Encrypts {@code plaintext} with AES-256-CBC, salts and HMACs it as fwknop does (HMAC-SHA256). */
    static byte[] packet(byte[] encryptionKey, byte[] hmacKey, String plaintext, Random random) {
        return packet(encryptionKey, hmacKey, "HmacSHA256", plaintext.getBytes(StandardCharsets.ISO_8859_1), random);
    }

    static byte[] packet(byte[] encryptionKey, byte[] hmacKey, String macAlgorithm, byte[] plain, Random random) {
        int pad = 16 - plain.length % 16;
        byte[] padded = Arrays.copyOf(plain, plain.length + pad);
        Arrays.fill(padded, plain.length, padded.length, (byte) pad);
        return packetOfBlocks(encryptionKey, hmacKey, macAlgorithm, padded, random);
    }

    /** Like {@link #packet} but encrypts {@code padded} as it is, a whole number of blocks, padding and all. */
    static byte[] packetOfBlocks(byte[] encryptionKey, byte[] hmacKey, String macAlgorithm, byte[] padded, Random random) {
        try {
            byte[] salt = new byte[8];
            random.nextBytes(salt);
            byte[] kiv = new byte[48];
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] prev = new byte[0];
            for (int i = 0; i < 48; i += 16) {
                md5.update(prev);
                md5.update(encryptionKey);
                md5.update(salt);
                prev = md5.digest();
                System.arraycopy(prev, 0, kiv, i, 16);
            }
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kiv, 0, 32, "AES"), new IvParameterSpec(kiv, 32, 16));
            byte[] ct = c.doFinal(padded);
            byte[] raw = new byte[16 + ct.length];
            System.arraycopy("Salted__".getBytes(StandardCharsets.US_ASCII), 0, raw, 0, 8);
            System.arraycopy(salt, 0, raw, 8, 8);
            System.arraycopy(ct, 0, raw, 16, ct.length);
            String full = B64.encodeToString(raw);
            if (!full.startsWith("U2FsdGVkX1")) {
                throw new AssertionError("salted base64 does not start with the known prefix: " + full);
            }
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(hmacKey, macAlgorithm));
            String hmac = B64.encodeToString(mac.doFinal(full.getBytes(StandardCharsets.US_ASCII)));
            return (full.substring(10) + hmac).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static final class Keys {
        final byte[] key = new byte[32];
        final byte[] hmac = new byte[64];

        Keys(Random random) {
            random.nextBytes(key);
            random.nextBytes(hmac);
        }

        Keys() {
            this(new SecureRandom());
        }

        SpaKey spaKey(String name) {
            return new SpaKey(name, key, hmac, "sha256");
        }
    }
}
