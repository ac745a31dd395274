package dev.digitpad.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away certificate authority with server and client certificates, written as PEM files. */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** The PEM files of one certificate and its PKCS#8 private key. */
    public record Pem(Path certificate, Path privateKey) {}

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final X500Name caName;

    private TestCertificates(Path dir, String caCommonName)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        this.dir = dir;
        this.caKeys = keys();
        this.caName = new X500Name("CN=" + caCommonName);
        X509v3CertificateBuilder builder = builder(caName, caName, caKeys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.ca = sign(builder, caKeys);
        write(dir.resolve(caCommonName + "-ca.pem"), ca);
    }

    /** A new CA whose certificate is written to {@code dir}. */
    public static TestCertificates authority(Path dir, String name) throws Exception {
        return new TestCertificates(dir, name);
    }

    public Path caFile() {
        return dir.resolve(caName.toString().substring(3) + "-ca.pem");
    }

    /** A certificate for localhost and 127.0.0.1 with an EC key, signed by this CA. */
    public Pem server(String name) throws Exception {
        return server(name, "EC");
    }

    /** A certificate for localhost and 127.0.0.1 with a key of {@code keyAlgorithm} ("EC" or "RSA"), signed by this CA. */
    public Pem server(String name, String keyAlgorithm) throws Exception {
        return issue(name, keyAlgorithm, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
        }));
    }

    /** A client certificate, signed by this CA. */
    public Pem client(String name) throws Exception {
        return issue(name, "EC", null);
    }

    /** The PEM text of a file this class wrote. */
    public static String pem(Path file) throws IOException {
        return Files.readString(file);
    }

    private Pem issue(String name, String keyAlgorithm, GeneralNames altNames) throws Exception {
        KeyPair keys = keyAlgorithm.equals("RSA") ? rsaKeys() : keys();
        X509v3CertificateBuilder builder = builder(caName, new X500Name("CN=" + name), keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        X509Certificate certificate = sign(builder, caKeys);
        Pem pem = new Pem(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
        write(pem.certificate(), certificate);
        try (Writer out = Files.newBufferedWriter(pem.privateKey());
                JcaPEMWriter pemWriter = new JcaPEMWriter(out)) {
            pemWriter.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        return pem;
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static void write(Path file, Object pemObject) throws IOException {
        try (Writer out = Files.newBufferedWriter(file);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(pemObject);
        }
    }
}
