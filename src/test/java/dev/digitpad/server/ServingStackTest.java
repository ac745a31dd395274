package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.FakeServable;
import dev.digitpad.testing.FakeVersions;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/**
 * The serving stack: what its options ask for is what it builds, it stops its parts front ends first and run admission
 * last, and a build that fails half-way leaves nothing running. The models are {@link FakeServable}s, so that what
 * is loaded, run and closed can be watched.
 */
class ServingStackTest {
    private static final String MODEL = "fake";
    private static final ModelServer.Options LOOPBACK_ANY_PORTS = new ModelServer.Options(
            ModelServer.Options.LOOPBACK, 0, -1, ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(30));

    @TempDir
    Path dir;

    /** What happened, in order: loads and closes of servables, and what a test notes on the way. */
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Loads a {@link FakeServable} for every version, noting its load and its close in {@link #events}. */
    private final FakeVersions fakes = new FakeVersions(events);

    private Path modelWithOneVersion() throws IOException {
        Path base = dir.resolve(MODEL);
        return FakeVersions.write(base, 1);
    }

    private ServingStack.Options options(Path base) {
        return ServingStack.Options.of(List.of(new ModelConfig(MODEL, base)), fakes);
    }

    private static PredictRequest request(float value) {
        return Tensors.predict(Tensors.spec(MODEL), FakeServable.rows(1, value, true));
    }

    @Test
    void everyPartServesAndTheyStopFrontEndsFirstThenBatchingThenTheModelsThenTheRunBound() throws Exception {
        Path base = modelWithOneVersion();
        ServingStack stack = ServingStack.start(options(base)
                .withRunBound(new RunAdmission.Options(2, 8))
                .withBatching(new BatchingOptions(4, 0, 10, 1))
                .withNetwork(LOOPBACK_ANY_PORTS)
                .withInProcess()
                .loadingFirst("Do something."));
        int grpcPort = stack.grpcPort();
        assertThat(stack.restPort()).isPresent();
        assertThat(PredictionServiceGrpc.newBlockingStub(stack.inProcessChannel())
                        .predict(request(1f))
                        .getOutputsMap())
                .containsKey("y");
        // When the models unload, the front ends must already be closed: nothing can call a model being unloaded.
        stack.models().addListener((model, available) -> {
            events.add("unavailable; gRPC port " + (accepts(grpcPort) ? "open" : "closed") + ", in-process channel "
                    + (stack.inProcessChannel().isShutdown() ? "shut down" : "open"));
        });

        stack.stop(Duration.ofSeconds(1));
        stack.stop(Duration.ofSeconds(1));

        assertThat(stack.stopped())
                .containsExactly(
                        "network front end",
                        "in-process front end",
                        "batch scheduler",
                        "model manager",
                        "run admission");
        assertThat(events)
                .containsExactly(
                        "load fake 1", "unavailable; gRPC port closed, in-process channel shut down", "close fake 1");
        assertThat(stack.batchScheduler().orElseThrow().stats().requests()).isEqualTo(1);
        assertThatThrownBy(() -> stack.core().predict(request(1f), RunLimits.NONE))
                .isInstanceOf(ServingException.class)
                .extracting(e -> ((ServingException) e).code())
                .isEqualTo(Code.UNAVAILABLE);
    }

    @Test
    void withoutFrontEndsTheCoreServesAndOnlyWhatWasAskedForIsStopped() throws Exception {
        Path base = modelWithOneVersion();
        try (ServingStack stack = ServingStack.start(options(base).loadingFirst("Do something."))) {
            assertThat(stack.core().predict(request(1f), RunLimits.NONE).getOutputsMap())
                    .containsKey("y");
            assertThat(stack.batchScheduler()).isEmpty();
            assertThatThrownBy(stack::grpcPort).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(stack::inProcessChannel).isInstanceOf(IllegalStateException.class);
            stack.close();
            assertThat(stack.stopped()).containsExactly("model manager");
        }
        assertThat(events).containsExactly("load fake 1", "close fake 1");
    }

    @Test
    void withoutLoadingFirstNothingLoadsUntilPollingStarts() throws Exception {
        Path base = modelWithOneVersion();
        try (ServingStack stack = ServingStack.start(options(base))) {
            assertThat(events).isEmpty();
            assertThat(stack.models().isAvailable(MODEL)).isFalse();

            stack.startPolling();

            assertThat(stack.models().awaitAvailable(Duration.ofSeconds(10))).isTrue();
            assertThat(events).containsExactly("load fake 1");
        }
    }

    @Test
    void aPortInUseFailsTheBuildAndStopsWhatWasBuiltModelsIncluded() throws Exception {
        Path base = modelWithOneVersion();
        long batchThreads = threadsNamed("batch-");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(ModelServer.Options.LOOPBACK))) {
            ServingStack.Options options = options(base)
                    .withRunBound(new RunAdmission.Options(1, 1))
                    .withBatching(new BatchingOptions(4, 0, 10, 2))
                    .loadingFirst("Do something.")
                    .withNetwork(new ModelServer.Options(
                            ModelServer.Options.LOOPBACK,
                            taken.getLocalPort(),
                            0,
                            ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                            Duration.ofSeconds(30)));

            assertThatThrownBy(() -> ServingStack.start(options))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on " + ModelServer.Options.LOOPBACK)
                    .hasMessageContaining("another program is using the port");
        }
        assertThat(events)
                .as("the model was loaded, then unloaded when the build failed")
                .containsExactly("load fake 1", "close fake 1");
        assertThat(threadsNamed("batch-"))
                .as("the batch scheduler's threads have ended")
                .isEqualTo(batchThreads);
    }

    @Test
    void aModelThatDoesNotLoadFailsTheBuildSayingWhyAndWhatToDoBeforeAnyPortOpens() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path broken = modelWithOneVersion();
        ServableLoader failing = (model, version, versionDir) -> {
            throw ServingException.failedPrecondition("not a model at all");
        };
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(ModelServer.Options.LOOPBACK))) {
            port = free.getLocalPort();
        }
        ModelServer.Options network = new ModelServer.Options(
                ModelServer.Options.LOOPBACK,
                port,
                0,
                ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                Duration.ofSeconds(30));
        long batchThreads = threadsNamed("batch-");
        Map<ServingStack.Options, String> reasons = Map.of(
                options(dir.resolve("missing")), "there is no such folder",
                options(empty), "there is no version folder with a saved_model.pb in it",
                ServingStack.Options.of(List.of(new ModelConfig(MODEL, broken)), failing), "not a model at all");
        for (Map.Entry<ServingStack.Options, String> e : reasons.entrySet()) {
            Path base = e.getKey().models().getFirst().basePath();

            assertThatThrownBy(() -> ServingStack.start(e.getKey()
                            .withBatching(new BatchingOptions(4, 0, 10, 1))
                            .withNetwork(network)
                            .loadingFirst("Do something.")))
                    .isInstanceOf(UnservableModel.class)
                    .hasMessage("The model in " + base + " could not be loaded: " + e.getValue() + ". Do something.");
            assertThat(accepts(port))
                    .as("the network front end was never started")
                    .isFalse();
        }
        assertThat(threadsNamed("batch-"))
                .as("the batch schedulers' threads have ended")
                .isEqualTo(batchThreads);
    }

    @Test
    void theLoaderChainBoundsRunsOnlyWhenAskedTo() throws Exception {
        Path base = modelWithOneVersion();
        try (ServingStack stack = ServingStack.start(
                options(base).withRunBound(new RunAdmission.Options(1, 0)).loadingFirst("Do something."))) {
            CompletableFuture<?> held =
                    CompletableFuture.runAsync(() -> stack.core().predict(request(FakeServable.HOLD), RunLimits.NONE));
            fakes.loaded().getFirst().awaitHolding();

            assertThatThrownBy(() -> stack.core().predict(request(1f), RunLimits.NONE))
                    .as("one run at once, none waiting: the second is refused")
                    .isInstanceOf(ServingException.class)
                    .extracting(e -> ((ServingException) e).code())
                    .isEqualTo(Code.UNAVAILABLE);

            fakes.loaded().getFirst().release();
            held.get(10, TimeUnit.SECONDS);
        }
        fakes.loaded().clear();
        try (ServingStack stack = ServingStack.start(options(base).loadingFirst("Do something."))) {
            CompletableFuture<?> held =
                    CompletableFuture.runAsync(() -> stack.core().predict(request(FakeServable.HOLD), RunLimits.NONE));
            fakes.loaded().getFirst().awaitHolding();

            assertThat(stack.core().predict(request(1f), RunLimits.NONE).getOutputsMap())
                    .as("no bound: a second call runs beside the held one")
                    .containsKey("y");

            fakes.loaded().getFirst().release();
            held.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLoaderChainBatchesAndTimesLoadsOnlyWhenAskedTo() throws Exception {
        Path base = modelWithOneVersion();
        try (ServingStack stack = ServingStack.start(options(base)
                .withBatching(new BatchingOptions(4, 0, 10, 1))
                .timingLoads()
                .loadingFirst("Do something."))) {
            stack.core().predict(request(1f), RunLimits.NONE);

            assertThat(stack.batchScheduler().orElseThrow().stats().requests()).isEqualTo(1);
            assertThat(stack.core().metrics().scrape())
                    .contains(ServingMetrics.LOAD_ATTEMPT_COUNT + "{model_path=\"" + base.resolve("1")
                            + "\",status=\"success\"} 1");
        }
        try (ServingStack stack = ServingStack.start(options(base).loadingFirst("Do something."))) {
            stack.core().predict(request(1f), RunLimits.NONE);

            assertThat(stack.batchScheduler()).isEmpty();
            assertThat(stack.core().metrics().scrape()).doesNotContain("model_path=\"" + base.resolve("1"));
        }
    }

    @Test
    void theDefaultSignatureIsFoundOrRefusedNamingTheSignaturesTheModelHas() throws Exception {
        Path base = modelWithOneVersion();
        try (ServingStack stack = ServingStack.start(options(base).loadingFirst("Do something."))) {
            assertThat(stack.defaultSignature(MODEL, "the test")).isEqualTo(FakeServable.signature());
        }
        assertThatThrownBy(() ->
                        ServingStack.defaultSignature(Map.of("other", FakeServable.signature()), base, "the test"))
                .isInstanceOf(UnservableModel.class)
                .hasMessage("The model in " + base + " has no \"" + TestModels.SIGNATURE
                        + "\" signature, which the test calls; it has [other].");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(ModelServer.Options.LOOPBACK, port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }
}
