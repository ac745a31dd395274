package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/digitpad serve --enable_batching --batching_parameters_file=...} as a user runs it. */
class ServeBatchingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void servesGrpcAndRestWithBatchingOn() throws Exception {
        Path base = work.resolve("models/mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        Path parameters = work.resolve("batching.txt");
        Files.writeString(parameters, """
                max_batch_size { value: 4 }
                batch_timeout_micros { value: 2000 }
                max_enqueued_batches { value: 20 }
                num_batch_threads { value: 2 }
                """);
        try (ServedProcess server = ServedProcess.start(
                work,
                Map.of(),
                "--model_name=mnist",
                "--model_base_path=" + base,
                "--enable_batching",
                "--batching_parameters_file=" + parameters)) {
            server.awaitServing(Duration.ofSeconds(60));
            float[] image = TestModels.imageWithRow(3, 1.25f);
            double[] expected = TestModels.expectedProbabilities(image, 1);

            ManagedChannel channel = server.channel();
            PredictResponse grpc = PredictionServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predict(Tensors.predictImages("mnist", image, image));
            float[] both = Tensors.floats(grpc.getOutputsOrThrow("dense"));
            for (int k = 0; k < TestModels.CLASSES; k++) {
                assertThat((double) both[k]).isCloseTo(expected[k], within(1e-5));
                assertThat((double) both[TestModels.CLASSES + k]).isCloseTo(expected[k], within(1e-5));
            }

            StringBuilder rows = new StringBuilder("[");
            for (int y = 0; y < TestModels.SIDE; y++) {
                rows.append(y == 0 ? "[" : ",[");
                for (int x = 0; x < TestModels.SIDE; x++) {
                    rows.append(x == 0 ? "[" : ",[")
                            .append(image[y * TestModels.SIDE + x])
                            .append(']');
                }
                rows.append(']');
            }
            rows.append(']');
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> rest = http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + server.restPort + "/v1/models/mnist:predict"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [" + rows + "]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
                JsonNode p = JSON.readTree(rest.body()).get("predictions").get(0);
                for (int k = 0; k < TestModels.CLASSES; k++) {
                    assertThat(p.get(k).asDouble()).isCloseTo(expected[k], within(1e-5));
                }
            }
            assertThat(server.log())
                    .contains("Batching is on: max_batch_size=4, batch_timeout_micros=2000,"
                            + " max_enqueued_batches=20, num_batch_threads=2");
            assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aBadParametersFileStopsTheStartWithItsNameAndField() throws Exception {
        Path parameters = work.resolve("bad-batching.txt");
        Files.writeString(parameters, "max_batch_size { value: 32 }\nnum_batch_threads { value: 0 }\n");
        try (ServedProcess server =
                ServedProcess.start(work, Map.of(), "--enable_batching", "--batching_parameters_file=" + parameters)) {
            assertThat(server.process.waitFor(60, TimeUnit.SECONDS))
                    .as("the server gave up at once")
                    .isTrue();

            assertThat(server.process.exitValue()).isEqualTo(2);
            assertThat(server.log())
                    .contains(parameters.toString())
                    .contains("num_batch_threads must be at least 1, but it is 0")
                    .doesNotContain("listening");
        }
    }
}
