package io.portcullis.guard.spa;

import io.portcullis.guard.spa.SpaException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads a decrypted SPA plaintext into an {@link SpaMessage}. Everything here runs only on data whose HMAC
 * already verified, so it guards against a buggy or hostile key holder, not against strangers: it is
 * strict about shape and limits (fwknop's own) and reports what was wrong.
 *
 * <p>Not thread-safe: it reuses its MessageDigest instances. {@link SpaDecoder} owns one.
 */
final class SpaPlaintext {

    // fwknop's field limits (fko_limits.h), applied to the text as it stands in the plaintext.
    static final int RANDOM_DIGITS = 16;
    private static final int MAX_USER_FIELD = 64;
    private static final int MAX_TIMESTAMP_FIELD = 12;
    private static final int MAX_VERSION_FIELD = 8;
    private static final int MAX_TYPE_FIELD = 2;
    private static final int MAX_MESSAGE_FIELD = 256;
    /** fwknop caps a client timeout at 2^16 seconds. */
    private static final int MAX_CLIENT_TIMEOUT = 1 << 16;
    /** The fields before the optional ones: random, user, timestamp, version, type, message. */
    private static final int FIXED_FIELDS = 6;

    private final MessageDigest md5;
    private final MessageDigest sha1;
    private final MessageDigest sha256;
    private final MessageDigest sha384;
    private final MessageDigest sha512;
    private final MessageDigest sha3256;
    private final MessageDigest sha3512;

    SpaPlaintext() {
        try {
            md5 = MessageDigest.getInstance("MD5");
            sha1 = MessageDigest.getInstance("SHA-1");
            sha256 = MessageDigest.getInstance("SHA-256");
            sha384 = MessageDigest.getInstance("SHA-384");
            sha512 = MessageDigest.getInstance("SHA-512");
            sha3256 = MessageDigest.getInstance("SHA3-256");
            sha3512 = MessageDigest.getInstance("SHA3-512");
        } catch (NoSuchAlgorithmException e) {
            // Every JDK since 9 ships all of these; a JDK without them cannot speak fwknop at all.
            throw new IllegalStateException("this JDK lacks a digest fwknop uses: " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code plain[0, length)}, which the decoder already checked starts with 16 digits and a colon.
     */
    SpaMessage parse(String keyName, byte[] plain, int length, byte[] replayDigest) throws SpaException {
        for (int i = 0; i < length; i++) {
            if (plain[i] < 0x20 || plain[i] > 0x7e) {
                throw fields("the plaintext has a non-printable byte at position " + i);
            }
        }
        String text = new String(plain, 0, length, StandardCharsets.US_ASCII);
        int cut = text.lastIndexOf(':');
        String body = text.substring(0, cut);
        verifyDigest(body, text.substring(cut + 1));

        String[] f = body.split(":", -1);
        if (f.length < FIXED_FIELDS) {
            throw fields("the plaintext has " + f.length + " fields before its digest; an SPA message has at least "
                    + FIXED_FIELDS);
        }
        if (f[0].length() != RANDOM_DIGITS || !allDigits(f[0])) {
            throw fields("the random field is not " + RANDOM_DIGITS + " digits");
        }
        String user = base64Text(f[1], MAX_USER_FIELD, "user name");
        long seconds = number(f[2], MAX_TIMESTAMP_FIELD, "timestamp");
        String version = f[3];
        if (version.isEmpty() || version.length() > MAX_VERSION_FIELD) {
            throw fields("the version field has " + version.length() + " characters (1 to " + MAX_VERSION_FIELD + " allowed)");
        }
        long type = number(f[4], MAX_TYPE_FIELD, "message type");
        if (type == 0) {
            throw new SpaException(Reason.UNSUPPORTED, "client '" + keyName
                    + "' sent a command message (fwknop -C); Portcullis opens ports, it never runs commands");
        }
        if (type > 6) {
            throw fields("message type " + type + " is not one fwknop defines (0 to 6)");
        }
        int messageType = (int) type;

        String request = base64Text(f[5], MAX_MESSAGE_FIELD, "access request");
        int comma = request.indexOf(',');
        if (comma < 0) {
            throw fields("the access request '" + clip(request) + "' has no ',' after the address");
        }
        String allow = request.substring(0, comma);
        if (!isIpv4(allow)) {
            throw fields("the access request's address '" + clip(allow) + "' is not a dotted IPv4 address");
        }
        List<SpaAccess> access = accessList(keyName, request.substring(comma + 1));

        int next = FIXED_FIELDS;
        String nat = null;
        if (SpaMessage.hasNatAccess(messageType)) {
            if (f.length <= next) {
                throw fields("message type " + messageType + " needs a NAT access field and has none");
            }
            nat = natAccess(base64Text(f[next], MAX_MESSAGE_FIELD, "NAT access"));
            next++;
        }
        // What follows is an optional server-auth field and, for the timeout types, the timeout last.
        // Server auth is an unused fwknop feature; it is checked for shape and otherwise ignored.
        int rest = f.length - next;
        OptionalInt timeout = OptionalInt.empty();
        if (SpaMessage.hasClientTimeout(messageType)) {
            if (rest < 1 || rest > 2) {
                throw fields("message type " + messageType + " needs a client timeout (and at most a server-auth field"
                        + " before it), but " + rest + " fields follow the request");
            }
            if (rest == 2) {
                base64Bytes(f[next], MAX_MESSAGE_FIELD, "server auth");
            }
            long t = number(f[f.length - 1], 6, "client timeout");
            if (t > MAX_CLIENT_TIMEOUT) {
                throw fields("client timeout " + t + " s is above fwknop's limit of " + MAX_CLIENT_TIMEOUT + " s");
            }
            timeout = OptionalInt.of((int) t);
        } else if (rest == 1) {
            base64Bytes(f[next], MAX_MESSAGE_FIELD, "server auth");
        } else if (rest != 0) {
            throw fields("message type " + messageType + " allows at most a server-auth field after the request, but "
                    + rest + " fields follow it");
        }
        try {
            return new SpaMessage(keyName, user, Instant.ofEpochSecond(seconds), version, messageType, allow, access,
                    timeout, nat, replayDigest);
        } catch (IllegalArgumentException e) {
            // Everything the record checks was checked above; this stays as a net so that a gap between the
            // two can only ever reject a packet, never escape the decoder's contract.
            throw fields(e.getMessage());
        }
    }

    private void verifyDigest(String body, String digest) throws SpaException {
        MessageDigest first;
        MessageDigest second = null;
        switch (digest.length()) {
            case 22 -> first = md5;
            case 27 -> first = sha1;
            case 43 -> { // SHA-256 and SHA3-256 have the same length; the client may use either (-m)
                first = sha256;
                second = sha3256;
            }
            case 64 -> first = sha384;
            case 86 -> {
                first = sha512;
                second = sha3512;
            }
            default -> throw fields("the digest field has " + digest.length()
                    + " characters, which fits no digest fwknop uses");
        }
        byte[] data = body.getBytes(StandardCharsets.US_ASCII);
        byte[] expected = digest.getBytes(StandardCharsets.US_ASCII);
        boolean ok = MessageDigest.isEqual(base64(first.digest(data)), expected);
        if (second != null) {
            ok |= MessageDigest.isEqual(base64(second.digest(data)), expected);
        }
        if (!ok) {
            throw new SpaException(Reason.BAD_DIGEST, "the digest inside the packet does not match its fields");
        }
    }

    private static byte[] base64(byte[] digest) {
        return Base64.getEncoder().withoutPadding().encode(digest);
    }

    private static List<SpaAccess> accessList(String keyName, String specs) throws SpaException {
        List<SpaAccess> out = new ArrayList<>();
        for (String spec : specs.split(",", -1)) {
            int slash = spec.indexOf('/');
            if (slash < 0) {
                throw fields("access item '" + clip(spec) + "' is not proto/port");
            }
            String proto = spec.substring(0, slash);
            String portText = spec.substring(slash + 1);
            if (proto.equals("icmp") || proto.equals("none")) {
                throw new SpaException(Reason.UNSUPPORTED, "client '" + keyName + "' asked for " + proto
                        + " access; Portcullis opens tcp and udp ports only");
            }
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                throw fields("access item '" + clip(spec) + "' has protocol '" + clip(proto) + "' (tcp or udp expected)");
            }
            long port = number(portText, 5, "port of access item '" + clip(spec) + "'");
            if (port < 1 || port > 65535) {
                throw fields("access item '" + clip(spec) + "' has port " + port + " (1-65535 expected)");
            }
            out.add(new SpaAccess(proto, (int) port));
        }
        return out;
    }

    /** fwknop sends NAT access as "host,port" (the client's {@code -N host:port}). */
    private static String natAccess(String nat) throws SpaException {
        int comma = nat.indexOf(',');
        if (comma < 1 || comma != nat.lastIndexOf(',')) {
            throw fields("the NAT access '" + clip(nat) + "' is not host,port");
        }
        long port = number(nat.substring(comma + 1), 5, "NAT access port");
        if (port < 1 || port > 65535) {
            throw fields("the NAT access port " + port + " is not 1-65535");
        }
        return nat;
    }

    /** Dotted-quad IPv4 text as inet_ntop writes it: four numbers 0-255 without leading zeros. */
    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !allDigits(p) || (p.length() > 1 && p.charAt(0) == '0')
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A base64 field that must decode to printable ASCII without spaces (names, addresses, ports). */
    private static String base64Text(String field, int maxLength, String what) throws SpaException {
        byte[] bytes = base64Bytes(field, maxLength, what);
        if (bytes.length == 0) {
            throw fields("the " + what + " field is empty");
        }
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7e) {
                throw fields("the " + what + " holds a byte that is not printable ASCII");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static byte[] base64Bytes(String field, int maxLength, String what) throws SpaException {
        if (field.isEmpty() || field.length() > maxLength) {
            throw fields("the " + what + " field has " + field.length() + " characters (1 to " + maxLength + " allowed)");
        }
        if (!SpaDecoder.isBase64Text(field) || field.length() % 4 == 1) {
            throw fields("the " + what + " field is not unpadded base64");
        }
        // Checked above: only alphabet characters and a length base64 can have, so this cannot throw.
        return Base64.getDecoder().decode(field);
    }

    private static long number(String field, int maxLength, String what) throws SpaException {
        if (field.isEmpty() || field.length() > maxLength || !allDigits(field)) {
            throw fields("the " + what + " '" + clip(field) + "' is not a number of 1 to " + maxLength + " digits");
        }
        return Long.parseLong(field);
    }

    static boolean allDigits(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static SpaException fields(String message) {
        return new SpaException(Reason.BAD_FIELDS, message);
    }
}
