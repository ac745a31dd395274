package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.PrometheusText;
import dev.digitpad.testing.PrometheusText.Sample;
import dev.digitpad.testing.RawHttpClient;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/**
 * The metrics of a server of two models, one of them swapped from version 1 to 2 while it serves, scraped over HTTP
 * and parsed as Prometheus parses them: each of TensorFlow Serving's metrics per model with its names and labels,
 * DigitPad's per-version ones, histograms whose buckets add up, and no series for names the server does not serve.
 */
class MetricsPerModelAndVersionTest {
    private static final String REQUEST_COUNT = ServingMetrics.REQUEST_COUNT;
    private static final String LATENCY_COUNT = ServingMetrics.REQUEST_LATENCY + "_count";

    @TempDir
    Path dir;

    private ServingStack stack;
    private ManagedChannel channel;
    private RawHttpClient http;

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (stack != null) {
            stack.close();
        }
    }

    private void start() throws IOException {
        TestModels.writeVersion(dir.resolve("mnist"), 1, Kind.MNIST);
        TestModels.writeVersion(dir.resolve("pair"), 1, Kind.TWO_INPUTS);
        stack = ServingStack.start(ServingStack.Options.of(
                        List.of(
                                new ModelConfig("mnist", dir.resolve("mnist")),
                                new ModelConfig("pair", dir.resolve("pair"))),
                        ServableLoader.savedModels())
                .timingLoads()
                .withNetwork(new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30),
                        Optional.empty(),
                        Optional.of(ServingMetrics.DEFAULT_PATH)))
                .loadingFirst("Fix the test."));
        channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, stack.grpcPort())
                .usePlaintext()
                .build();
        http = new RawHttpClient(ModelServer.Options.LOOPBACK, stack.restPort().orElseThrow(), Duration.ofSeconds(30));
    }

    private PredictionServiceGrpc.PredictionServiceBlockingStub grpc() {
        return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private int rest(String method, String path, String body) throws IOException {
        return http.exchange(
                        new RawHttpClient.Request(method, path, List.of(), body.getBytes(StandardCharsets.UTF_8), true))
                .orElseThrow()
                .status();
    }

    private PrometheusText scrape() throws IOException {
        RawHttpClient.Answer answer = http.exchange(
                        new RawHttpClient.Request("GET", ServingMetrics.DEFAULT_PATH, List.of(), new byte[0], false))
                .orElseThrow();
        assertThat(answer.status()).isEqualTo(200);
        return PrometheusText.parse(new String(answer.body(), StandardCharsets.UTF_8));
    }

    private PredictResponse pair(float a) {
        long[] dims = {1, 2};
        return grpc().predict(Tensors.predict(
                Tensors.spec("pair"), Map.of("a", Tensors.floatVal(dims, a, a), "b", Tensors.floatVal(dims, 0, 0))));
    }

    private static String restImage() {
        return "{\"instances\": [" + java.util.Arrays.deepToString(TestModels.nested(TestModels.imageWithRow(1, 1f)))
                + "]}";
    }

    @Test
    void everyMetricIsPerModelAndTheVersionsAnsweringShow() throws Exception {
        start();
        float[] image = TestModels.imageWithRow(3, 1f);
        // Version 1 of mnist: two gRPC calls and one over REST. pair: one good call, one bad.
        grpc().predict(Tensors.predictImages("mnist", image));
        grpc().predict(Tensors.predictImages("mnist", image));
        assertThat(rest("POST", "/v1/models/mnist:predict", restImage())).isEqualTo(200);
        pair(1f);
        Status wrongKey = statusOf(() -> grpc().predict(Tensors.predict(
                Tensors.spec("pair"), Map.of("a", Tensors.floatVal(new long[] {1, 2}, 1, 2)))));
        assertThat(wrongKey.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // Names that are not served, on both ports.
        assertThat(statusOf(() -> grpc().predict(Tensors.predictImages("made-up-grpc", image)))
                        .getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(rest("POST", "/v1/models/made-up-rest:predict", restImage())).isEqualTo(404);
        // REST status and metadata are counted, as TensorFlow Serving counts every REST request; GET /v1/models too.
        assertThat(rest("GET", "/v1/models/pair", "")).isEqualTo(200);
        assertThat(rest("GET", "/v1/models/mnist/metadata", "")).isEqualTo(200);
        assertThat(rest("GET", "/v1/models", "")).isEqualTo(400);
        // gRPC metadata is not counted, as in TensorFlow Serving.
        grpc().getModelMetadata(GetModelMetadataRequest.newBuilder()
                .setModelSpec(ModelSpec.newBuilder().setName("mnist"))
                .addMetadataField("signature_def")
                .build());
        // Version 2 of mnist replaces version 1, and answers three calls.
        TestModels.writeVersion(dir.resolve("mnist"), 2, Kind.MNIST);
        stack.models().pollNow();
        for (int i = 0; i < 3; i++) {
            assertThat(grpc().predict(Tensors.predictImages("mnist", image))
                            .getModelSpec()
                            .getVersion()
                            .getValue())
                    .isEqualTo(2);
        }

        PrometheusText metrics = scrape();

        assertThat(metrics.type(REQUEST_COUNT)).hasValue("counter");
        assertThat(metrics.value(REQUEST_COUNT, "model_name", "mnist", "status", "OK"))
                .as("5 gRPC predictions, 1 REST prediction, 1 REST metadata")
                .isEqualTo(7);
        assertThat(metrics.value(REQUEST_COUNT, "model_name", "pair", "status", "OK"))
                .as("1 gRPC prediction, 1 REST status")
                .isEqualTo(2);
        assertThat(metrics.value(REQUEST_COUNT, "model_name", "pair", "status", "INVALID_ARGUMENT"))
                .isEqualTo(1);
        assertThat(metrics.value(REQUEST_COUNT, "model_name", "", "status", "NOT_FOUND"))
                .isEqualTo(2);
        assertThat(metrics.value(REQUEST_COUNT, "model_name", "", "status", "INVALID_ARGUMENT"))
                .as("GET /v1/models")
                .isEqualTo(1);

        assertThat(metrics.type(ServingMetrics.REQUEST_LATENCY)).hasValue("histogram");
        assertThat(metrics.value(LATENCY_COUNT, "model_name", "mnist", "API", "Predict", "entrypoint", "GRPC"))
                .isEqualTo(5);
        assertThat(metrics.value(LATENCY_COUNT, "model_name", "mnist", "API", "predict", "entrypoint", "REST"))
                .isEqualTo(1);
        assertThat(metrics.value(LATENCY_COUNT, "model_name", "mnist", "API", "", "entrypoint", "REST"))
                .isEqualTo(1);
        assertThat(metrics.value(LATENCY_COUNT, "model_name", "pair", "API", "Predict", "entrypoint", "GRPC"))
                .as("only the successful call")
                .isEqualTo(1);
        assertThat(metrics.value(LATENCY_COUNT, "model_name", "pair", "API", "", "entrypoint", "REST"))
                .isEqualTo(1);

        String runtime = ServingMetrics.RUNTIME_LATENCY + "_count";
        assertThat(metrics.type(ServingMetrics.RUNTIME_LATENCY)).hasValue("histogram");
        assertThat(metrics.value(runtime, "model_name", "mnist", "API", "Predict", "runtime", "TF1"))
                .as("every run of mnist, over both ports; the warm-up runs before the version serves, uncounted")
                .isEqualTo(6);
        assertThat(metrics.value(runtime, "model_name", "pair", "API", "Predict", "runtime", "TF1"))
                .as("the bad call never ran")
                .isEqualTo(1);

        String byVersion = ServingMetrics.VERSION_REQUEST_COUNT;
        assertThat(metrics.value(byVersion, "model_name", "mnist", "version", "1", "status", "OK"))
                .isEqualTo(3);
        assertThat(metrics.value(byVersion, "model_name", "mnist", "version", "2", "status", "OK"))
                .isEqualTo(3);
        assertThat(metrics.value(byVersion, "model_name", "pair", "version", "1", "status", "OK"))
                .isEqualTo(1);
        assertThat(metrics.value(byVersion, "model_name", "pair", "version", "", "status", "INVALID_ARGUMENT"))
                .isEqualTo(1);
        assertThat(metrics.value(byVersion, "model_name", "", "version", "", "status", "NOT_FOUND"))
                .isEqualTo(2);

        String state = ServingMetrics.VERSION_STATE;
        assertThat(metrics.type(state)).hasValue("gauge");
        assertThat(metrics.samples(state))
                .extracting(s -> s.labels().get("model_name") + " " + s.labels().get("version") + " "
                        + s.labels().get("state") + " " + s.value())
                .containsExactlyInAnyOrder("mnist 2 AVAILABLE 1.0", "mnist 1 END 1.0", "pair 1 AVAILABLE 1.0");

        for (String version : List.of("mnist/1", "mnist/2", "pair/1")) {
            String path = dir.resolve(version).toString();
            assertThat(metrics.value(ServingMetrics.LOAD_ATTEMPT_COUNT, "model_path", path, "status", "success"))
                    .as(version)
                    .isEqualTo(1);
            assertThat(metrics.value(ServingMetrics.LOAD_LATENCY, "model_path", path))
                    .as(version)
                    .isPositive();
        }

        assertHistogramsAddUp(metrics);
        // Only served models are label values: the made-up names added no series.
        Set<String> models = new HashSet<>();
        for (Sample s : metrics.samples()) {
            for (String label : List.of("model_name", "model")) {
                if (s.labels().containsKey(label)) {
                    models.add(s.labels().get(label));
                }
            }
        }
        assertThat(models).containsExactlyInAnyOrder("mnist", "pair", "");
    }

    /**
     * Every histogram series has TensorFlow Serving's bounds, counts that never fall from one bucket to the next, a
     * last bucket ({@code +Inf}) equal to its {@code _count}, and a {@code _sum}.
     */
    private static void assertHistogramsAddUp(PrometheusText metrics) {
        Map<String, List<Sample>> buckets = new LinkedHashMap<>();
        for (Sample s : metrics.samples()) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> series = new LinkedHashMap<>(s.labels());
                series.remove("le");
                buckets.computeIfAbsent(s.name() + series, k -> new ArrayList<>())
                        .add(s);
            }
        }
        assertThat(buckets).isNotEmpty();
        for (Map.Entry<String, List<Sample>> series : buckets.entrySet()) {
            List<Sample> bs = series.getValue();
            String family = bs.getFirst().name().replaceAll("_bucket$", "");
            Map<String, String> labels = new LinkedHashMap<>(bs.getFirst().labels());
            labels.remove("le");
            String[] flat = labels.entrySet().stream()
                    .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                    .toArray(String[]::new);
            assertThat(bs).as(series.getKey()).hasSize(34);
            assertThat(bs.getFirst().labels().get("le")).isEqualTo("10");
            assertThat(bs.getLast().labels().get("le")).isEqualTo("+Inf");
            for (int i = 1; i < bs.size(); i++) {
                assertThat(bs.get(i).value())
                        .as(series.getKey())
                        .isGreaterThanOrEqualTo(bs.get(i - 1).value());
            }
            assertThat(bs.getLast().value())
                    .as(series.getKey() + " +Inf against _count")
                    .isEqualTo(metrics.value(family + "_count", flat))
                    .isPositive();
            assertThat(metrics.samples(family + "_sum", flat))
                    .as(series.getKey())
                    .hasSize(1);
        }
    }

    @Test
    void examplesAndWarmUpsAreRecordedUnderTensorFlowServingsNames() {
        ServingMetrics metrics = new ServingMetrics();
        metrics.recordExamples("m", 1);
        metrics.recordExamples("m", 3);
        metrics.recordExamples("m", 20_000);
        metrics.recordWarmup("/models/m/1", Optional.empty(), 5, 2_000_000);
        metrics.recordWarmup(
                "/models/m/2", Optional.of(new ServingException(Code.DATA_LOSS, "truncated record")), 2, 1_000_000);

        PrometheusText text = PrometheusText.parse(metrics.scrape());

        String counts = ServingMetrics.EXAMPLE_COUNTS;
        assertThat(text.type(counts)).hasValue("histogram");
        List<String> bounds = text.samples(counts + "_bucket", "model", "m").stream()
                .map(s -> s.labels().get("le"))
                .toList();
        assertThat(bounds)
                .containsExactly(
                        "1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "2048", "4096", "8192",
                        "16384", "+Inf");
        assertThat(text.value(counts + "_bucket", "model", "m", "le", "1")).isEqualTo(1);
        assertThat(text.value(counts + "_bucket", "model", "m", "le", "2")).isEqualTo(1);
        assertThat(text.value(counts + "_bucket", "model", "m", "le", "4")).isEqualTo(2);
        assertThat(text.value(counts + "_bucket", "model", "m", "le", "16384")).isEqualTo(2);
        assertThat(text.value(counts + "_bucket", "model", "m", "le", "+Inf")).isEqualTo(3);
        assertThat(text.value(counts + "_count", "model", "m")).isEqualTo(3);
        assertThat(text.value(counts + "_sum", "model", "m")).isEqualTo(20_004);
        assertThat(text.value(ServingMetrics.EXAMPLE_COUNT_TOTAL, "model", "m")).isEqualTo(20_004);
        assertThat(text.type(ServingMetrics.EXAMPLE_COUNT_TOTAL)).hasValue("counter");

        assertThat(text.value(ServingMetrics.WARMUP_LATENCY + "_count", "model_path", "/models/m/1", "status", "OK"))
                .isEqualTo(1);
        assertThat(text.value(ServingMetrics.WARMUP_LATENCY + "_sum", "model_path", "/models/m/1", "status", "OK"))
                .isEqualTo(2_000);
        assertThat(text.value(ServingMetrics.WARMUP_RECORDS, "model_path", "/models/m/1", "status", "OK"))
                .isEqualTo(5);
        assertThat(text.value(
                        ServingMetrics.WARMUP_RECORDS,
                        "model_path",
                        "/models/m/2",
                        "status",
                        "DATA_LOSS: truncated record"))
                .isEqualTo(2);
    }
}
