package io.portcullis.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One person or device that may open SPA-guarded forwards: the keys its {@code fwknop} client uses, as
 * {@code fwknop --key-gen} prints them (KEY_BASE64 and HMAC_KEY_BASE64).
 *
 * @param name unique name, used in logs and in a forward's {@code spa.clients}
 * @param key the encryption key, base64
 * @param hmacKey the HMAC key, base64
 * @param hmacDigest the HMAC's hash: sha256 (fwknop's default), sha1, sha384, sha512, sha3_256, sha3_512 or md5
 * @param allowPacketAddress grant access to the address written inside the packet (fwknop -a) rather than to
 *     the address the packet came from; off by default, because the packet's source is what was proven
 */
public record SpaClient(String name, String key, String hmacKey, String hmacDigest, boolean allowPacketAddress) {

    public static final List<String> DIGESTS = List.of("sha256", "sha1", "sha384", "sha512", "sha3_256", "sha3_512", "md5");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,62}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    public SpaClient {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(hmacKey, "hmacKey");
        Objects.requireNonNull(hmacDigest, "hmacDigest");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("SPA client name '" + name + "' is not allowed (expected: 1-63 letters, digits, '.', '_', '@' or '-')");
        }
        checkKey("key", key, 1, 32);
        checkKey("hmac-key", hmacKey, 1, 128);
        if (key.equals(hmacKey)) {
            throw new IllegalArgumentException("SPA client '" + name + "': hmac-key is the same as key (expected: two different keys, as fwknop --key-gen makes)");
        }
        if (!DIGESTS.contains(hmacDigest)) {
            throw new IllegalArgumentException("hmac-digest '" + hmacDigest + "' is not one of " + DIGESTS);
        }
    }

    static void checkKey(String what, String b64, int min, int max) {
        if (!BASE64.matcher(b64).matches() || b64.length() % 4 != 0) {
            throw new IllegalArgumentException(what + " is not base64 (expected: the value fwknop --key-gen prints)");
        }
        int bytes = b64.length() / 4 * 3 - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
        if (bytes < min || bytes > max) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes (expected: " + min + "-" + max + " bytes, as fwknop --key-gen makes)");
        }
    }

    @Override
    public String toString() {
        return "SpaClient[" + name + "]"; // never the keys
    }
}
