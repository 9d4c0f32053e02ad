package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import io.portcullis.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Marks a browser that has logged in as a user before, so {@link LoginThrottle} can keep that browser's
 * attempts apart from an attacker's: someone guessing the password from elsewhere then cannot lock the real
 * user out. It exists as a signed cookie rather than a stored list because it must be checked before the
 * password, cheaply, on every login attempt.
 *
 * <p>The cookie value is {@code <user>|<issued, epoch seconds>|<HMAC-SHA256, base64url>}, the MAC over
 * {@code <lower-cased user>|<issued>} with a random 32-byte key created once (compare-and-set) under
 * {@code meta/device-key}, shared by every node. A cookie is valid for {@link #VALIDITY} (90 days), for its
 * own user only. It proves nothing but a past login: it never replaces a password or a second factor.
 * Thread-safe.
 */
public final class DeviceCookies {

    /** How long a device stays known after a login. */
    public static final Duration VALIDITY = Duration.ofDays(90);
    static final String KEY = "meta/device-key";
    private static final String HMAC = "HmacSHA256";
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final Store store;
    private final InstantSource clock;
    private volatile byte[] key;

    /** Device cookies signed with the key in {@code store} (created on first use). */
    public DeviceCookies(Store store, InstantSource clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A new cookie value for {@code user}, to set after a successful login. */
    public String issue(String user) {
        requireNonNull(user, "user");
        if (user.isEmpty() || user.contains("|")) {
            throw new IllegalArgumentException("user: " + user + " (expected: a user name, without '|')");
        }
        String signed = user + "|" + clock.instant().getEpochSecond();
        return signed + "|" + mac(user.toLowerCase(Locale.ROOT) + "|" + clock.instant().getEpochSecond());
    }

    /** True when {@code cookie} was issued by this gateway for {@code user} (any case) less than 90 days ago. */
    public boolean isValidFor(String cookie, String user) {
        if (cookie == null || user == null || cookie.length() > 256) {
            return false;
        }
        String[] parts = cookie.split("\\|", -1);
        if (parts.length != 3 || !parts[0].equalsIgnoreCase(user)) {
            return false;
        }
        long issued;
        try {
            issued = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        String expected = mac(parts[0].toLowerCase(Locale.ROOT) + "|" + parts[1]);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts[2].getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        return issued <= now + SKEW.toSeconds() && now - issued < VALIDITY.toSeconds();
    }

    private String mac(String text) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key(), HMAC));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The signing key: the stored one, or a new one stored with compare-and-set (the first node wins). */
    private byte[] key() {
        byte[] k = key;
        if (k != null) {
            return k;
        }
        while (true) {
            var stored = store.get(KEY);
            if (stored.isPresent()) {
                k = Base64.getDecoder().decode(stored.get().value());
                key = k;
                return k;
            }
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            store.compareAndSet(KEY, 0, Base64.getEncoder().encode(fresh));
        }
    }
}
