package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TextFormat;
import dev.digitpad.client.Channels;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.SSLConfig;
import dev.digitpad.testing.GrpcAssertions;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestCertificates;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/digitpad serve} with TensorFlow Serving's {@code --ssl_config_file} (mutual TLS) and
 * {@code --monitoring_config_file}, called over real sockets as a user would.
 */
class ServeSecurityIT {
    @TempDir
    Path work;

    @Test
    void mutualTlsOnGrpcAndPrometheusOnRest() throws Exception {
        Path base = work.resolve("models/mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        TestCertificates ca = TestCertificates.authority(work, "it-ca");
        TestCertificates.Pem serverCert = ca.server("it-server");
        TestCertificates.Pem clientCert = ca.client("it-client");
        Path ssl = Files.writeString(
                work.resolve("ssl.config"),
                TextFormat.printer()
                        .printToString(SSLConfig.newBuilder()
                                .setServerKey(TestCertificates.pem(serverCert.privateKey()))
                                .setServerCert(TestCertificates.pem(serverCert.certificate()))
                                .setCustomCa(TestCertificates.pem(ca.caFile()))
                                .setClientVerify(true)
                                .build()));
        Path monitoring = Files.writeString(
                work.resolve("monitoring.config"),
                "prometheus_config {\n  enable: true,\n  path: \"/monitoring/prometheus/metrics\"\n}\n");
        TlsOptions mutual =
                TlsOptions.mutual(Optional.of(ca.caFile()), clientCert.certificate(), clientCert.privateKey());

        try (ServedProcess server = ServedProcess.start(
                work,
                Map.of(),
                "--model_name=mnist",
                "--model_base_path=" + base,
                "--ssl_config_file=" + ssl,
                "--monitoring_config_file",
                monitoring.toString())) {
            ServerAddress address = ServerAddress.parse("localhost:" + server.grpcPort);
            server.awaitServing(Duration.ofSeconds(60), Channels.open(address, mutual));

            ManagedChannel channel = server.own(Channels.open(address, mutual));
            ManagedChannel plaintext = server.channel();
            float[] image = TestModels.imageWithRow(5, 2f);
            float[] answer = Tensors.floats(PredictionServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(Tensors.predictImages("mnist", image))
                    .getOutputsOrThrow("dense"));
            assertThat(answer).hasSize(TestModels.CLASSES);
            Status refused = GrpcAssertions.statusOf(() -> PredictionServiceGrpc.newBlockingStub(plaintext)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(Tensors.predictImages("mnist", image)));
            assertThat(refused.getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL);

            HttpResponse<String> scrape = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + server.restPort + "/monitoring/prometheus/metrics"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains(":tensorflow:serving:request_count{model_name=\"mnist\",status=\"OK\"} 1\n")
                    .contains(
                            ":tensorflow:serving:request_latency_count{model_name=\"mnist\",API=\"Predict\",entrypoint=\"GRPC\"} 1\n")
                    .contains(":tensorflow:cc:saved_model:load_attempt_count{model_path=\"" + base.resolve("1")
                            + "\",status=\"success\"} 1\n");
            assertThat(server.log())
                    .contains("gRPC API listening on 127.0.0.1:" + server.grpcPort
                            + ", mutual TLS: clients need a certificate signed by CN=it-ca")
                    .contains("Prometheus metrics at http://127.0.0.1:" + server.restPort
                            + "/monitoring/prometheus/metrics");
            assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
