package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Small, easy-to-get-right primitives that the admin plane needs in many places: unguessable tokens (sessions,
 * API keys, CSRF), a SHA-256 fingerprint to store instead of such a token, and a string comparison whose time
 * does not depend on where the strings first differ.
 *
 * <p>It exists so that no caller reaches for {@link java.util.Random}, {@link String#equals} on a secret, or
 * its own hex encoder: one audited place for each.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {}

    /**
     * A token of {@code bytes} random bytes from {@link SecureRandom}, encoded base64url without padding (so it
     * is safe in URLs, cookies and headers). Use at least 16 bytes (128 bits); 32 is a good default.
     *
     * @throws IllegalArgumentException when {@code bytes} is less than 1
     */
    public static String token(int bytes) {
        return BASE64URL.encodeToString(randomBytes(bytes));
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String sha256Hex(String text) {
        requireNonNull(text, "text");
        return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Compares two strings in time that depends only on their lengths, not on their contents, so an attacker
     * who measures the time of a failed comparison learns nothing about how much of a guess was right. Null is
     * equal only to null.
     */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] randomBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: > 0)");
        }
        byte[] out = new byte[bytes];
        RANDOM.nextBytes(out);
        return out;
    }

    static SecureRandom random() {
        return RANDOM;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
