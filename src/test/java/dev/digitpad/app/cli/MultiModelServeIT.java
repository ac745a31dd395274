package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.ModelConfig;
import dev.digitpad.protocol.serving.ModelConfigList;
import dev.digitpad.protocol.serving.ModelServerConfig;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.ReloadConfigRequest;
import dev.digitpad.testing.GrpcAssertions;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.Tensors;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code digitpad serve --model_config_file} as a process, as a TensorFlow Serving user runs several models: the three
 * version policies over one folder of versions, labels over gRPC and REST, a reload over gRPC, and an edited config
 * file picked up while serving.
 */
class MultiModelServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path work;

    static Path versions;
    static Path other;

    @AutoClose
    static ServedProcess server;

    @BeforeAll
    static void start() throws Exception {
        versions = work.resolve("models/mnist");
        for (long v = 1; v <= 3; v++) {
            TestModels.writeVersion(versions, v, TestModels.Kind.MNIST);
        }
        other = work.resolve("models/other");
        TestModels.writeVersion(other, 7, TestModels.Kind.MNIST);
        Path config = Files.writeString(work.resolve("models.config"), """
                model_config_list {
                  config {
                    name: "specific"
                    base_path: "models/mnist"
                    model_platform: "tensorflow"
                    model_version_policy { specific { versions: 1 versions: 3 } }
                    version_labels { key: "stable" value: 1 }
                    version_labels { key: "canary" value: 3 }
                  }
                  config { name: "two" base_path: "models/mnist" model_version_policy { latest { num_versions: 2 } } }
                  config { name: "every" base_path: "models/mnist" model_version_policy { all {} } }
                }
                """);
        server = ServedProcess.start(work, Map.of(), "--model_config_file=" + config);
        server.awaitServing(Duration.ofSeconds(120));
    }

    private static ModelServiceGrpc.ModelServiceBlockingStub models(ManagedChannel channel) {
        return ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static List<Long> available(ManagedChannel channel, String model) {
        return models(channel)
                .getModelStatus(GetModelStatusRequest.newBuilder()
                        .setModelSpec(ModelSpec.newBuilder().setName(model))
                        .build())
                .getModelVersionStatusList()
                .stream()
                .filter(s -> s.getState() == ModelVersionStatus.State.AVAILABLE)
                .map(ModelVersionStatus::getVersion)
                .sorted()
                .toList();
    }

    private static PredictResponse predict(ManagedChannel channel, ModelSpec spec, float[] image) {
        return PredictionServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .predict(Tensors.predict(spec, Map.of("flatten_input", Tensors.images(image))));
    }

    private static void assertAnsweredBy(float[] probabilities, float[] image, long version) {
        double[] expected = TestModels.expectedProbabilities(image, version);
        for (int k = 0; k < expected.length; k++) {
            assertThat((double) probabilities[k]).isCloseTo(expected[k], within(1e-5));
        }
    }

    private static void awaitLog(ServedProcess process, String line, int times) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (process.log().split(java.util.regex.Pattern.quote(line), -1).length - 1 < times) {
            assertThat(System.nanoTime())
                    .as("\"%s\" %d times in the log:%n%s", line, times, process.log())
                    .isLessThan(end);
            Thread.sleep(100);
        }
    }

    @Test
    void eachPolicyServesItsVersionsOfTheSameFolder() {
        ManagedChannel channel = server.channel();

        assertThat(available(channel, "specific")).containsExactly(1L, 3L);
        assertThat(available(channel, "two")).containsExactly(2L, 3L);
        assertThat(available(channel, "every")).containsExactly(1L, 2L, 3L);
    }

    @Test
    void labelsChooseTheVersionOverGrpcAndRest() throws Exception {
        float[] image = TestModels.imageWithRow(5, 1.25f);
        ManagedChannel channel = server.channel();

        PredictResponse stable = predict(
                channel,
                ModelSpec.newBuilder()
                        .setName("specific")
                        .setVersionLabel("stable")
                        .build(),
                image);
        HttpResponse<String> canary = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.restPort + "/v1/models/specific/labels/canary:predict"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"instances\": [" + JSON.writeValueAsString(TestModels.nested(image)) + "]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(stable.getModelSpec().getVersion().getValue()).isEqualTo(1);
        assertAnsweredBy(Tensors.floats(stable.getOutputsOrThrow("dense")), image, 1);
        assertThat(canary.statusCode()).as(canary.body()).isEqualTo(200);
        JsonNode predictions = JSON.readTree(canary.body()).get("predictions");
        assertAnsweredBy(JSON.convertValue(predictions.get(0), float[].class), image, 3);
    }

    @Test
    void aReloadOverGrpcAddsAndRemovesModelsAndAnEditedFileIsPickedUp() throws Exception {
        Path config = Files.writeString(
                work.resolve("polled.config"),
                "model_config_list { config { name: \"a\" base_path: \"" + versions + "\" } }");
        try (ServedProcess polled = ServedProcess.start(
                work, Map.of(), "--model_config_file=" + config, "--model_config_file_poll_wait_seconds=1")) {
            polled.awaitServing(Duration.ofSeconds(120));
            ManagedChannel channel = polled.channel();

            models(channel)
                    .handleReloadConfigRequest(ReloadConfigRequest.newBuilder()
                            .setConfig(ModelServerConfig.newBuilder()
                                    .setModelConfigList(ModelConfigList.newBuilder()
                                            .addConfig(ModelConfig.newBuilder()
                                                    .setName("b")
                                                    .setBasePath(other.toString()))))
                            .build());

            assertThat(available(channel, "b")).containsExactly(7L);
            Status gone = GrpcAssertions.statusOf(() -> available(channel, "a"));
            assertThat(gone.getCode()).isEqualTo(Status.Code.NOT_FOUND);

            // As in TensorFlow Serving, a label may name only a version that is already served: first the model...
            String c = "model_config_list { config { name: \"c\" base_path: \"" + versions + "\""
                    + " model_version_policy { all {} } %s } }";
            Files.writeString(config, c.formatted(""));
            awaitLog(polled, "reloaded; serving [c]", 1);
            // ...then its label.
            Files.writeString(config, c.formatted("version_labels { key: \"old\" value: 1 }"));
            awaitLog(polled, "reloaded; serving [c]", 2);
            float[] image = TestModels.imageWithRow(2, 0.5f);
            PredictResponse old = predict(
                    channel,
                    ModelSpec.newBuilder().setName("c").setVersionLabel("old").build(),
                    image);
            assertThat(old.getModelSpec().getVersion().getValue()).isEqualTo(1);
            assertAnsweredBy(Tensors.floats(old.getOutputsOrThrow("dense")), image, 1);
            assertThat(GrpcAssertions.statusOf(() -> available(channel, "b")).getCode())
                    .isEqualTo(Status.Code.NOT_FOUND);
        }
    }
}
