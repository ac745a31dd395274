package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.TextFormat;
import dev.digitpad.client.Channels;
import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.SSLConfig;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestCertificates;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the gRPC port over real loopback sockets, configured the way TensorFlow Serving's
 * {@code --ssl_config_file} is, with certificates made for each run; and the start-up errors of bad files.
 */
class GrpcTlsTest {
    @TempDir
    static Path dir;

    static ModelManager models;
    static TestCertificates ca;
    static TestCertificates otherCa;
    static TestCertificates.Pem serverCert;
    static TestCertificates.Pem clientCert;
    static TestCertificates.Pem strangerCert;

    private final List<ModelServer> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        TestModels.writeVersion(dir.resolve("mnist"), 1, TestModels.Kind.MNIST);
        models = TestModels.loaded(new ModelManager.ModelConfig("mnist", dir.resolve("mnist")));
        ca = TestCertificates.authority(dir, "digitpad-test");
        otherCa = TestCertificates.authority(dir, "someone-else");
        serverCert = ca.server("server");
        clientCert = ca.client("client");
        strangerCert = otherCa.client("stranger");
    }

    @AfterAll
    static void closeModels() {
        if (models != null) {
            models.close();
        }
    }

    @AfterEach
    void stop() {
        channels.forEach(c -> Channels.close(c, 5));
        servers.forEach(ModelServer::close);
    }

    static SSLConfig config(TestCertificates.Pem server, Path customCa, boolean clientVerify) throws Exception {
        SSLConfig.Builder config = SSLConfig.newBuilder()
                .setServerKey(TestCertificates.pem(server.privateKey()))
                .setServerCert(TestCertificates.pem(server.certificate()))
                .setClientVerify(clientVerify);
        if (customCa != null) {
            config.setCustomCa(TestCertificates.pem(customCa));
        }
        return config.build();
    }

    /** Writes {@code config} as TensorFlow Serving's text format, the way a user writes the file. */
    static Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private ServerAddress start(SSLConfig config) throws Exception {
        Path file =
                write("ssl-" + servers.size() + ".conf", TextFormat.printer().printToString(config));
        ModelServer server = ModelServer.start(
                new ServingCore(models),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        0,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(10),
                        Optional.of(GrpcTls.fromFile(file)),
                        Optional.empty()));
        servers.add(server);
        return ServerAddress.parse("localhost:" + server.grpcPort());
    }

    private Prediction predict(ServerAddress address, TlsOptions tls) {
        ManagedChannel channel = Channels.open(address, tls);
        channels.add(channel);
        return new PredictionClient(channel, "localhost", PredictionClient.Options.model("mnist"), new MetadataCache())
                .predict(TestModels.imageWithRow(3, 2f));
    }

    /** The status of a raw Predict call, as any TensorFlow Serving client would make it. */
    private Status rawCallStatus(ServerAddress address, TlsOptions tls) {
        ManagedChannel channel = Channels.open(address, tls);
        channels.add(channel);
        return statusOf(() -> PredictionServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(Tensors.predictImages("mnist", TestModels.imageWithRow(3, 2f))));
    }

    @Test
    void aClientThatTrustsTheCaIsAnsweredOverTls() throws Exception {
        ServerAddress address = start(config(serverCert, null, false));

        assertThat(predict(address, TlsOptions.tls(Optional.of(ca.caFile()))).digit())
                .isEqualTo(3);
    }

    @Test
    void anRsaServerKeyWorksToo() throws Exception {
        ServerAddress address = start(config(ca.server("rsa-server", "RSA"), null, false));

        assertThat(predict(address, TlsOptions.tls(Optional.of(ca.caFile()))).digit())
                .isEqualTo(3);
    }

    @Test
    void aPlaintextClientGetsNoAnswerFromATlsPort() throws Exception {
        ServerAddress address = start(config(serverCert, null, false));

        Status status = rawCallStatus(address, TlsOptions.PLAINTEXT);

        assertThat(status.getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL);
    }

    @Test
    void aClientThatDoesNotTrustTheServersCaRefusesIt() throws Exception {
        ServerAddress address = start(config(serverCert, null, false));

        Status status = rawCallStatus(address, TlsOptions.tls(Optional.of(otherCa.caFile())));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void withClientVerifyAClientWithACertificateFromTheCustomCaIsAnswered() throws Exception {
        ServerAddress address = start(config(serverCert, ca.caFile(), true));

        Prediction p = predict(
                address,
                TlsOptions.mutual(Optional.of(ca.caFile()), clientCert.certificate(), clientCert.privateKey()));

        assertThat(p.digit()).isEqualTo(3);
    }

    @Test
    void withClientVerifyAClientWithoutACertificateIsRefused() throws Exception {
        ServerAddress address = start(config(serverCert, ca.caFile(), true));

        Status status = rawCallStatus(address, TlsOptions.tls(Optional.of(ca.caFile())));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void withClientVerifyAClientWithACertificateFromAnotherCaIsRefused() throws Exception {
        ServerAddress address = start(config(serverCert, ca.caFile(), true));

        Status status = rawCallStatus(
                address,
                TlsOptions.mutual(Optional.of(ca.caFile()), strangerCert.certificate(), strangerCert.privateKey()));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        // The same client is answered once the server trusts its CA: the refusal was about the certificate.
        ServerAddress trusting = start(config(serverCert, otherCa.caFile(), true));
        Prediction p = predict(
                trusting,
                TlsOptions.mutual(Optional.of(ca.caFile()), strangerCert.certificate(), strangerCert.privateKey()));
        assertThat(p.digit()).isEqualTo(3);
    }

    private static ConfigFileException startUpError(Path file) {
        ConfigFileException e = catchThrowableOfType(ConfigFileException.class, () -> GrpcTls.fromFile(file));
        assertThat(e).as("the file %s is refused", file).isNotNull();
        assertThat(e.getMessage()).startsWith("--ssl_config_file=" + file + ": ");
        return e;
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("no-such-ssl.conf");

        assertThat(startUpError(missing)).hasMessageContaining("does not exist").hasMessageContaining("Check the path");
    }

    @Test
    void aFileThatIsNotTextFormatSaysWhereAndShowsTheForm() throws Exception {
        Path file = write("typo.conf", "server_key: \"x\"\nserver_certificate: \"y\"\n");

        assertThat(startUpError(file))
                .hasMessageContaining("line 2, column 1")
                .hasMessageContaining("server_certificate")
                .hasMessageContaining("protobuf text format for tensorflow.serving.SSLConfig")
                .hasMessageContaining("server_cert: \"-----BEGIN CERTIFICATE-----");
    }

    @Test
    void aKeyThatBelongsToAnotherCertificateIsRefused() throws Exception {
        TestCertificates.Pem other = ca.server("other-server");
        SSLConfig mismatched = config(serverCert, null, false).toBuilder()
                .setServerKey(TestCertificates.pem(other.privateKey()))
                .build();
        Path file = write("mismatch.conf", TextFormat.printer().printToString(mismatched));

        assertThat(startUpError(file))
                .hasMessageContaining("server_key does not belong to server_cert")
                .hasMessageContaining("Use the private key that the certificate was made for");
    }

    @Test
    void aKeyOfAnotherAlgorithmThanTheCertificateIsRefused() throws Exception {
        TestCertificates.Pem rsa = ca.server("rsa-other", "RSA");
        SSLConfig mismatched = config(serverCert, null, false).toBuilder()
                .setServerKey(TestCertificates.pem(rsa.privateKey()))
                .build();
        Path file = write("algorithm.conf", TextFormat.printer().printToString(mismatched));

        assertThat(startUpError(file))
                .hasMessageContaining("server_key is not a usable EC private key")
                .hasMessageContaining("belongs to another certificate");
    }

    @Test
    void clientVerifyWithoutACustomCaIsRefused() throws Exception {
        Path file = write("no-ca.conf", TextFormat.printer().printToString(config(serverCert, null, true)));

        assertThat(startUpError(file))
                .hasMessageContaining("client_verify is true but custom_ca is empty")
                .hasMessageContaining("or set client_verify: false");
    }

    @Test
    void anEmptyCertificateOrKeyIsNamed() throws Exception {
        SSLConfig noCert =
                config(serverCert, null, false).toBuilder().clearServerCert().build();
        SSLConfig noKey =
                config(serverCert, null, false).toBuilder().clearServerKey().build();

        assertThat(startUpError(write("no-cert.conf", TextFormat.printer().printToString(noCert))))
                .hasMessageContaining("server_cert is empty");
        assertThat(startUpError(write("no-key.conf", TextFormat.printer().printToString(noKey))))
                .hasMessageContaining("server_key is empty");
    }

    @Test
    void aCertificateThatIsNotPemIsNamed() throws Exception {
        SSLConfig garbage = config(serverCert, null, false).toBuilder()
                .setServerCert("not a certificate")
                .build();

        assertThat(startUpError(write("garbage-cert.conf", TextFormat.printer().printToString(garbage))))
                .hasMessageContaining("server_cert")
                .hasMessageContaining("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void anOpenSslTraditionalKeySaysHowToConvertIt() throws Exception {
        String pkcs8 = TestCertificates.pem(serverCert.privateKey());
        SSLConfig traditional = config(serverCert, null, false).toBuilder()
                .setServerKey(pkcs8.replace("BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY")
                        .replace("END PRIVATE KEY", "END EC PRIVATE KEY"))
                .build();

        assertThat(startUpError(write("traditional.conf", TextFormat.printer().printToString(traditional))))
                .hasMessageContaining("\"EC PRIVATE KEY\"")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aCustomCaThatIsNotACertificateIsNamed() throws Exception {
        SSLConfig badCa = config(serverCert, null, true).toBuilder()
                .setCustomCa("-----BEGIN CERTIFICATE-----\nAAAA\n" + "-----END CERTIFICATE-----\n")
                .build();

        assertThat(startUpError(write("bad-ca.conf", TextFormat.printer().printToString(badCa))))
                .hasMessageContaining("custom_ca is not a PEM certificate");
    }
}
