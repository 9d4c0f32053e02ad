package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) as every authenticator app makes them: HMAC-SHA-1, 6 digits,
 * 30-second steps counted from the Unix epoch. This is the admin plane's second factor.
 *
 * <p>It exists in our code rather than a library because it is a few lines, and the two rules that matter are
 * ours to hold: a code is accepted one step either side of now (clocks drift), and never for a step at or
 * before the last step that user already used, so a code seen over a shoulder or in a log cannot be replayed.
 * The caller stores the step that {@link #match} returns and passes it back next time.
 *
 * <p>Time is passed in ({@link Instant}), never read here, so tests move a clock instead of sleeping.
 */
public final class Totp {

    /** Seconds per step (RFC 6238's X). */
    public static final int PERIOD_SECONDS = 30;
    /** Digits in a code. */
    public static final int DIGITS = 6;
    /** Steps accepted either side of the current one. */
    public static final int WINDOW = 1;
    /** Bytes of a new secret: 160 bits, the HMAC-SHA-1 block-friendly size RFC 4226 recommends. */
    public static final int SECRET_BYTES = 20;

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp() {}

    /** A new secret: 20 random bytes, Base32 without padding (32 characters). */
    public static String newSecret() {
        return Base32.encode(Secrets.randomBytes(SECRET_BYTES));
    }

    /** The step that {@code now} falls in: whole 30-second periods since the Unix epoch. */
    public static long step(Instant now) {
        requireNonNull(now, "now");
        return Math.floorDiv(now.getEpochSecond(), PERIOD_SECONDS);
    }

    /**
     * The 6-digit code for {@code step}, zero-padded.
     *
     * @throws IllegalArgumentException when the secret is not Base32
     */
    public static String code(String base32Secret, long step) {
        requireNonNull(base32Secret, "base32Secret");
        return code(Base32.decode(base32Secret), step, DIGITS);
    }

    /**
     * Checks {@code code} against the steps around {@code now} (one either side) and returns the step it
     * matches, but only when that step is later than {@code lastUsedStep}; otherwise empty. Every candidate
     * step is computed and compared in constant time, so the time taken does not say which one matched. A code
     * that is not exactly six ASCII digits (after dropping spaces) never matches; a secret that is not Base32
     * never matches either.
     *
     * @param lastUsedStep the step returned by the last successful match for this secret, or
     *     {@link Long#MIN_VALUE} when there was none
     */
    public static OptionalLong match(String base32Secret, String code, Instant now, long lastUsedStep) {
        requireNonNull(now, "now");
        if (base32Secret == null || code == null) {
            return OptionalLong.empty();
        }
        String given = code.replace(" ", "");
        if (given.length() != DIGITS || !given.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        byte[] key;
        try {
            key = Base32.decode(base32Secret);
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        byte[] givenBytes = given.getBytes(StandardCharsets.US_ASCII);
        long current = step(now);
        long found = Long.MIN_VALUE;
        for (long s = current - WINDOW; s <= current + WINDOW; s++) {
            byte[] expected = code(key, s, DIGITS).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, givenBytes) && s > lastUsedStep && found == Long.MIN_VALUE) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /**
     * The {@code otpauth://} URI that authenticator apps read from a QR code (Google's Key URI Format): label
     * {@code Issuer:account}, then secret, issuer, algorithm, digits and period. Label and parameters are
     * percent-encoded (spaces as {@code %20}, never {@code +}, which some apps show literally).
     */
    public static String uri(String issuer, String account, String base32Secret) {
        requireNonNull(issuer, "issuer");
        requireNonNull(account, "account");
        requireNonNull(base32Secret, "base32Secret");
        if (issuer.contains(":") || account.contains(":")) {
            throw new IllegalArgumentException(
                    "issuer and account: " + issuer + ", " + account + " (expected: no ':', it separates them)");
        }
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account)
                + "?secret=" + encode(base32Secret.replace("=", ""))
                + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + PERIOD_SECONDS;
    }

    /** HOTP (RFC 4226) with HMAC-SHA-1: {@code digits} decimal digits for counter {@code step}. */
    static String code(byte[] key, long step, int digits) {
        if (digits < 1 || digits > 8) {
            throw new IllegalArgumentException("digits: " + digits + " (expected: 1-8)");
        }
        byte[] hash = hmacSha1(key, step);
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        String digitsText = Integer.toString(binary % POWERS[digits]);
        return "0".repeat(digits - digitsText.length()) + digitsText;
    }

    private static byte[] hmacSha1(byte[] key, long counter) {
        byte[] message = new byte[8];
        for (int i = 7; i >= 0; i--) {
            message[i] = (byte) counter;
            counter >>>= 8;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // An empty key is legal HMAC but SecretKeySpec refuses it; a single zero byte is the same HMAC key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every Java platform", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
