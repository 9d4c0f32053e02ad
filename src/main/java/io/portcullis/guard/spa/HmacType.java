package io.portcullis.guard.spa;

import java.util.Locale;
import java.util.Optional;

/** The HMAC digests the fwknop client offers ({@code --hmac-digest-type}), by fwknop's names. */
enum HmacType {
    MD5("md5", "HmacMD5", 16),
    SHA1("sha1", "HmacSHA1", 20),
    SHA256("sha256", "HmacSHA256", 32),
    SHA384("sha384", "HmacSHA384", 48),
    SHA512("sha512", "HmacSHA512", 64),
    SHA3_256("sha3_256", "HmacSHA3-256", 32),
    SHA3_512("sha3_512", "HmacSHA3-512", 64);

    final String fwknopName;
    final String jdkAlgorithm;
    /** Length of the HMAC as it travels: base64 with the '=' padding stripped, as fwknop sends it. */
    final int base64Length;

    HmacType(String fwknopName, String jdkAlgorithm, int bytes) {
        this.fwknopName = fwknopName;
        this.jdkAlgorithm = jdkAlgorithm;
        this.base64Length = (bytes * 8 + 5) / 6;
    }

    static Optional<HmacType> byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (HmacType t : values()) {
            if (t.fwknopName.equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    static String names() {
        StringBuilder sb = new StringBuilder();
        for (HmacType t : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t.fwknopName);
        }
        return sb.toString();
    }
}
