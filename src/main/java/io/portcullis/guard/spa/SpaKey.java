package io.portcullis.guard.spa;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One client's SPA keys, as {@code fwknop --key-gen} prints them (KEY_BASE64 and HMAC_KEY_BASE64) and
 * as fwknopd's access.conf holds them per client. Every client has its own pair so that a packet tells
 * which client sent it and one leaked pair can be revoked alone.
 *
 * <p>The arrays are copied in and out: a key cannot be changed after construction. {@link #toString()}
 * never shows key bytes, so a key may be logged by accident without leaking.
 *
 * @param name the client's name in the configuration; reported as {@link SpaMessage#keyName()}
 * @param encryptionKey the Rijndael key, 1 to 32 bytes (fwknop's limit; used as an OpenSSL password)
 * @param hmacKey the HMAC key, 1 to 128 bytes (fwknop's limit), different from the encryption key
 * @param hmacDigest fwknop's name of the HMAC digest: md5, sha1, sha256 (fwknop's default), sha384,
 *     sha512, sha3_256 or sha3_512; stored in lower case
 */
public record SpaKey(String name, byte[] encryptionKey, byte[] hmacKey, String hmacDigest) {

    /** fwknop's RIJNDAEL_MAX_KEYSIZE: the key is an OpenSSL-style password of at most 32 bytes. */
    static final int MAX_ENCRYPTION_KEY_BYTES = 32;
    /** fwknop's MAX_DIGEST_BLOCK_LEN: the client refuses longer HMAC keys. */
    static final int MAX_HMAC_KEY_BYTES = 128;
    /** fwknop's default HMAC digest. */
    public static final String DEFAULT_HMAC_DIGEST = "sha256";

    public SpaKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        Objects.requireNonNull(hmacKey, "hmacKey");
        Objects.requireNonNull(hmacDigest, "hmacDigest");
        if (name.isBlank()) {
            throw new IllegalArgumentException("SPA client name is empty");
        }
        if (encryptionKey.length < 1 || encryptionKey.length > MAX_ENCRYPTION_KEY_BYTES) {
            throw new IllegalArgumentException("SPA client '" + name + "': the encryption key is " + encryptionKey.length
                    + " bytes; fwknop accepts 1 to " + MAX_ENCRYPTION_KEY_BYTES + " (fwknop --key-gen makes 32)");
        }
        if (hmacKey.length < 1 || hmacKey.length > MAX_HMAC_KEY_BYTES) {
            throw new IllegalArgumentException("SPA client '" + name + "': the HMAC key is " + hmacKey.length
                    + " bytes; fwknop accepts 1 to " + MAX_HMAC_KEY_BYTES + " (fwknop --key-gen makes 64)");
        }
        // fwknopd refuses a stanza whose two keys are equal: the HMAC would then add nothing the
        // encryption key does not already give an attacker who learns it.
        if (Arrays.equals(encryptionKey, hmacKey)) {
            throw new IllegalArgumentException("SPA client '" + name + "': the HMAC key must differ from the encryption key");
        }
        HmacType type = HmacType.byName(hmacDigest).orElse(null);
        if (type == null) {
            throw new IllegalArgumentException("SPA client '" + name + "': unknown HMAC digest '" + hmacDigest
                    + "' (expected one of " + HmacType.names() + ")");
        }
        hmacDigest = type.fwknopName;
        encryptionKey = encryptionKey.clone();
        hmacKey = hmacKey.clone();
    }

    /**
     * Reads a client's keys the way fwknop prints them. {@code hmacDigest} may be null for fwknop's
     * default, sha256.
     *
     * @throws IllegalArgumentException naming the client and the key at fault, when a key is not base64 or
     *     has a length fwknop does not accept
     */
    public static SpaKey fromBase64(String name, String keyBase64, String hmacKeyBase64, String hmacDigest) {
        Objects.requireNonNull(name, "name");
        byte[] key = decode(name, "KEY_BASE64", keyBase64);
        byte[] hmac = decode(name, "HMAC_KEY_BASE64", hmacKeyBase64);
        return new SpaKey(name, key, hmac, hmacDigest == null ? DEFAULT_HMAC_DIGEST : hmacDigest);
    }

    private static byte[] decode(String name, String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("SPA client '" + name + "': " + what + " is missing");
        }
        try {
            return Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SPA client '" + name + "': " + what
                    + " is not valid base64 (copy it as fwknop --key-gen printed it): " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    @Override
    public byte[] hmacKey() {
        return hmacKey.clone();
    }

    HmacType hmacType() {
        return HmacType.byName(hmacDigest).orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpaKey k && name.equals(k.name) && Arrays.equals(encryptionKey, k.encryptionKey)
                && Arrays.equals(hmacKey, k.hmacKey) && hmacDigest.equals(k.hmacDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(encryptionKey), Arrays.hashCode(hmacKey), hmacDigest);
    }

    @Override
    public String toString() {
        return "SpaKey[name=" + name + ", hmacDigest=" + hmacDigest + "]";
    }
}
