package io.portcullis.admin.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate and key the admin listener shows. A user who configured none still gets TLS: a
 * self-signed certificate is made on first start, kept in the data directory (so its fingerprint stays
 * the same across restarts) and its SHA-256 fingerprint printed, for the user to compare with what the
 * browser shows.
 */
public final class TlsIdentity {

    static final String SELF_SIGNED_FILE = "admin-tls.p12";
    // The file is 0600 in a 0700 directory; PKCS#12 needs some password, and this one guards nothing more.
    private static final char[] STORE_PASSWORD = "portcullis-admin".toCharArray();

    private final KeyStore keyStore;
    private final X509Certificate certificate;
    private final boolean selfSigned;

    private TlsIdentity(KeyStore keyStore, X509Certificate certificate, boolean selfSigned) {
        this.keyStore = keyStore;
        this.certificate = certificate;
        this.selfSigned = selfSigned;
    }

    /** The self-signed identity in {@code dataDir}, made now when there is none yet. */
    public static TlsIdentity selfSigned(Path dataDir, List<String> names) throws IOException {
        Path file = dataDir.resolve(SELF_SIGNED_FILE);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, STORE_PASSWORD);
                }
                return new TlsIdentity(ks, (X509Certificate) ks.getCertificate("admin"), true);
            }
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = gen.generateKeyPair();
            X509Certificate cert = makeCertificate(pair, names);
            ks.load(null, null);
            ks.setKeyEntry("admin", pair.getPrivate(), STORE_PASSWORD, new Certificate[] {cert});
            Path tmp = Files.createTempFile(dataDir, SELF_SIGNED_FILE, ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not POSIX: the directory's own permissions are all there is
                }
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    ks.store(out, STORE_PASSWORD);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new TlsIdentity(ks, cert, true);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make or read the admin listener's certificate " + file + ": " + e.getMessage()
                    + " (delete the file to make a new one)", e);
        }
    }

    /** The user's own certificate chain and key, both PEM. */
    public static TlsIdentity fromPem(Path certificateFile, Path keyFile) throws IOException {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<Certificate> chain = new ArrayList<>();
            try (InputStream in = Files.newInputStream(certificateFile)) {
                chain.addAll(cf.generateCertificates(in));
            }
            if (chain.isEmpty()) {
                throw new IOException("no certificate in " + certificateFile + " (expected: PEM, -----BEGIN CERTIFICATE-----)");
            }
            PrivateKey key = readKey(keyFile);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("admin", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
            return new TlsIdentity(ks, (X509Certificate) chain.get(0), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certificateFile + " with " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path keyFile) throws IOException {
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.UTF_8); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IOException("no unencrypted private key in " + keyFile
                    + " (expected: PEM, -----BEGIN PRIVATE KEY----- or -----BEGIN EC/RSA PRIVATE KEY-----)");
        }
    }

    private static X509Certificate makeCertificate(KeyPair pair, List<String> names) throws GeneralSecurityException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=Portcullis admin (self-signed)");
        BigInteger serial = new BigInteger(127, new SecureRandom());
        var builder = new JcaX509v3CertificateBuilder(subject, serial, Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(looksLikeAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        try {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static boolean looksLikeAddress(String n) {
        if (!n.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(n);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** An SSL context serving this identity, for the listener. */
    public SSLContext sslContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, STORE_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for the admin listener: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public boolean isSelfSigned() {
        return selfSigned;
    }

    /** SHA-256 of the certificate, as browsers show it: upper-case hex pairs joined by colons. */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d).toUpperCase(Locale.ROOT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
