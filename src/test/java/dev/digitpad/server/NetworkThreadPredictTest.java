package dev.digitpad.server;

import static dev.digitpad.testing.Tensors.floatVal;
import static dev.digitpad.testing.Tensors.predict;
import static dev.digitpad.testing.Tensors.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.FakeServable;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/**
 * Where the real server runs a Predict: on the network thread that read it only when the server is otherwise idle
 * and the model's runs are brief, so that an idle server answers without two thread hand-overs; on a worker
 * otherwise, so that a slow or busy model never keeps the network threads from reading and answering other calls.
 */
class NetworkThreadPredictTest {
    private static final String WORKER_PREFIX = "grpc-call-";

    @TempDir
    Path base;

    private RunAdmission admission;
    private ModelManager models;
    private ModelServer server;
    private ManagedChannel channel;
    private final ThreadRecording servable = new ThreadRecording();

    @AfterEach
    void close() throws Exception {
        servable.fake.release();
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (models != null) {
            models.close();
        }
        if (admission != null) {
            admission.close();
        }
    }

    /** The fake model, recording the thread of each run, and sleeping in each run if told to. */
    private static final class ThreadRecording implements Servable {
        final FakeServable fake = new FakeServable();
        final List<String> threads = new CopyOnWriteArrayList<>();
        volatile long sleepMillis;

        @Override
        public Map<String, SignatureDef> signatures() {
            return fake.signatures();
        }

        @Override
        public Map<String, TensorProto> predict(
                String key, Map<String, TensorProto> inputs, List<String> filter, RunLimits limits) {
            threads.add(Thread.currentThread().getName());
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return fake.predict(key, inputs, filter, limits);
        }

        @Override
        public void close() {
            fake.close();
        }
    }

    /** The real server, as `digitpad serve` runs it: Netty, each version's runs bounded (two at once here). */
    private PredictionServiceGrpc.PredictionServiceBlockingStub serve() throws Exception {
        Files.createDirectories(base.resolve("1"));
        Files.writeString(base.resolve("1/saved_model.pb"), "unused: the loader makes the fake");
        admission = new RunAdmission(new RunAdmission.Options(2, 8));
        models = new ModelManager(
                List.of(new ModelConfig("m", base)),
                admission.limiting((model, version, dir) -> servable),
                Duration.ZERO);
        models.pollNow();
        server = ModelServer.start(
                new ServingCore(models),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        0,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30)));
        channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                .usePlaintext()
                .build();
        return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static PredictRequest request(float a, float b) {
        return predict(spec("m"), Map.of("x", floatVal(new long[] {1, FakeServable.WIDTH}, a, b)));
    }

    @Test
    void aBriefPredictOnAnIdleServerIsRunOnTheNetworkThreadAndAnswered() throws Exception {
        var stub = serve();

        for (int i = 0; i < 3; i++) {
            PredictResponse answer = stub.predict(request(i, 10));
            assertThat(answer.getOutputsOrThrow("y").getFloatValList()).containsExactly(i + 1f, 11f);
        }

        // The first run is not yet known to be brief: it goes to a worker, and is timed.
        assertThat(servable.threads.getFirst()).startsWith(WORKER_PREFIX);
        assertThat(servable.threads.getLast()).doesNotStartWith(WORKER_PREFIX).contains("worker"); // Netty's event loop
    }

    @Test
    void whileARunIsGoingOnAnotherCallGoesToAWorkerAndIsAnswered() throws Exception {
        var stub = serve();
        stub.predict(request(1, 2));
        stub.predict(request(1, 2)); // from now on an idle server runs a call on its network thread
        ManagedChannel other = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                .usePlaintext()
                .build();
        try {
            var held = PredictionServiceGrpc.newFutureStub(other)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predict(request(FakeServable.HOLD, 2));
            servable.fake.awaitHolding();

            PredictResponse answer = stub.predict(request(5, 6));

            assertThat(answer.getOutputsOrThrow("y").getFloatValList()).containsExactly(6f, 7f);
            assertThat(servable.threads.getLast()).startsWith(WORKER_PREFIX);
            servable.fake.release();
            assertThat(held.get(30, TimeUnit.SECONDS).getOutputsOrThrow("y").getFloatValList())
                    .containsExactly(0f, 3f);
        } finally {
            other.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFewBytesThatDeclareALargeTensorGoToAWorker() throws Exception {
        var stub = serve();
        stub.predict(request(1, 2));
        stub.predict(request(1, 2)); // from now on an idle server runs a brief call on its network thread

        // One value stands for all 40,000 of the declared [20000, 2] tensor: under 100 bytes on the wire.
        PredictRequest large = predict(spec("m"), Map.of("x", floatVal(new long[] {20_000, FakeServable.WIDTH}, 1f)));
        PredictResponse answer = stub.predict(large);

        assertThat(large.getSerializedSize()).isLessThan(100);
        assertThat(answer.getOutputsOrThrow("y").getFloatValCount()).isEqualTo(40_000);
        assertThat(servable.threads.getLast()).startsWith(WORKER_PREFIX);
    }

    @Test
    void aSlowModelIsNeverRunOnTheNetworkThread() throws Exception {
        servable.sleepMillis = 20;
        var stub = serve();

        for (int i = 0; i < 4; i++) {
            stub.predict(request(1, 2));
        }

        assertThat(servable.threads)
                .hasSize(4)
                .allSatisfy(thread -> assertThat(thread).startsWith(WORKER_PREFIX));
    }
}
