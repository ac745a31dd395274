package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.inference.BatchScheduler;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.protocol.serving.ClassificationResponse;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.FakeServable;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import dev.digitpad.testing.TfExamples;
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
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.TensorProto;

/**
 * Batching behind both front ends, over real loopback sockets: under concurrency, with requests of mixed batch
 * sizes and encodings, every caller gets exactly the answer it would get without batching; a full queue is
 * answered UNAVAILABLE (HTTP 503) at once; a deadline that passes in the queue is DEADLINE_EXCEEDED (HTTP 504).
 */
class BatchingOverTheWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path models;

    private static ModelManager plain;
    private static ServingCore unbatched;
    private static BatchScheduler scheduler;
    private static ModelManager batchedModels;
    private static ModelServer server;
    private static ManagedChannel channel;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        TestModels.writeVersion(models.resolve("mnist"), 1, Kind.MNIST);
        TestModels.writeVersion(models.resolve("pair"), 3, Kind.TWO_INPUTS);
        TestModels.writeVersion(models.resolve("examples"), EXAMPLES_VERSION, Kind.EXAMPLES);
        ModelConfig[] configs = {
            new ModelConfig("mnist", models.resolve("mnist")),
            new ModelConfig("pair", models.resolve("pair")),
            new ModelConfig("examples", models.resolve("examples"))
        };
        plain = TestModels.loaded(configs);
        unbatched = new ServingCore(plain);
        // A short timeout so that concurrent requests meet in batches; small batches so that many form.
        scheduler = new BatchScheduler(new BatchingOptions(8, 3_000, 1000, 2));
        batchedModels =
                new ModelManager(List.of(configs), scheduler.batching(ServableLoader.savedModels()), Duration.ZERO);
        batchedModels.pollNow();
        server = ModelServer.start(
                new ServingCore(batchedModels),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30)));
        channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                .usePlaintext()
                .build();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        for (ModelManager m : new ModelManager[] {batchedModels, plain}) {
            if (m != null) {
                m.close();
            }
        }
    }

    /** Request {@code i} of a caller: either model, 1 to 5 examples, values in tensor_content or float_val. */
    private static PredictRequest request(Random random, int i) {
        int rows = 1 + random.nextInt(5);
        boolean content = random.nextBoolean();
        if (i % 3 == 2) {
            float[] a = randomValues(random, rows * 2);
            float[] b = randomValues(random, rows * 2);
            long[] dims = {rows, 2};
            return Tensors.predict(
                    Tensors.spec("pair"),
                    Map.of(
                            "a", content ? Tensors.floatContent(dims, a) : Tensors.floatVal(dims, a),
                            "b", content ? Tensors.floatVal(dims, b) : Tensors.floatContent(dims, b)));
        }
        long[] dims = {rows, TestModels.SIDE, TestModels.SIDE, 1};
        float[] pixels = randomValues(random, rows * TestModels.PIXELS);
        return Tensors.predict(
                Tensors.spec("mnist"),
                Map.of("flatten_input", content ? Tensors.floatContent(dims, pixels) : Tensors.floatVal(dims, pixels)));
    }

    private static float[] randomValues(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }

    /**
     * How far a value computed in a batch may be from the same value computed alone: TensorFlow's CPU kernels may
     * sum in another order for another batch size (a CI run saw 1.13e-6 on a probability of 0.33), far below
     * anything a wrong row (another caller's answer) would give.
     */
    private static final float BATCHED_TOLERANCE = 1e-5f;

    private static void assertSameOutputs(
            Map<String, TensorProto> batched, Map<String, TensorProto> alone, String what) {
        assertThat(batched.keySet()).as(what).isEqualTo(alone.keySet());
        alone.forEach((key, expected) -> {
            assertThat(Tensors.dims(batched.get(key)))
                    .as("%s: shape of %s", what, key)
                    .containsExactly(Tensors.dims(expected));
            float[] want = Tensors.floats(expected);
            float[] got = Tensors.floats(batched.get(key));
            assertThat(got).as("%s: %s", what, key).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).as("%s: %s[%d]", what, key, i).isCloseTo(want[i], within(BATCHED_TOLERANCE));
            }
        });
    }

    @Test
    void grpcAnswersWithBatchingAreThoseWithoutForEveryCaller() throws Exception {
        BatchScheduler.Stats before = scheduler.stats();
        int callers = 16;
        int calls = 30;
        inParallel(callers, calls, (caller, random, i) -> {
            var stub = PredictionServiceGrpc.newBlockingStub(channel);
            PredictRequest request = request(random, i);
            PredictResponse batched =
                    stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request);
            PredictResponse alone = unbatched.predict(request, RunLimits.NONE);
            assertSameOutputs(batched.getOutputsMap(), alone.getOutputsMap(), "caller " + caller + ", call " + i);
            assertThat(batched.getModelSpec()).isEqualTo(alone.getModelSpec());
        });

        BatchScheduler.Stats stats = scheduler.stats().since(before);
        assertThat(stats.requests()).isEqualTo((long) callers * calls);
        assertThat(stats.batches()).as("requests shared batches").isLessThan(stats.requests());
    }

    private static final long EXAMPLES_VERSION = 2;

    @Test
    void classifyCallsShareBatchesOfSerializedExamplesAndEachGetsItsOwnClasses() throws Exception {
        BatchScheduler.Stats before = scheduler.stats();
        int callers = 8;
        int calls = 12;
        inParallel(callers, calls, (caller, random, i) -> {
            int rows = 1 + random.nextInt(4);
            float[] xs = randomValues(random, rows);
            Example[] examples = new Example[rows];
            for (int r = 0; r < rows; r++) {
                examples[r] = TfExamples.x(xs[r]);
            }
            ClassificationResponse response = PredictionServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .classify(TfExamples.classify(
                            TfExamples.spec("examples", TestModels.Examples.CLASSIFY), TfExamples.list(examples)));
            assertThat(response.getResult().getClassificationsList()).hasSize(rows);
            for (int r = 0; r < rows; r++) {
                float[] want = TestModels.Examples.scores(xs[r], 0, EXAMPLES_VERSION);
                List<dev.digitpad.protocol.serving.Class> classes =
                        response.getResult().getClassifications(r).getClassesList();
                assertThat(classes)
                        .extracting(dev.digitpad.protocol.serving.Class::getLabel)
                        .isEqualTo(TestModels.Examples.LABELS);
                for (int c = 0; c < want.length; c++) {
                    assertThat(classes.get(c).getScore())
                            .as("caller %d call %d example %d", caller, i, r)
                            .isCloseTo(want[c], within(BATCHED_TOLERANCE));
                }
            }
        });

        BatchScheduler.Stats stats = scheduler.stats().since(before);
        assertThat(stats.requests()).isEqualTo((long) callers * calls);
        assertThat(stats.batches()).as("requests shared batches").isLessThan(stats.requests());
    }

    @Test
    void restAnswersWithBatchingAreThoseWithoutInBothForms() throws Exception {
        BatchScheduler.Stats before = scheduler.stats();
        int callers = 8;
        int calls = 12;
        inParallel(callers, calls, (caller, random, i) -> {
            int rows = 1 + random.nextInt(4);
            float[] pixels = randomValues(random, rows * TestModels.PIXELS);
            PredictResponse alone = unbatched.predict(
                    Tensors.predict(
                            Tensors.spec("mnist"),
                            Map.of(
                                    "flatten_input",
                                    Tensors.floatContent(
                                            new long[] {rows, TestModels.SIDE, TestModels.SIDE, 1}, pixels))),
                    RunLimits.NONE);
            float[] want = Tensors.floats(alone.getOutputsOrThrow("dense"));
            boolean columns = i % 2 == 1;
            JsonNode answer = restPredict("mnist", body(pixels, rows, columns));
            float[] got = flatten(answer.get(columns ? "outputs" : "predictions"));
            assertThat(got).as("caller %d call %d", caller, i).hasSameSizeAs(want);
            for (int k = 0; k < want.length; k++) {
                assertThat(got[k]).isCloseTo(want[k], within(BATCHED_TOLERANCE));
            }
        });
        assertThat(scheduler.stats().since(before).requests()).isEqualTo((long) callers * calls);
    }

    /** One call of {@link #inParallel}: caller number, that caller's seeded random source, call number. */
    private interface Call {
        void run(int caller, Random random, int call) throws Exception;
    }

    /** {@code callers} threads each make {@code calls} calls, with a random source seeded by the caller's number. */
    private static void inParallel(int callers, int calls, Call call) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (int c = 0; c < callers; c++) {
                int caller = c;
                done.add(pool.submit(() -> {
                    Random random = new Random(caller);
                    for (int i = 0; i < calls; i++) {
                        call.run(caller, random, i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String body(float[] pixels, int rows, boolean columns) {
        StringBuilder images = new StringBuilder("[");
        for (int r = 0; r < rows; r++) {
            images.append(r == 0 ? "[" : ",[");
            for (int y = 0; y < TestModels.SIDE; y++) {
                images.append(y == 0 ? "[" : ",[");
                for (int x = 0; x < TestModels.SIDE; x++) {
                    images.append(x == 0 ? "[" : ",[")
                            .append(pixels[r * TestModels.PIXELS + y * TestModels.SIDE + x])
                            .append(']');
                }
                images.append(']');
            }
            images.append(']');
        }
        images.append(']');
        return (columns ? "{\"inputs\":" : "{\"instances\":") + images + "}";
    }

    private static JsonNode restPredict(String model, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + server.restPort().orElseThrow() + "/v1/models/" + model + ":predict"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static float[] flatten(JsonNode node) {
        List<Float> values = new ArrayList<>();
        flatten(node, values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void flatten(JsonNode node, List<Float> into) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, into));
        } else {
            into.add(node.floatValue());
        }
    }

    /** A server whose one batch thread a test can hold, with room for one waiting batch of one example. */
    private static final class HeldServer implements AutoCloseable {
        final FakeServable fake = new FakeServable();
        final BatchScheduler tiny = new BatchScheduler(new BatchingOptions(1, 0, 1, 1));
        final ModelManager manager;
        final ServingCore core;
        final ModelServer server;
        final ManagedChannel channel;

        HeldServer(Path base) throws Exception {
            this(base, Duration.ofSeconds(30));
        }

        HeldServer(Path base, Duration restTimeout) throws Exception {
            Files.createDirectories(base.resolve("1"));
            Files.writeString(base.resolve("1/saved_model.pb"), "read by the fake loader only");
            manager = new ModelManager(
                    List.of(new ModelConfig("fake", base)), tiny.batching((m, v, d) -> fake), Duration.ZERO);
            manager.pollNow();
            core = new ServingCore(manager);
            server = ModelServer.start(
                    core,
                    new ModelServer.Options(
                            ModelServer.Options.LOOPBACK,
                            0,
                            -1,
                            ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                            restTimeout));
            channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                    .usePlaintext()
                    .build();
        }

        PredictRequest request(float value) {
            return Tensors.predict(Tensors.spec("fake"), FakeServable.rows(1, value, true));
        }

        @Override
        public void close() throws Exception {
            fake.release();
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            server.close();
            tiny.close();
            manager.close();
        }
    }

    @Test
    void aFullQueueIsUnavailableOnBothFrontEndsWhileTheBatchThreadIsBusy() throws Exception {
        try (HeldServer held = new HeldServer(models.resolve("held-full"))) {
            var async = PredictionServiceGrpc.newFutureStub(held.channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            var running = async.predict(held.request(FakeServable.HOLD));
            held.fake.awaitHolding();
            var waiting = async.predict(held.request(5));
            // The waiting request is in the queue once the scheduler counts it; wait for that, not for a time.
            awaitQueued(held, waiting);

            Status refused = statusOf(() -> PredictionServiceGrpc.newBlockingStub(held.channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predict(held.request(6)));
            HttpResponse<String> rest = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                    + held.server.restPort().orElseThrow() + "/v1/models/fake:predict"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[7, 7]]}"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(refused.getDescription()).contains("is full").contains("max_enqueued_batches");
            assertThat(rest.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(rest.body()).get("error").asText()).contains("is full");
            assertThat(running.isDone())
                    .as("the held call is still running: the refusals did not wait for it")
                    .isFalse();

            held.fake.release();
            assertThat(Tensors.floats(running.get(30, TimeUnit.SECONDS).getOutputsOrThrow("y")))
                    .containsExactly(0, 0);
            assertThat(Tensors.floats(waiting.get(30, TimeUnit.SECONDS).getOutputsOrThrow("y")))
                    .containsExactly(6, 6);
            // The metrics count every call once its answer is known, batched or refused.
            String metrics = held.core.metrics().scrape();
            assertThat(metrics)
                    .contains(":tensorflow:serving:request_count{model_name=\"fake\",status=\"OK\"} 2\n")
                    .contains(":tensorflow:serving:request_count{model_name=\"fake\",status=\"UNAVAILABLE\"} 2\n");
        }
    }

    private static void awaitQueued(HeldServer held, Future<?> waiting) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (held.tiny.queuedRequests() < 1) {
            if (System.nanoTime() > end || waiting.isDone()) {
                throw new AssertionError("the second request never reached the batching queue");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aRestTimeoutThatPassesInTheQueueIs504AndTheRequestIsNotRun() throws Exception {
        try (HeldServer held = new HeldServer(models.resolve("held-deadline"), Duration.ofMillis(300))) {
            var running = PredictionServiceGrpc.newFutureStub(held.channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .predict(held.request(FakeServable.HOLD));
            held.fake.awaitHolding();

            // The client waits far longer than the server's REST timeout: the answer is the server's.
            HttpResponse<String> late = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                    + held.server.restPort().orElseThrow() + "/v1/models/fake:predict"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[9, 9]]}"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(late.statusCode()).isEqualTo(504);
            assertThat(JSON.readTree(late.body()).get("error").asText())
                    .contains("deadline")
                    .contains("was not run");
            assertThat(running.isDone()).isFalse();
            held.fake.release();
            running.get(30, TimeUnit.SECONDS);
            held.tiny.close();
            assertThat(held.fake.runs()).hasSize(1).noneMatch(run -> run[0] == 9);
        }
    }
}
