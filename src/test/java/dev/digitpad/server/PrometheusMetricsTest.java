package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus metrics on the REST port, scraped over HTTP as Prometheus does, after real gRPC and REST calls:
 * TensorFlow Serving's names, labels and counts, and nothing there unless the monitoring config enables it.
 */
class PrometheusMetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private ServingMetrics metrics;
    private ModelManager models;
    private ModelServer server;
    private ManagedChannel channel;

    @BeforeEach
    void loadModel() throws Exception {
        TestModels.writeVersion(dir.resolve("mnist"), 1, TestModels.Kind.MNIST);
        metrics = new ServingMetrics();
        models = new ModelManager(
                List.of(new ModelManager.ModelConfig("mnist", dir.resolve("mnist"))),
                metrics.timing(ServableLoader.savedModels()),
                Duration.ZERO);
        models.pollNow();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        models.close();
    }

    private void start(Optional<String> metricsPath) throws Exception {
        server = ModelServer.start(
                new ServingCore(models, metrics),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(10),
                        Optional.empty(),
                        metricsPath));
        channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                .usePlaintext()
                .build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.restPort().orElseThrow() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.restPort().orElseThrow() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PredictionServiceGrpc.PredictionServiceBlockingStub stub() {
        return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** The value of the one sample line {@code series} (name and labels exactly as exposed), or null. */
    private static Long sample(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Long.parseLong(line.substring(series.length() + 1));
            }
        }
        return null;
    }

    private static String instances(float[] image) {
        StringBuilder json = new StringBuilder("{\"instances\": [[");
        for (int r = 0; r < TestModels.SIDE; r++) {
            json.append(r == 0 ? "[" : ",[");
            for (int c = 0; c < TestModels.SIDE; c++) {
                json.append(c == 0 ? "" : ",")
                        .append('[')
                        .append(image[r * TestModels.SIDE + c])
                        .append(']');
            }
            json.append(']');
        }
        return json.append("]]}").toString();
    }

    @Test
    void goodAndBadCallsOnBothPortsAreCountedByModelAndStatus() throws Exception {
        start(Optional.of(ServingMetrics.DEFAULT_PATH));
        float[] image = TestModels.imageWithRow(2, 1f);
        stub().predict(Tensors.predictImages("mnist", image));
        stub().predict(Tensors.predictImages("mnist", image));
        Status wrongShape = statusOf(() -> stub().predict(Tensors.predict(
                Tensors.spec("mnist"),
                Map.of("flatten_input", Tensors.floatContent(new long[] {1, 784}, new float[784])))));
        Status unknownModel = statusOf(() -> stub().predict(Tensors.predictImages("made-up-name", image)));
        assertThat(wrongShape.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(unknownModel.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(post("/v1/models/mnist:predict", instances(image)).statusCode())
                .isEqualTo(200);
        assertThat(post("/v1/models/mnist:predict", "{\"signature_name\": \"nope\", \"instances\": [1]}")
                        .statusCode())
                .isEqualTo(400);

        HttpResponse<String> scrape = get("/monitoring/prometheus/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        String text = scrape.body();
        assertThat(text)
                .contains("# TYPE :tensorflow:serving:request_count counter\n")
                .contains("# TYPE :tensorflow:serving:request_latency histogram\n")
                .contains("# TYPE :tensorflow:cc:saved_model:load_latency counter\n")
                .contains("# TYPE :digitpad:native_objects_open gauge\n");
        assertThat(sample(text, ":digitpad:native_objects_open"))
                .as("the loaded model's session and graph, at least")
                .isPositive();
        assertThat(sample(text, ":tensorflow:serving:request_count{model_name=\"mnist\",status=\"OK\"}"))
                .isEqualTo(3);
        assertThat(sample(text, ":tensorflow:serving:request_count{model_name=\"mnist\",status=\"INVALID_ARGUMENT\"}"))
                .isEqualTo(1);
        assertThat(sample(
                        text, ":tensorflow:serving:request_count{model_name=\"mnist\",status=\"FAILED_PRECONDITION\"}"))
                .isEqualTo(1);
        // A made-up model name is not a label value: it is counted under the empty name.
        assertThat(sample(text, ":tensorflow:serving:request_count{model_name=\"\",status=\"NOT_FOUND\"}"))
                .isEqualTo(1);
        assertThat(text).doesNotContain("made-up-name");
        // Latency, of successful calls only, by front end.
        String grpc = "{model_name=\"mnist\",API=\"Predict\",entrypoint=\"GRPC\"";
        String rest = "{model_name=\"mnist\",API=\"predict\",entrypoint=\"REST\"";
        assertThat(sample(text, ":tensorflow:serving:request_latency_count" + grpc + "}"))
                .isEqualTo(2);
        assertThat(sample(text, ":tensorflow:serving:request_latency_count" + rest + "}"))
                .isEqualTo(1);
        assertThat(sample(text, ":tensorflow:serving:request_latency_bucket" + grpc + ",le=\"+Inf\"}"))
                .isEqualTo(2);
        assertThat(sample(text, ":tensorflow:serving:request_latency_sum" + grpc + "}"))
                .isPositive();
        assertBucketsAreCumulative(text, ":tensorflow:serving:request_latency_bucket" + grpc);
        // The version was loaded once, successfully, and that took time.
        String versionDir = dir.resolve("mnist").resolve("1").toString();
        assertThat(sample(
                        text,
                        ":tensorflow:cc:saved_model:load_attempt_count{model_path=\"" + versionDir
                                + "\",status=\"success\"}"))
                .isEqualTo(1);
        assertThat(sample(text, ":tensorflow:cc:saved_model:load_latency{model_path=\"" + versionDir + "\"}"))
                .isPositive();
    }

    private static void assertBucketsAreCumulative(String text, String series) {
        Matcher m = Pattern.compile(Pattern.quote(series) + ",le=\"([^\"]+)\"} (\\d+)")
                .matcher(text);
        List<String> bounds = new ArrayList<>();
        long previous = 0;
        while (m.find()) {
            bounds.add(m.group(1));
            long count = Long.parseLong(m.group(2));
            assertThat(count).as("bucket le=%s", m.group(1)).isGreaterThanOrEqualTo(previous);
            previous = count;
        }
        // TensorFlow Serving's buckets: 10 us times 1.8^i for 33 bounds, then +Inf.
        assertThat(bounds).hasSize(34).startsWith("10", "18", "32.4", "58.32").endsWith("+Inf");
    }

    @Test
    void aVersionThatFailsToLoadIsCountedAsAFailedAttempt() throws Exception {
        Path garbage = TestModels.writeGarbageVersion(dir.resolve("mnist"), 2);
        models.pollNow();
        start(Optional.of(ServingMetrics.DEFAULT_PATH));

        String text = get(ServingMetrics.DEFAULT_PATH).body();

        assertThat(sample(
                        text,
                        ":tensorflow:cc:saved_model:load_attempt_count{model_path=\"" + garbage
                                + "\",status=\"fail\"}"))
                .isEqualTo(1);
        assertThat(text).doesNotContain(":tensorflow:cc:saved_model:load_latency{model_path=\"" + garbage);
    }

    @Test
    void metricsAreNotServedUnlessEnabled() throws Exception {
        start(Optional.empty());
        stub().predict(Tensors.predictImages("mnist", TestModels.imageWithRow(2, 1f)));

        HttpResponse<String> scrape = get(ServingMetrics.DEFAULT_PATH);

        assertThat(scrape.statusCode()).isEqualTo(404);
        assertThat(scrape.body()).doesNotContain(":tensorflow:");
    }

    @Test
    void theMonitoringConfigFileChoosesThePath() throws Exception {
        Path config = Files.writeString(
                dir.resolve("monitoring.config"), "prometheus_config {\n  enable: true,\n  path: \"/metrics\"\n}\n");
        start(ConfigFiles.prometheusPath(config));

        assertThat(get("/metrics").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body()).contains("# TYPE :tensorflow:serving:request_count counter");
        assertThat(get(ServingMetrics.DEFAULT_PATH).statusCode()).isEqualTo(404);
        // TensorFlow Serving answers its metrics path whatever the method, but not with a query string after it.
        assertThat(post("/metrics", "").statusCode()).isEqualTo(200);
        HttpResponse<String> withQuery = get("/metrics?name=x");
        assertThat(withQuery.statusCode()).isEqualTo(400);
        assertThat(withQuery.body()).contains("Unexpected path: /metrics?name=x. Should be /metrics");
    }

    @Test
    void labelValuesAreEscapedAsTheTextFormatRequires() {
        ServingMetrics m = new ServingMetrics();
        m.recordLoad("/models/a \"quoted\"\\name\nx/1", true, 5_000);

        assertThat(m.scrape())
                .contains(
                        ":tensorflow:cc:saved_model:load_latency{model_path=\"/models/a \\\"quoted\\\"\\\\name\\nx/1\"} 5\n");
    }
}
