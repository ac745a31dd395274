package dev.digitpad.ui;

import dev.digitpad.client.VersionChoice;
import dev.digitpad.contract.ModelContract;

/**
 * Which server to ask: the embedded one, or a remote TensorFlow Serving compatible server.
 *
 * @param caFile a PEM file of CAs to trust with TLS, or blank for the system's
 * @param certificate a PEM client certificate for mutual TLS, or blank
 * @param privateKey the PEM private key of {@code certificate}, or blank
 * @param version which version of the model predicts: the latest, a number or a label
 */
public record ServerSettings(
        boolean embedded,
        String address,
        String model,
        String signature,
        boolean tls,
        String caFile,
        String certificate,
        String privateKey,
        VersionChoice version) {
    public static final ServerSettings EMBEDDED = new ServerSettings(
            true,
            "localhost:8500",
            ModelContract.DEFAULT_MODEL_NAME,
            ModelContract.DEFAULT_SIGNATURE,
            false,
            "",
            "",
            "",
            VersionChoice.LATEST);

    public ServerSettings {
        address = address == null ? "" : address.strip();
        model = model == null || model.isBlank() ? ModelContract.DEFAULT_MODEL_NAME : model.strip();
        signature = signature == null || signature.isBlank() ? ModelContract.DEFAULT_SIGNATURE : signature.strip();
        caFile = caFile == null ? "" : caFile.strip();
        certificate = certificate == null ? "" : certificate.strip();
        privateKey = privateKey == null ? "" : privateKey.strip();
        version = version == null ? VersionChoice.LATEST : version;
    }

    public ServerSettings withAddress(String newAddress) {
        return new ServerSettings(
                embedded, newAddress, model, signature, tls, caFile, certificate, privateKey, version);
    }

    public ServerSettings withVersion(VersionChoice newVersion) {
        return new ServerSettings(
                embedded, address, model, signature, tls, caFile, certificate, privateKey, newVersion);
    }

    /** Whether these settings and {@code other} ask the same server for the same model, whatever the version. */
    public boolean sameModel(ServerSettings other) {
        return withVersion(VersionChoice.LATEST).equals(other.withVersion(VersionChoice.LATEST));
    }

    /** How the server is named to people. */
    public String describe() {
        return embedded
                ? "embedded server"
                : address + (tls ? (certificate.isEmpty() ? " (TLS)" : " (mutual TLS)") : "");
    }
}
