package dev.digitpad.server;

import dev.digitpad.protocol.serving.SSLConfig;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for the gRPC port, from TensorFlow Serving's SSLConfig: the server's key and certificate and, with
 * {@code client_verify}, mutual TLS where every client must show a certificate signed by {@code custom_ca}.
 * Everything is checked when the server starts (the PEM texts parse, the key belongs to the certificate,
 * client verification has a CA), so a mistake stops the server with a message instead of failing handshakes.
 */
public final class GrpcTls {
    private static final Logger log = LoggerFactory.getLogger(GrpcTls.class);
    static final String FLAG = "--ssl_config_file";
    private static final String EXAMPLE = "server_key: \"-----BEGIN PRIVATE KEY-----\\n...\" server_cert: \"-----BEGIN"
            + " CERTIFICATE-----\\n...\" custom_ca: \"...\" client_verify: true";
    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private final SslContext sslContext;
    private final boolean clientVerify;
    private final String summary;

    private GrpcTls(SslContext sslContext, boolean clientVerify, String summary) {
        this.sslContext = sslContext;
        this.clientVerify = clientVerify;
        this.summary = summary;
    }

    /** Reads and checks the text-format SSLConfig in {@code file}, as {@code --ssl_config_file} gives it. */
    public static GrpcTls fromFile(Path file) {
        return from(ConfigFiles.read(file, FLAG, SSLConfig.getDefaultInstance(), EXAMPLE), FLAG + "=" + file);
    }

    /**
     * Checks {@code config} and builds the server's TLS context from it.
     *
     * @param source where the config came from, to start every error message with
     */
    public static GrpcTls from(SSLConfig config, String source) {
        if (config.getServerCert().isBlank() || config.getServerKey().isBlank()) {
            throw new ConfigFileException(
                    source + ": " + (config.getServerCert().isBlank() ? "server_cert" : "server_key")
                            + " is empty. TLS needs both server_key (the private key, PEM) and server_cert (its certificate, PEM).");
        }
        if (config.getClientVerify() && config.getCustomCa().isBlank()) {
            throw new ConfigFileException(
                    source + ": client_verify is true but custom_ca is empty, so no client certificate"
                            + " could ever be trusted. Put the PEM certificate of the CA that signs your clients' certificates in"
                            + " custom_ca, or set client_verify: false.");
        }
        List<X509Certificate> chain = certificates(config.getServerCert(), "server_cert", source);
        X509Certificate leaf = chain.get(0);
        PrivateKey key = privateKey(config.getServerKey(), leaf.getPublicKey(), source);
        requireMatch(key, leaf.getPublicKey(), source);
        warnIfNotValidNow(leaf, source);
        List<X509Certificate> cas =
                config.getCustomCa().isBlank() ? List.of() : certificates(config.getCustomCa(), "custom_ca", source);
        if (!config.getClientVerify() && !cas.isEmpty()) {
            log.warn(
                    "{}: custom_ca is set but client_verify is false, so clients are not asked for certificates."
                            + " Set client_verify: true for mutual TLS.",
                    source);
        }
        SslContextBuilder builder =
                GrpcSslContexts.configure(SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)));
        if (config.getClientVerify()) {
            builder.trustManager(cas.toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE);
        } else {
            builder.clientAuth(ClientAuth.NONE);
        }
        try {
            SslContext context = builder.build();
            String summary = config.getClientVerify()
                    ? "mutual TLS: clients need a certificate signed by " + subjects(cas)
                    : "TLS (certificate " + leaf.getSubjectX500Principal().getName() + ")";
            return new GrpcTls(context, config.getClientVerify(), summary);
        } catch (SSLException | RuntimeException e) {
            throw new ConfigFileException(
                    source + ": the TLS library refused the key and certificates: " + e.getMessage()
                            + ". Check that server_key, server_cert and custom_ca are the PEM files you meant.",
                    e);
        }
    }

    /** The Netty TLS context for the gRPC server. */
    SslContext sslContext() {
        return sslContext;
    }

    /** Whether clients must present a certificate (mutual TLS). */
    public boolean clientVerify() {
        return clientVerify;
    }

    @Override
    public String toString() {
        return summary;
    }

    private static List<X509Certificate> certificates(String pem, String field, String source) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new ConfigFileException(
                    source + ": " + field + " is not a PEM certificate (" + e.getMessage() + ")."
                            + " Paste the whole file, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, with \\n for"
                            + " its line breaks.",
                    e);
        }
        if (out.isEmpty()) {
            throw new ConfigFileException(
                    source + ": " + field + " holds no certificate. Paste the whole PEM file, from"
                            + " -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, with \\n for its line breaks.");
        }
        return out;
    }

    private static PrivateKey privateKey(String pem, PublicKey certificateKey, String source) {
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new ConfigFileException(
                    source + ": server_key is encrypted, and the server has no way to ask for its"
                            + " password. Decrypt it (openssl pkcs8 -in key.pem -out key-plain.pem) and keep that file private.");
        }
        Matcher legacy =
                Pattern.compile("-----BEGIN (RSA|EC|DSA) PRIVATE KEY-----").matcher(pem);
        if (legacy.find()) {
            throw new ConfigFileException(source + ": server_key is an OpenSSL \"" + legacy.group(1) + " PRIVATE KEY\";"
                    + " the server reads PKCS#8 keys (\"BEGIN PRIVATE KEY\"). Convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem and use that.");
        }
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new ConfigFileException(
                    source + ": server_key holds no PEM private key. Paste the whole key file, from"
                            + " -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----, with \\n for its line breaks.");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            return KeyFactory.getInstance(certificateKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigFileException(
                    source + ": server_key is not a usable " + certificateKey.getAlgorithm()
                            + " private key, which is what server_cert needs (" + e.getMessage()
                            + "). Either the key is damaged, or"
                            + " it belongs to another certificate: use the key the certificate was issued for.",
                    e);
        }
    }

    /** Signs a random challenge with the key and checks it with the certificate's public key. */
    private static void requireMatch(PrivateKey key, PublicKey certificateKey, String source) {
        String algorithm = switch (certificateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null; // e.g. RSASSA-PSS; the TLS handshake itself is the check then
        };
        if (algorithm == null) {
            return;
        }
        boolean matches;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new ConfigFileException(
                    source + ": server_key does not belong to server_cert (the certificate was issued"
                            + " for another key). Use the private key that the certificate was made for, or a certificate for"
                            + " this key.");
        }
    }

    private static void warnIfNotValidNow(X509Certificate certificate, String source) {
        Date now = new Date();
        if (now.after(certificate.getNotAfter())) {
            log.warn(
                    "{}: server_cert expired on {}; clients will refuse the connection until it is renewed",
                    source,
                    certificate.getNotAfter().toInstant());
        } else if (now.before(certificate.getNotBefore())) {
            log.warn(
                    "{}: server_cert is valid only from {}; until then clients will refuse the connection",
                    source,
                    certificate.getNotBefore().toInstant());
        }
    }

    private static String subjects(List<X509Certificate> cas) {
        return String.join(
                " or ",
                cas.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
    }
}
