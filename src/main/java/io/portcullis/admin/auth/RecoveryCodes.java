package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * One-time recovery codes: the way back in for an admin who lost the device that holds their TOTP secret.
 *
 * <p>Ten codes are shown once, when the second factor is set up; the account keeps only their hashes, and
 * each code works once (the caller removes the hash that {@link #match} found). A code is twelve characters
 * in three groups, like {@code k7f3-9qpx-2mzd}, drawn from Crockford's Base32 alphabet in lower case
 * ({@code 0-9 a-z} without {@code i l o u}), so 60 random bits per code and no pair of characters that a
 * person confuses when copying from paper. When checking, {@code o} is read as {@code 0} and {@code i},
 * {@code l} as {@code 1}, and case, dashes and spaces do not matter.
 *
 * <p>Why SHA-256 and not Argon2: a password needs a slow hash because people choose passwords from a small,
 * guessable space. These codes are chosen by {@link SecureRandom} from 2<sup>60</sup> values; with the hashes
 * stolen, an attacker who computes a billion SHA-256 a second needs over thirty years to expect a single code.
 * A slow hash would add nothing but a second of CPU per login attempt, for all ten codes.
 */
public final class RecoveryCodes {

    /** Codes made at once. */
    public static final int COUNT = 10;

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int GROUPS = 3;
    private static final int GROUP_LENGTH = 4;

    private RecoveryCodes() {}

    /** Ten fresh codes, formatted {@code xxxx-xxxx-xxxx}, each with 60 random bits. */
    public static List<String> generate() {
        SecureRandom random = Secrets.random();
        List<String> codes = new ArrayList<>(COUNT);
        while (codes.size() < COUNT) {
            StringBuilder sb = new StringBuilder(GROUPS * (GROUP_LENGTH + 1));
            for (int g = 0; g < GROUPS; g++) {
                if (g > 0) {
                    sb.append('-');
                }
                for (int i = 0; i < GROUP_LENGTH; i++) {
                    sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
                }
            }
            String code = sb.toString();
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        return List.copyOf(codes);
    }

    /**
     * The stored form of a code: lower-case hex SHA-256 of its normalised form (lower case; dashes and white
     * space removed; {@code o} read as {@code 0}, {@code i} and {@code l} as {@code 1}). A fast hash is enough
     * here; the class documentation says why.
     */
    public static String hash(String code) {
        requireNonNull(code, "code");
        return Secrets.sha256Hex(normalise(code));
    }

    /**
     * The index in {@code hashes} of the hash that {@code code} matches, or empty. Every hash is compared, in
     * constant time, whether or not an earlier one matched, so the time taken does not tell which one did.
     */
    public static OptionalInt match(List<String> hashes, String code) {
        requireNonNull(hashes, "hashes");
        if (code == null) {
            return OptionalInt.empty();
        }
        byte[] given = hash(code).getBytes(StandardCharsets.US_ASCII);
        int found = -1;
        for (int i = 0; i < hashes.size(); i++) {
            String stored = hashes.get(i);
            byte[] expected = stored == null ? new byte[0] : stored.toLowerCase(Locale.ROOT)
                    .getBytes(StandardCharsets.US_ASCII);
            boolean equal = MessageDigest.isEqual(expected, given);
            if (equal && found < 0) {
                found = i;
            }
        }
        return found < 0 ? OptionalInt.empty() : OptionalInt.of(found);
    }

    static String normalise(String code) {
        StringBuilder sb = new StringBuilder(code.length());
        code.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == '-' || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return;
            }
            switch (c) {
                case 'o' -> sb.append('0');
                case 'i', 'l' -> sb.append('1');
                default -> sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
