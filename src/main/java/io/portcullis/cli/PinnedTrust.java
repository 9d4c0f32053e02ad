package io.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in exactly one certificate, named by its SHA-256 fingerprint. The gateway's admin certificate is
 * usually self-signed, so no certificate authority vouches for it; the fingerprint it prints at start does
 * instead, as with SSH host keys. The certificate's names and dates are not checked: the pin already says
 * which certificate this is, and a self-signed one names whatever host it was made on.
 *
 * <p>The fingerprint the server actually showed is kept, so a mismatch can be reported with both values.
 */
final class PinnedTrust extends X509ExtendedTrustManager {

    /** The password and alias of the gateway's self-signed identity; see io.portcullis.admin.api.TlsIdentity. */
    private static final char[] STORE_PASSWORD = "portcullis-admin".toCharArray();
    private static final String FILE = "admin-tls.p12";

    private final String expected;
    private volatile String seen;

    PinnedTrust(String expected) {
        this.expected = expected;
    }

    /** A TLS context that trusts only the pinned certificate. */
    SSLContext context() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {this}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this Java: " + e.getMessage(), e);
        }
    }

    /** The pinned fingerprint. */
    String expected() {
        return expected;
    }

    /** The fingerprint the server showed, when it differed from the pinned one. */
    Optional<String> mismatch() {
        return seen == null || seen.equals(expected) ? Optional.empty() : Optional.of(seen);
    }

    /** SHA-256 over the DER encoding, upper-case hex with colons, as the gateway prints it. */
    static String fingerprint(Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The fingerprint of the self-signed certificate the gateway keeps in {@code dataDir}, when this user may
     * read it: on the gateway's own host this saves copying the fingerprint by hand.
     */
    static Optional<String> localFingerprint(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, STORE_PASSWORD);
            Certificate cert = ks.getCertificate("admin");
            return cert == null ? Optional.empty() : Optional.of(fingerprint(cert));
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server showed no certificate");
        }
        seen = fingerprint(chain[0]);
        if (!seen.equals(expected)) {
            throw new CertificateException("certificate fingerprint " + seen + " is not the pinned " + expected);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager is for a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager is for a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this trust manager is for a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
