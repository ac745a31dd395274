package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.GrpcAssertions;
import dev.digitpad.testing.Reflection;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over real loopback sockets: {@code bin/digitpad serve} from the distribution, called over
 * gRPC (Java and Python clients) and REST, the way a user runs it in place of TensorFlow Serving.
 */
class ServeProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    @TempDir
    static Path work;

    static Path base;

    @AutoClose
    static ServedProcess server;

    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        base = work.resolve("models/mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        Files.createDirectories(base.resolve("not-a-version"));
        server = ServedProcess.start(
                work,
                Map.of(),
                "--model_name=mnist",
                "--model_base_path=" + base,
                "--max_request_size_bytes=" + MAX_REQUEST_BYTES,
                "--tensorflow_intra_op_parallelism=1",
                "--tensorflow_inter_op_parallelism",
                "1");
        server.awaitServing(Duration.ofSeconds(60));
        channel = server.channel();
    }

    @Test
    void grpcPredictOverLoopbackSocket() {
        float[] image = TestModels.imageWithRow(4, 1.5f);
        PredictResponse response = PredictionServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(Tensors.predictImages("mnist", image));
        assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(1);
        assertProbabilities(
                Tensors.floats(response.getOutputsOrThrow("dense")), TestModels.expectedProbabilities(image, 1));
    }

    @Test
    void tutorialStylePythonClientWorksUnchanged() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Path modules = Path.of("target/generated-test-sources/python");
        assumeTrue(
                Files.isExecutable(python) && hasPythonGrpc(python),
                "needs Debian's python3-grpcio and python3-protobuf (.ci/run installs them)");
        float[] image = TestModels.imageWithRow(7, 2f);
        ProcessBuilder builder = new ProcessBuilder(
                        python.toString(),
                        "src/test/python/tfs_client.py",
                        "127.0.0.1:" + server.grpcPort,
                        "mnist",
                        JSON.writeValueAsString(image))
                .redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", modules.toAbsolutePath().toString());
        Process client = builder.start();
        client.getOutputStream().close();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor()).as(out).isZero();
        JsonNode answer = JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(answer.at("/model_spec/name").asText()).isEqualTo("mnist");
        assertThat(answer.at("/model_spec/version").asLong()).isEqualTo(1);
        assertThat(answer.at("/model_spec/signature_name").asText()).isEqualTo("serving_default");
        assertThat(answer.at("/dense/dtype").asText()).isEqualTo("DT_FLOAT");
        assertThat(JSON.convertValue(answer.at("/dense/shape"), long[].class)).containsExactly(1, 10);
        assertProbabilities(
                JSON.convertValue(answer.at("/dense/values"), float[].class),
                TestModels.expectedProbabilities(image, 1));
        assertThat(answer.at("/metadata/type_url").asText())
                .isEqualTo("type.googleapis.com/tensorflow.serving.SignatureDefMap");
        assertThat(JSON.convertValue(answer.at("/metadata/inputs"), List.class)).containsExactly("flatten_input");
        assertThat(JSON.convertValue(answer.at("/metadata/outputs"), List.class))
                .containsExactly("dense");
        assertThat(JSON.convertValue(answer.at("/metadata/input_shape"), long[].class))
                .containsExactly(-1, 28, 28, 1);
        assertThat(answer.at("/status/0/state").asText()).isEqualTo("AVAILABLE");
        assertThat(answer.at("/unknown_model_error/code").asText()).isEqualTo("NOT_FOUND");
        assertThat(answer.at("/unknown_model_error/details").asText())
                .isEqualTo("Servable not found for request: Latest(no-such-model)");
    }

    @Test
    void restStatusAndMetadata() throws Exception {
        HttpResponse<String> status = get("/v1/models/mnist");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(status.body()))
                .isEqualTo(JSON.readTree("{\"model_version_status\":[{\"version\":\"1\",\"state\":\"AVAILABLE\","
                        + "\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}"));
        assertThat(get("/v1/models/mnist/versions/1").statusCode()).isEqualTo(200);

        JsonNode metadata = JSON.readTree(get("/v1/models/mnist/metadata").body());
        assertThat(metadata.at("/model_spec/name").asText()).isEqualTo("mnist");
        assertThat(metadata.at("/model_spec/version").asText()).isEqualTo("1");
        JsonNode input = metadata.at("/metadata/signature_def/signature_def/serving_default/inputs/flatten_input");
        assertThat(input.at("/dtype").asText()).isEqualTo("DT_FLOAT");
        assertThat(input.at("/tensor_shape/dim/0/size").asText()).isEqualTo("-1");
        assertThat(metadata.at("/metadata/signature_def/signature_def/serving_default/method_name")
                        .asText())
                .isEqualTo("tensorflow/serving/predict");
    }

    @Test
    void restPredictInRowAndColumnarForms() throws Exception {
        float[] first = TestModels.imageWithRow(2, 1f);
        float[] second = TestModels.imageWithRow(9, 3f);
        String instances = "{\"instances\": [" + nested(first) + "," + nested(second) + "]}";
        HttpResponse<String> rows = post("/v1/models/mnist:predict", instances);
        assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
        JsonNode predictions = JSON.readTree(rows.body()).get("predictions");
        assertThat(predictions).hasSize(2);
        assertProbabilities(
                JSON.convertValue(predictions.get(0), float[].class), TestModels.expectedProbabilities(first, 1));
        assertProbabilities(
                JSON.convertValue(predictions.get(1), float[].class), TestModels.expectedProbabilities(second, 1));

        String inputs =
                "{\"signature_name\": \"serving_default\", \"inputs\": {\"flatten_input\": [" + nested(second) + "]}}";
        HttpResponse<String> columns = post("/v1/models/mnist/versions/1:predict", inputs);
        assertThat(columns.statusCode()).as(columns.body()).isEqualTo(200);
        JsonNode outputs = JSON.readTree(columns.body()).get("outputs");
        assertProbabilities(
                JSON.convertValue(outputs.get(0), float[].class), TestModels.expectedProbabilities(second, 1));
    }

    @Test
    void restErrorsAreJsonWithTensorFlowServingsStatusCodes() throws Exception {
        assertError(post("/v1/models/mnist:predict", "{\"instances\": [1, 2"), 400, "JSON Parse error");
        assertError(post("/v1/models/mnist:predict", "{\"instances\": [[1, 2]]}"), 400, "expects shape [-1,28,28,1]");
        assertError(
                post("/v1/models/mnist:predict", "{\"instances\": [], \"inputs\": []}"),
                400,
                "both 'instances' and 'inputs'");
        assertError(
                post("/v1/models/mnist:predict", "{\"signature_name\": \"foo\", \"inputs\": []}"),
                400,
                "Serving signature key \"foo\" not found.");
        assertError(
                post("/v1/models/nope:predict", "{\"instances\": [1]}"),
                404,
                "Servable not found for request: Latest(nope)");
        assertError(get("/v1/models/mnist/versions/7"), 404, "Could not find version 7 of model mnist");
        assertError(get("/v1/models/..%2F..%2Fetc/metadata"), 404, "Servable not found for request: Latest(../../etc)");
        assertError(
                get("/v1/models/mnist/versions/latest"),
                400,
                "Malformed request: GET /v1/models/mnist/versions/latest");
        assertError(get("/v1/models/mnist:predict"), 400, "Malformed request: GET /v1/models/mnist:predict");
        assertError(get("/v1/models"), 400, "Missing model name in request.");
        // The status of a model asked for with a label answers every version, as TensorFlow Serving's does.
        assertThat(get("/v1/models/mnist/labels/stable").statusCode()).isEqualTo(200);
        assertError(get("/v2/health"), 404, "Not Found: GET /v2/health");
        String huge = "{\"instances\": [" + "0,".repeat(MAX_REQUEST_BYTES / 2) + "0]}";
        assertError(post("/v1/models/mnist:predict", huge), 413, "larger than the server's limit");
    }

    @Test
    void oversizedGrpcRequestIsResourceExhausted() {
        float[][] images = new float[MAX_REQUEST_BYTES / (TestModels.PIXELS * Float.BYTES) + 1][];
        Arrays.fill(images, TestModels.uniformImage(0.5f));
        Status status = GrpcAssertions.statusOf(() -> PredictionServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(Tensors.predictImages("mnist", images)));
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void serverReflectionListsTheServingServices() throws Exception {
        assertThat(Reflection.services(channel, Duration.ofSeconds(10)))
                .contains(
                        "tensorflow.serving.PredictionService",
                        "tensorflow.serving.ModelService",
                        "grpc.health.v1.Health");
    }

    @Test
    void skippedNonNumericDirectoryIsLoggedWithTheReason() throws IOException {
        assertThat(server.log())
                .contains("skipping " + base.resolve("not-a-version"))
                .contains("must be named by a whole number");
    }

    @Test
    void modelNameAndBasePathComeFromTheEnvironmentLikeTheDockerImage() throws Exception {
        try (ServedProcess fromEnv = ServedProcess.start(
                work, Map.of("MODEL_NAME", "digits", "MODEL_BASE_PATH", base.toString()), "--rest_api_port=0")) {
            fromEnv.awaitServing(Duration.ofSeconds(60));
            ManagedChannel c = fromEnv.channel();
            assertThat(ModelServiceGrpc.newBlockingStub(c)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getModelStatus(GetModelStatusRequest.newBuilder()
                                    .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                                    .build())
                            .getModelVersionStatus(0)
                            .getVersion())
                    .isEqualTo(1);
            assertThat(fromEnv.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    private static boolean hasPythonGrpc(Path python) throws Exception {
        return new ProcessBuilder(python.toString(), "-c", "import grpc, google.protobuf")
                        .start()
                        .waitFor()
                == 0;
    }

    private static void assertProbabilities(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int k = 0; k < expected.length; k++) {
            assertThat((double) actual[k]).as("probability of class %d", k).isCloseTo(expected[k], within(1e-5));
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
    }

    /** A 28x28 image as nested JSON lists of shape [28, 28, 1]. */
    private static String nested(float[] image) throws IOException {
        return JSON.writeValueAsString(TestModels.nested(image));
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.restPort + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.restPort + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
