package dev.digitpad.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to secure the connection: plaintext, TLS (trusting the system's CAs or a CA file), or mutual TLS
 * with a client certificate and key (PEM files).
 */
public record TlsOptions(
        boolean enabled, Optional<Path> caFile, Optional<Path> certificate, Optional<Path> privateKey) {

    public static final TlsOptions PLAINTEXT =
            new TlsOptions(false, Optional.empty(), Optional.empty(), Optional.empty());

    public TlsOptions {
        if (certificate.isPresent() != privateKey.isPresent()) {
            throw new IllegalArgumentException("Mutual TLS needs both a client certificate and its private key.");
        }
        if (!enabled && (caFile.isPresent() || certificate.isPresent())) {
            throw new IllegalArgumentException("A CA file or client certificate was given, but TLS is off.");
        }
        for (Optional<Path> file : java.util.List.of(caFile, certificate, privateKey)) {
            file.ifPresent(TlsOptions::requireReadable);
        }
    }

    public static TlsOptions tls(Optional<Path> caFile) {
        return new TlsOptions(true, caFile, Optional.empty(), Optional.empty());
    }

    public static TlsOptions mutual(Optional<Path> caFile, Path certificate, Path privateKey) {
        return new TlsOptions(true, caFile, Optional.of(certificate), Optional.of(privateKey));
    }

    private static void requireReadable(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("Cannot read " + file + "; check the path and its permissions.");
        }
    }
}
