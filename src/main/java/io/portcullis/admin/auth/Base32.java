package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;

/**
 * RFC 4648 Base32 (the upper-case alphabet {@code A-Z2-7}), written without padding.
 *
 * <p>It exists because TOTP secrets travel in Base32: authenticator apps expect it in {@code otpauth://}
 * URIs, and people type it by hand when they cannot scan a QR code. Decoding is therefore forgiving about
 * what people do (lower case, trailing {@code =} padding, spaces and dashes between groups) and strict about
 * everything else: a character outside the alphabet, or a length no encoder produces, is an
 * {@link IllegalArgumentException} that names the problem.
 */
public final class Base32 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = i;
            VALUES[Character.toLowerCase(ALPHABET[i])] = i;
        }
    }

    private Base32() {}

    /** Encodes {@code bytes} in upper-case Base32 without {@code =} padding. */
    public static String encode(byte[] bytes) {
        requireNonNull(bytes, "bytes");
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    /**
     * Decodes Base32, ignoring case, trailing {@code =} padding, spaces and dashes.
     *
     * @throws IllegalArgumentException when a character is outside the Base32 alphabet, when padding stands
     *     anywhere but at the end, or when the length cannot come from encoding whole bytes
     */
    public static byte[] decode(String text) {
        requireNonNull(text, "text");
        String s = strip(text);
        int rest = s.length() % 8;
        if (rest == 1 || rest == 3 || rest == 6) {
            throw new IllegalArgumentException(
                    "base32: length " + s.length() + " (expected: a length that encodes whole bytes)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                throw new IllegalArgumentException(
                        "base32: invalid character '" + c + "' at " + i + " (expected: A-Z or 2-7)");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    private static String strip(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '-') {
                sb.append(c);
            }
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == '=') {
            end--;
        }
        String s = sb.substring(0, end);
        int pad = s.indexOf('=');
        if (pad >= 0) {
            throw new IllegalArgumentException("base32: padding '=' at " + pad + " (expected: only at the end)");
        }
        return s;
    }
}
