package io.portcullis.guard.spa;

import io.portcullis.guard.spa.SpaException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies and decodes fwknop SPA datagrams (Rijndael with an HMAC, as the stock {@code fwknop} client
 * sends them with {@code --use-hmac}) into {@link SpaMessage}s, using the JDK's crypto only.
 *
 * <p>Order of work, cheapest and least trusting first: size limits, base64 alphabet, then every client's
 * HMAC over the text as received (constant-time comparison). Only a client whose HMAC matched gets its
 * encryption key tried, so strangers never reach the decryption or the field parser; each packet costs
 * them one HMAC per configured client. The decryption tries CBC (fwknop's default) and then the other
 * modes the client offers ({@code -M cfb|ofb|ctr|ecb}): after a matching HMAC only the holder of the keys
 * can have chosen the mode, so accepting each is no weaker than asking the operator to configure it.
 * fwknop's "legacy" IV mode cannot be combined with an HMAC and is therefore never seen. GnuPG-encrypted
 * packets are recognised only to be refused as {@link Reason#UNSUPPORTED}.
 *
 * <p><b>Not thread-safe.</b> An instance reuses its Mac, Cipher and MessageDigest objects so that a packet
 * costs no allocation of those; confine it to one thread (the event loop that reads the SPA socket), or
 * give each thread its own. Building one is cheap enough to do again when the client list changes.
 *
 * <p>{@link #decode} throws only {@link SpaException} for any content of the datagram; a {@code null}
 * array or a range outside it is a bug in the caller and throws the usual runtime exceptions.
 */
public final class SpaDecoder {

    /** fwknopd's MIN_SPA_DATA_SIZE: no datagram the client sends is shorter. */
    public static final int MIN_PACKET_LENGTH = 140;
    /** fwknop refuses SPA data of MAX_SPA_ENCODED_MSG_SIZE (1500) bytes or more. */
    public static final int MAX_PACKET_LENGTH = 1499;

    /** Base64 of "Salted__", OpenSSL's marker, which the client strips and the HMAC still covers. */
    private static final byte[] SALTED_PREFIX = "U2FsdGVkX1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SALTED_MAGIC = "Salted__".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_LENGTH = 8;
    private static final int BLOCK = 16;
    /** fwknop's MIN_GNUPG_MSG_SIZE: Rijndael packets shorter than this are never taken for GnuPG. */
    private static final int MIN_GNUPG_LENGTH = 400;

    /** The modes in the order tried: fwknop's default first, so the common packet decrypts once. */
    private enum Mode {
        CBC("AES/CBC/NoPadding"),
        CFB("AES/CFB/NoPadding"),
        OFB("AES/OFB/NoPadding"),
        CTR("AES/CTR/NoPadding"),
        ECB("AES/ECB/NoPadding");

        final String transformation;

        Mode(String transformation) {
            this.transformation = transformation;
        }
    }

    private record KeyState(SpaKey key, Mac mac, int hmacLength, byte[] password) {}

    private final List<KeyState> keys;
    private final Cipher[] ciphers = new Cipher[Mode.values().length];
    private final MessageDigest md5;
    private final MessageDigest sha256;
    private final SpaPlaintext plaintext = new SpaPlaintext();

    /**
     * @param keys the clients allowed to send SPA packets, tried in this order; may be empty (every
     *     packet is then refused with {@link Reason#NO_KEY}); names must be unique
     * @throws IllegalArgumentException when two keys share a name
     * @throws IllegalStateException when this JDK lacks an algorithm fwknop uses
     */
    public SpaDecoder(List<SpaKey> keys) {
        Objects.requireNonNull(keys, "keys");
        Set<String> names = new HashSet<>();
        List<KeyState> states = new ArrayList<>();
        try {
            for (SpaKey k : keys) {
                Objects.requireNonNull(k, "key");
                if (!names.add(k.name())) {
                    throw new IllegalArgumentException("two SPA clients are named '" + k.name() + "'");
                }
                HmacType type = k.hmacType();
                Mac mac = Mac.getInstance(type.jdkAlgorithm);
                mac.init(new SecretKeySpec(k.hmacKey(), type.jdkAlgorithm));
                states.add(new KeyState(k, mac, type.base64Length, k.encryptionKey()));
            }
            for (Mode m : Mode.values()) {
                ciphers[m.ordinal()] = Cipher.getInstance(m.transformation);
            }
            md5 = MessageDigest.getInstance("MD5");
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks an algorithm fwknop uses: " + e.getMessage(), e);
        }
        this.keys = List.copyOf(states);
    }

    /**
     * Verifies, decrypts and parses one datagram's payload, {@code packet[offset, offset + length)}.
     *
     * @return the request, from the first client whose HMAC matches and whose key decrypts it
     * @throws SpaException with the reason and a description when the datagram is not a valid SPA packet
     *     for any configured client
     */
    public SpaMessage decode(byte[] packet, int offset, int length) throws SpaException {
        Objects.checkFromIndexSize(offset, length, packet.length);
        if (length < MIN_PACKET_LENGTH) {
            throw new SpaException(Reason.TOO_SHORT, "packet of " + length + " bytes is shorter than the "
                    + MIN_PACKET_LENGTH + " of the smallest fwknop SPA packet");
        }
        if (length > MAX_PACKET_LENGTH) {
            throw new SpaException(Reason.TOO_LONG, "packet of " + length + " bytes is longer than fwknop's limit of "
                    + MAX_PACKET_LENGTH);
        }
        for (int i = 0; i < length; i++) {
            if (!isBase64Char(packet[offset + i])) {
                throw new SpaException(Reason.BAD_ENCODING, "byte " + i + " (0x" + Integer.toHexString(packet[offset + i] & 0xff)
                        + ") is not a base64 character; fwknop sends unpadded base64 text");
            }
        }
        // fwknopd drops data that still carries the prefix: the client always strips it, and an attacker
        // could otherwise put it on a captured packet to make it look new to the replay cache.
        if (Arrays.equals(packet, offset, offset + SALTED_PREFIX.length, SALTED_PREFIX, 0, SALTED_PREFIX.length)) {
            throw new SpaException(Reason.BAD_ENCODING, "packet starts with the 'Salted__' marker that fwknop clients strip");
        }
        if (keys.isEmpty()) {
            throw new SpaException(Reason.NO_KEY, "no SPA client keys are configured");
        }

        List<KeyState> authentic = null;
        for (KeyState k : keys) {
            if (hmacMatches(k, packet, offset, length)) {
                if (authentic == null) {
                    authentic = new ArrayList<>(1);
                }
                authentic.add(k);
            }
        }
        if (authentic == null) {
            if (looksLikeGnupg(packet, offset, length)) {
                throw new SpaException(Reason.UNSUPPORTED,
                        "packet looks GnuPG-encrypted (fwknop --gpg-recipient-key); Portcullis accepts Rijndael keys only");
            }
            throw new SpaException(Reason.BAD_HMAC, "HMAC matches no configured client (unknown client, altered packet,"
                    + " a client without --use-hmac, or the wrong HMAC digest type)");
        }

        // Over the bytes as received: the HMAC covers every one of them, so no variant of a packet can
        // verify under another digest, while each new packet has fresh salt and random digits.
        sha256.update(packet, offset, length);
        byte[] replayDigest = sha256.digest();
        SpaException best = null;
        for (KeyState k : authentic) {
            try {
                return decrypt(k, packet, offset, length - k.hmacLength(), replayDigest);
            } catch (SpaException e) {
                // Several clients may share an HMAC key; report the failure that got furthest.
                if (best == null || e.reason().ordinal() > best.reason().ordinal()) {
                    best = e;
                }
            }
        }
        if (best.reason() == Reason.DECRYPT_FAILED && looksLikeGnupg(packet, offset, length)) {
            // A GnuPG client with an HMAC key gets past the HMAC; say why it cannot go further.
            throw new SpaException(Reason.UNSUPPORTED, "client '" + authentic.get(0).key().name()
                    + "' sent a GnuPG-encrypted packet; Portcullis accepts Rijndael keys only");
        }
        throw best;
    }

    private boolean hmacMatches(KeyState k, byte[] packet, int offset, int length) {
        int dataLength = length - k.hmacLength();
        k.mac().update(SALTED_PREFIX);
        k.mac().update(packet, offset, dataLength);
        byte[] expected = Base64.getEncoder().withoutPadding().encode(k.mac().doFinal());
        byte[] received = Arrays.copyOfRange(packet, offset + dataLength, offset + length);
        return MessageDigest.isEqual(expected, received); // constant time for equal lengths
    }

    private SpaMessage decrypt(KeyState k, byte[] packet, int offset, int textLength, byte[] replayDigest)
            throws SpaException {
        // The HMAC covered exactly this text, so it is the client's own base64 of "Salted__" + salt +
        // ciphertext once the stripped prefix is back in front.
        byte[] text = new byte[SALTED_PREFIX.length + textLength];
        System.arraycopy(SALTED_PREFIX, 0, text, 0, SALTED_PREFIX.length);
        System.arraycopy(packet, offset, text, SALTED_PREFIX.length, textLength);
        if (text.length % 4 == 1) {
            throw new SpaException(Reason.DECRYPT_FAILED, "client '" + k.key().name()
                    + "': the encrypted part has a length base64 cannot have");
        }
        byte[] raw = Base64.getDecoder().decode(text); // alphabet and length checked: cannot throw
        int cipherLength = raw.length - SALTED_MAGIC.length - SALT_LENGTH;
        if (!Arrays.equals(raw, 0, SALTED_MAGIC.length, SALTED_MAGIC, 0, SALTED_MAGIC.length)
                || cipherLength < BLOCK || cipherLength % BLOCK != 0) {
            throw new SpaException(Reason.DECRYPT_FAILED, "client '" + k.key().name()
                    + "': the encrypted part is not a salted whole number of AES blocks");
        }
        byte[] keyAndIv = deriveKeyAndIv(k.password(), raw, SALTED_MAGIC.length);
        SecretKeySpec aesKey = new SecretKeySpec(keyAndIv, 0, 32, "AES");
        IvParameterSpec iv = new IvParameterSpec(keyAndIv, 32, BLOCK);
        byte[] plain = new byte[cipherLength];
        int cipherOffset = SALTED_MAGIC.length + SALT_LENGTH;
        for (Mode m : Mode.values()) {
            int plainLength;
            try {
                Cipher c = ciphers[m.ordinal()];
                if (m == Mode.ECB) {
                    c.init(Cipher.DECRYPT_MODE, aesKey);
                } else {
                    c.init(Cipher.DECRYPT_MODE, aesKey, iv);
                }
                c.doFinal(raw, cipherOffset, cipherLength, plain, 0);
                plainLength = unpad(plain, cipherLength);
            } catch (GeneralSecurityException e) {
                throw new SpaException(Reason.DECRYPT_FAILED, "client '" + k.key().name() + "': AES " + m
                        + " failed: " + e.getMessage());
            }
            // A right key gives 16 random digits and a colon; a wrong key or mode gives noise.
            if (plainLength > SpaPlaintext.RANDOM_DIGITS && plain[SpaPlaintext.RANDOM_DIGITS] == ':'
                    && SpaPlaintext.allDigits(new String(plain, 0, SpaPlaintext.RANDOM_DIGITS, StandardCharsets.ISO_8859_1))) {
                return plaintext.parse(k.key().name(), plain, plainLength, replayDigest);
            }
        }
        throw new SpaException(Reason.DECRYPT_FAILED, "client '" + k.key().name()
                + "': the HMAC matched but the encryption key does not decrypt the packet (KEY_BASE64 differs from the client's)");
    }

    /**
     * OpenSSL's EVP_BytesToKey with MD5 and one round, as fwknop derives AES-256 key and IV: 48 bytes of
     * MD5(password + salt), MD5(previous + password + salt), ...
     */
    private byte[] deriveKeyAndIv(byte[] password, byte[] raw, int saltOffset) {
        byte[] out = new byte[48];
        byte[] previous = null;
        for (int done = 0; done < out.length; done += 16) {
            if (previous != null) {
                md5.update(previous);
            }
            md5.update(password);
            md5.update(raw, saltOffset, SALT_LENGTH);
            previous = md5.digest();
            System.arraycopy(previous, 0, out, done, 16);
        }
        return out;
    }

    /** Returns the length without the padding, or -1 when the padding is not what fwknop writes. */
    private static int unpad(byte[] plain, int length) {
        int pad = plain[length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK) {
            return -1;
        }
        int bad = 0;
        for (int i = length - pad; i < length; i++) {
            bad |= (plain[i] & 0xff) ^ pad;
        }
        return bad == 0 ? length - pad : -1;
    }

    /**
     * fwknop strips "hQ" from GnuPG output, the base64 start of an OpenPGP public-key encrypted session
     * key packet (old format, 2-byte length); put back, the fourth byte is that packet's version, 3.
     */
    private static boolean looksLikeGnupg(byte[] packet, int offset, int length) {
        if (length + 2 < MIN_GNUPG_LENGTH) {
            return false;
        }
        byte[] head = new byte[8];
        head[0] = 'h';
        head[1] = 'Q';
        System.arraycopy(packet, offset, head, 2, 6);
        byte[] bytes = Base64.getDecoder().decode(head);
        return (bytes[0] & 0xff) == 0x85 && bytes[3] == 3;
    }

    private static boolean isBase64Char(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/';
    }

    static boolean isBase64Text(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7f || !isBase64Char((byte) c)) {
                return false;
            }
        }
        return true;
    }
}
