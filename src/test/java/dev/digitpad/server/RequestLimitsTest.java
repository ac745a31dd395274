package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * What the server does with hostile or odd requests, over its real sockets: model names that look like
 * paths, non-finite numbers, and requests larger than the limit.
 */
class RequestLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    @TempDir
    static Path dir;

    /** Every version folder the server was ever asked to load. */
    static final List<Path> loaded = new CopyOnWriteArrayList<>();

    static ModelManager models;
    static ModelServer server;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        // The served model, and right beside it a perfectly loadable model that is not configured: a name
        // that walked the file system from the base folder would find it.
        TestModels.writeVersion(dir.resolve("models/mnist"), 1, TestModels.Kind.MNIST);
        TestModels.writeVersion(dir.resolve("models/secret"), 5, TestModels.Kind.MNIST);
        TestModels.writeVersion(dir.resolve("models/types"), 1, TestModels.Kind.TYPES);
        ServableLoader recording = (model, version, versionDir) -> {
            loaded.add(versionDir);
            return ServableLoader.savedModels().load(model, version, versionDir);
        };
        models = new ModelManager(
                List.of(
                        new ModelManager.ModelConfig("mnist", dir.resolve("models/mnist")),
                        new ModelManager.ModelConfig("types", dir.resolve("models/types"))),
                recording,
                Duration.ZERO);
        models.pollNow();
        server = ModelServer.start(
                new ServingCore(models),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        MAX_REQUEST_BYTES,
                        Duration.ofSeconds(10),
                        Optional.empty(),
                        Optional.empty()));
        channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private static PredictionServiceGrpc.PredictionServiceBlockingStub prediction() {
        return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder rest(String rawPath) {
        return HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.restPort().orElseThrow() + rawPath));
    }

    /** Names that point elsewhere on the file system if anything joined them to the base folder. */
    private static List<String> pathLikeNames() {
        Path secret = dir.resolve("models/secret");
        return List.of(
                "../secret",
                "mnist/../../models/secret",
                "..",
                "../",
                "./mnist",
                "mnist/",
                "..\\secret",
                "mnist\\..\\secret",
                "secret",
                "mnist\0",
                "\0",
                secret.toString(),
                "/etc/passwd",
                "C:\\Windows",
                "mnist/1",
                "mnist/1/saved_model.pb",
                "~/models/secret",
                "%2e%2e%2fsecret");
    }

    @Test
    void theRestServerTakesItsBuffersFromNoPool() {
        // With Jetty's pooled buffers, the body of a refused CONNECT request now and then reached another client's
        // connection (found by FuzzIT; see ModelServer): a pooled buffer is one that another connection may hold.
        assertThat(server.restBuffers()).get().isInstanceOf(org.eclipse.jetty.io.ByteBufferPool.NonPooling.class);
    }

    @Test
    void pathLikeModelNamesAreNotFoundOverGrpcAndNothingBesideTheBaseFolderIsLoaded() {
        for (String name : pathLikeNames()) {
            Status predict =
                    statusOf(() -> prediction().predict(Tensors.predictImages(name, new float[TestModels.PIXELS])));
            assertThat(predict.getCode()).as("Predict for %s", name).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(predict.getDescription()).isEqualTo("Servable not found for request: Latest(" + name + ")");

            Status metadata = statusOf(() -> prediction()
                    .getModelMetadata(GetModelMetadataRequest.newBuilder()
                            .setModelSpec(Tensors.spec(name))
                            .addMetadataField("signature_def")
                            .build()));
            assertThat(metadata.getCode()).as("GetModelMetadata for %s", name).isEqualTo(Status.Code.NOT_FOUND);

            Status status = statusOf(() -> ModelServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getModelStatus(GetModelStatusRequest.newBuilder()
                            .setModelSpec(Tensors.spec(name, 5))
                            .build()));
            assertThat(status.getCode()).as("GetModelStatus for %s", name).isEqualTo(Status.Code.NOT_FOUND);
        }
        assertOnlyConfiguredVersionsWereEverLoaded();
    }

    @Test
    void pathLikeModelNamesAreNotFoundOverRest() throws Exception {
        String body =
                "{\"instances\": [" + JSON.writeValueAsString(new float[TestModels.SIDE][TestModels.SIDE][1]) + "]}";
        for (String name : pathLikeNames()) {
            String encoded = percentEncode(name);
            if (name.contains("\0")) {
                // Jetty refuses %00 anywhere in a path before any routing, as malformed: 400, still JSON. It then
                // closes the connection, so this goes on a connection of its own rather than the shared pool's.
                HttpResponse<String> predict = HttpClient.newHttpClient()
                        .send(
                                rest("/v1/models/" + encoded + ":predict")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(predict.statusCode()).as(name).isEqualTo(400);
                assertThat(JSON.readTree(predict.body()).get("error").asText()).contains("such as %00");
                continue;
            }
            HttpResponse<String> predict =
                    send(rest("/v1/models/" + encoded + ":predict").POST(HttpRequest.BodyPublishers.ofString(body)));
            assertJsonError(predict, 404, "Servable not found for request: Latest(" + name + ")");
            assertThat(send(rest("/v1/models/" + encoded + "/metadata").GET()).statusCode())
                    .as("metadata of %s", name)
                    .isEqualTo(404);
            assertThat(send(rest("/v1/models/" + encoded + "/versions/5").GET()).statusCode())
                    .as("status of %s", name)
                    .isEqualTo(404);
        }
        assertOnlyConfiguredVersionsWereEverLoaded();
    }

    @Test
    void dotSegmentsSentAsTheyAreDoNotLeaveTheApi() throws Exception {
        // What curl --path-as-is sends: the path is not normalised by the client. A dot segment where a model name
        // goes is a name that is not served (404); one that adds segments makes a path that routes nowhere, which is
        // TensorFlow Serving's 400 "Malformed request".
        Map<String, Integer> paths = new LinkedHashMap<>();
        paths.put("/v1/models/../secret:predict", 400);
        paths.put("/v1/models/mnist/../secret:predict", 400);
        paths.put("/v1/models/mnist/../../models/secret/metadata", 400);
        paths.put("/v1/models/%2e%2e/secret:predict", 400);
        paths.put("/v1/models/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd/metadata", 404);
        paths.put("/v1/models/..%5C..%5Csecret:predict", 404);
        for (Map.Entry<String, Integer> p : paths.entrySet()) {
            String path = p.getKey();
            String body = "{\"instances\": [" + JSON.writeValueAsString(new float[TestModels.SIDE][TestModels.SIDE][1])
                    + "]}";
            String answer =
                    rawHttp((path.endsWith("/metadata") ? "GET " : "POST ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            assertThat(answer)
                    .as(path)
                    .startsWith("HTTP/1.1 " + p.getValue() + " ")
                    .contains("\"error\"")
                    .doesNotContain("\"predictions\"");
        }
        assertOnlyConfiguredVersionsWereEverLoaded();
    }

    private static void assertOnlyConfiguredVersionsWereEverLoaded() {
        assertThat(loaded).containsExactlyInAnyOrder(dir.resolve("models/mnist/1"), dir.resolve("models/types/1"));
    }

    /** Every byte outside the unreserved set percent-encoded, as a careful client encodes one path segment. */
    private static String percentEncode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String rawHttp(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.restPort().orElseThrow())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static void assertJsonError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode())
                .as("%s: %s", response.uri(), response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(message);
    }

    // ---- NaN and infinity

    @Test
    void nanAndInfinityInputsAreAnsweredOverGrpc() {
        for (float value : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] image = TestModels.uniformImage(0.1f);
            image[3 * TestModels.SIDE] = value;
            long started = System.nanoTime();

            PredictResponse response = prediction().predict(Tensors.predictImages("mnist", image));

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("answered for %s", value)
                    .isLessThan(Duration.ofSeconds(10));
            float[] probabilities = Tensors.floats(response.getOutputsOrThrow("dense"));
            assertThat(probabilities).hasSize(TestModels.CLASSES);
            // The model's arithmetic decides: NaN in, NaN out; an infinite logit makes softmax NaN or 0/1.
            double[] expected = TestModels.expectedProbabilities(image, 1);
            for (int k = 0; k < TestModels.CLASSES; k++) {
                if (Double.isNaN(expected[k])) {
                    assertThat(probabilities[k]).as("class %d for %s", k, value).isNaN();
                }
            }
        }
    }

    @Test
    void nonFiniteValuesPassThroughUnchangedOverGrpc() {
        TensorProto f64 = TensorProto.newBuilder()
                .setDtype(DataType.DT_DOUBLE)
                .setTensorShape(Tensors.shape(3))
                .addDoubleVal(Double.NaN)
                .addDoubleVal(Double.POSITIVE_INFINITY)
                .addDoubleVal(Double.NEGATIVE_INFINITY)
                .build();

        PredictResponse response = prediction().predict(Tensors.predict(Tensors.spec("types"), typesInputs(f64)));

        TensorProto out = response.getOutputsOrThrow("f64_out");
        assertThat(out.getDoubleValList())
                .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    @Test
    void nanAndInfinityAreReadAndWrittenOverRestBareOrQuoted() throws Exception {
        for (String values : List.of("[NaN, Infinity, -Infinity]", "[\"NaN\", \"Infinity\", \"-Infinity\"]")) {
            String body =
                    "{\"inputs\": {\"u8\": [1, 2, 3], \"i32\": [1, 2, 3], \"i64\": [1, 2, 3], \"flag\": [true, false, true],"
                            + " \"f64\": " + values + "}}";

            HttpResponse<String> response =
                    send(rest("/v1/models/types:predict").POST(HttpRequest.BodyPublishers.ofString(body)));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode f64 = JSON.readTree(response.body()).at("/outputs/f64_out");
            assertThat(f64.toString()).isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\"]");
        }
    }

    private static Map<String, TensorProto> typesInputs(TensorProto f64) {
        TensorProto.Builder u8 =
                TensorProto.newBuilder().setDtype(DataType.DT_UINT8).setTensorShape(Tensors.shape(3));
        TensorProto.Builder i32 =
                TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(Tensors.shape(3));
        TensorProto.Builder i64 =
                TensorProto.newBuilder().setDtype(DataType.DT_INT64).setTensorShape(Tensors.shape(3));
        TensorProto.Builder flag =
                TensorProto.newBuilder().setDtype(DataType.DT_BOOL).setTensorShape(Tensors.shape(3));
        for (int i = 0; i < 3; i++) {
            u8.addIntVal(i);
            i32.addIntVal(i);
            i64.addInt64Val(i);
            flag.addBoolVal(i % 2 == 0);
        }
        return Map.of("u8", u8.build(), "i32", i32.build(), "i64", i64.build(), "flag", flag.build(), "f64", f64);
    }

    // ---- Size limits (the end-to-end test checks the same against bin/digitpad serve with a declared length)

    @Test
    void aGrpcRequestJustUnderTheLimitIsAnsweredAndOneOverItIsResourceExhausted() {
        int fits = (MAX_REQUEST_BYTES - 1024) / (TestModels.PIXELS * Float.BYTES);
        float[][] small =
                Stream.generate(() -> TestModels.uniformImage(0.5f)).limit(fits).toArray(float[][]::new);
        assertThat(Tensors.floats(prediction()
                        .predict(Tensors.predictImages("mnist", small))
                        .getOutputsOrThrow("dense")))
                .hasSize(fits * TestModels.CLASSES);

        float[][] large = new float[MAX_REQUEST_BYTES / (TestModels.PIXELS * Float.BYTES) + 1][];
        Arrays.fill(large, TestModels.uniformImage(0.5f));
        Status status = statusOf(() -> prediction().predict(Tensors.predictImages("mnist", large)));

        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains(Integer.toString(MAX_REQUEST_BYTES));
    }

    @Test
    void oneValueStandsForAModestTensorButNotForAHugeOne() {
        TensorProto.Builder one =
                TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).addFloatVal(0.5f);
        TensorProto batch = one.clone()
                .setTensorShape(Tensors.shape(64, TestModels.SIDE, TestModels.SIDE, 1))
                .build();
        PredictResponse answered =
                prediction().predict(Tensors.predict(Tensors.spec("mnist"), Map.of("flatten_input", batch)));
        assertThat(Tensors.floats(answered.getOutputsOrThrow("dense"))).hasSize(64 * TestModels.CLASSES);

        // 100,000 images from four bytes of values: 313 MB for the server to fill.
        TensorProto huge = one.clone()
                .setTensorShape(Tensors.shape(100_000, TestModels.SIDE, TestModels.SIDE, 1))
                .build();
        Status status = statusOf(
                () -> prediction().predict(Tensors.predict(Tensors.spec("mnist"), Map.of("flatten_input", huge))));
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription())
                .contains("flatten_input")
                .contains("313600000 bytes")
                .contains("64 MiB");
        assertThat(Tensors.floats(prediction()
                        .predict(Tensors.predictImages("mnist", TestModels.uniformImage(0.5f)))
                        .getOutputsOrThrow("dense")))
                .as("the server goes on answering")
                .hasSize(TestModels.CLASSES);
    }

    @Test
    void aRestBodyOverTheLimitIsRefusedWith413EvenWithoutADeclaredLength() throws Exception {
        String huge = "{\"instances\": [" + "0,".repeat(MAX_REQUEST_BYTES / 2) + "0]}";
        // Streamed: no Content-Length, so the limit is found while reading.
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> response = send(rest("/v1/models/mnist:predict").POST(chunked));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .contains(
                        "larger than the server's limit of " + MAX_REQUEST_BYTES + " bytes (--max_request_size_bytes)");
    }
}
