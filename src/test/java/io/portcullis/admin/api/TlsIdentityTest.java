package io.portcullis.admin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {

    @TempDir
    Path dir;

    @Test
    void theSelfSignedCertificateIsMadeOnceAndKeptAcrossStarts() throws IOException {
        TlsIdentity first = TlsIdentity.selfSigned(dir, List.of("localhost", "127.0.0.1", "::1"));
        TlsIdentity again = TlsIdentity.selfSigned(dir, List.of("localhost"));
        assertThat(first.isSelfSigned()).isTrue();
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(first.certificate().getSubjectX500Principal().getName()).contains("Portcullis");
        assertThat(Files.getPosixFilePermissions(dir.resolve(TlsIdentity.SELF_SIGNED_FILE)).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(first.sslContext()).isNotNull();
    }

    @Test
    void aConfiguredPemCertificateAndKeyAreServed() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=gateway.example");
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.TEN, new Date(), new Date(System.currentTimeMillis() + 86_400_000L), name, pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Path crt = dir.resolve("admin.crt");
        Path key = dir.resolve("admin.key");
        Files.writeString(crt, pem(cert));
        Files.writeString(key, pem(pair.getPrivate()));
        TlsIdentity id = TlsIdentity.fromPem(crt, key);
        assertThat(id.isSelfSigned()).isFalse();
        assertThat(id.certificate()).isEqualTo(cert);
        assertThat(id.sslContext()).isNotNull();

        Files.writeString(key, "not a key");
        assertThatThrownBy(() -> TlsIdentity.fromPem(crt, key)).isInstanceOf(IOException.class).hasMessageContaining("admin.key");
        Files.writeString(crt, "");
        assertThatThrownBy(() -> TlsIdentity.fromPem(crt, key)).isInstanceOf(IOException.class).hasMessageContaining("no certificate");
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }
}
