package dev.digitpad.ui;

import dev.digitpad.contract.ModelContract;

/**
 * Which server to ask: the embedded one, or a remote TensorFlow Serving compatible server.
 *
 * @param caFile a PEM file of CAs to trust with TLS, or blank for the system's
 * @param certificate a PEM client certificate for mutual TLS, or blank
 * @param privateKey the PEM private key of {@code certificate}, or blank
 */
public record ServerSettings(
        boolean embedded,
        String address,
        String model,
        String signature,
        boolean tls,
        String caFile,
        String certificate,
        String privateKey) {
    public static final ServerSettings EMBEDDED = new ServerSettings(
            true,
            "localhost:8500",
            ModelContract.DEFAULT_MODEL_NAME,
            ModelContract.DEFAULT_SIGNATURE,
            false,
            "",
            "",
            "");

    public ServerSettings {
        address = address == null ? "" : address.strip();
        model = model == null || model.isBlank() ? ModelContract.DEFAULT_MODEL_NAME : model.strip();
        signature = signature == null || signature.isBlank() ? ModelContract.DEFAULT_SIGNATURE : signature.strip();
        caFile = caFile == null ? "" : caFile.strip();
        certificate = certificate == null ? "" : certificate.strip();
        privateKey = privateKey == null ? "" : privateKey.strip();
    }

    public ServerSettings withAddress(String newAddress) {
        return new ServerSettings(embedded, newAddress, model, signature, tls, caFile, certificate, privateKey);
    }

    /** How the server is named to people. */
    public String describe() {
        return embedded
                ? "embedded server"
                : address + (tls ? (certificate.isEmpty() ? " (TLS)" : " (mutual TLS)") : "");
    }
}
