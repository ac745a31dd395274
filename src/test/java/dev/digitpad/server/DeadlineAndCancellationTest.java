package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static dev.digitpad.testing.Tensors.floatVal;
import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.predict;
import static dev.digitpad.testing.Tensors.predictImages;
import static dev.digitpad.testing.Tensors.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.digitpad.inference.Lease;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.SavedModelServable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/**
 * The caller's deadline bounds the model run (TensorFlow's own run timeout stops a slow graph), and a call
 * whose caller has already gone away is not run at all.
 */
class DeadlineAndCancellationTest {
    private static final float SLOW_INPUT = 0.5f;

    @TempDir
    static Path models;

    private static ModelManager manager;
    private static ServingCore core;

    private InProcessServing grpc;

    @BeforeAll
    static void loadModels() throws Exception {
        TestModels.writeVersion(models.resolve("slow"), 1, Kind.SLOW);
        TestModels.writeVersion(models.resolve("mnist"), 1, Kind.MNIST);
        manager = new ModelManager(List.of(
                new ModelConfig("slow", models.resolve("slow")),
                new ModelConfig("mnist", models.resolve("mnist"))), ServableLoader.savedModels(), Duration.ZERO);
        manager.pollNow();
        core = new ServingCore(manager);
    }

    @AfterAll
    static void closeModels() {
        if (manager != null) {
            manager.close();
        }
    }

    @AfterEach
    void stopServer() throws Exception {
        if (grpc != null) {
            grpc.close();
        }
    }

    private static PredictRequest slowRequest() {
        return predict(spec("slow"), Map.of("x", floatVal(new long[] {TestModels.SLOW_SIDE, TestModels.SLOW_SIDE}, SLOW_INPUT)));
    }

    /** What the slow model answers for an input whose elements all equal {@code value}. */
    private static double slowAnswer(float value) {
        double t = value;
        for (int i = 0; i < TestModels.SLOW_STEPS; i++) {
            t = Math.tanh(t); // every product with the averaging matrix keeps the rows' common value
        }
        return t * TestModels.SLOW_SIDE * TestModels.SLOW_SIDE;
    }

    private static long runCount(String model) {
        try (Lease lease = manager.acquire(model, OptionalLong.empty())) {
            return ((SavedModelServable) lease.servable()).runCount();
        }
    }

    /** Records how the server closed each call, and optionally holds each call until its context is cancelled. */
    private static final class ServerSide implements ServerInterceptor {
        final CompletableFuture<Status> closed = new CompletableFuture<>();
        final CompletableFuture<Boolean> heldUntilCancelled = new CompletableFuture<>();
        private final boolean hold;

        ServerSide(boolean hold) {
            this.hold = hold;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            CountDownLatch cancelled = new CountDownLatch(1);
            Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
            ServerCall<Q, R> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    closed.complete(status);
                    super.close(status, trailers);
                }
            };
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(recording, headers)) {
                @Override
                public void onHalfClose() {
                    if (hold) {
                        try {
                            heldUntilCancelled.complete(cancelled.await(30, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            heldUntilCancelled.complete(false);
                        }
                    }
                    super.onHalfClose(); // the service now answers a call whose client has gone
                }
            };
        }
    }

    @Test
    void theSlowModelAnswersWhenThereIsTime() {
        PredictResponse response = core.predict(slowRequest(), RunLimits.NONE);

        assertThat((double) floats(response.getOutputsOrThrow("y"))[0]).isCloseTo(slowAnswer(SLOW_INPUT), withinPercentage(0.1));
    }

    @Test
    void aShortGrpcDeadlineIsExceededAndTensorFlowStopsTheRun() throws Exception {
        ServerSide server = new ServerSide(false);
        grpc = InProcessServing.start(core, server);

        Status status = statusOf(() -> grpc.prediction().withDeadlineAfter(200, TimeUnit.MILLISECONDS).predict(slowRequest()));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        // On the server, the run itself ended because TensorFlow's run timeout (set from the deadline) fired.
        Status serverSide = server.closed.get(60, TimeUnit.SECONDS);
        assertThat(serverSide.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(serverSide.getDescription()).contains("TensorFlow stopped the run");
    }

    @Test
    void tensorFlowStopsARunThatOutlivesItsDeadline() {
        ServingException e = catchThrowableOfType(ServingException.class,
                () -> core.predict(slowRequest(), RunLimits.within(Duration.ofMillis(200))));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("TensorFlow stopped the run");
        // The session is still usable after a stopped run.
        PredictResponse response = core.predict(slowRequest(), RunLimits.NONE);
        assertThat((double) floats(response.getOutputsOrThrow("y"))[0]).isCloseTo(slowAnswer(SLOW_INPUT), withinPercentage(0.1));
    }

    @Test
    void aDeadlineThatHasAlreadyPassedIsNotRun() {
        long before = runCount("mnist");
        RunLimits passed = new RunLimits(Optional.of(System.nanoTime() - 1_000_000), () -> false);

        ServingException e = catchThrowableOfType(ServingException.class,
                () -> core.predict(predictImages("mnist", new float[TestModels.PIXELS]), passed));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
        assertThat(runCount("mnist")).isEqualTo(before);
    }

    @Test
    void aCancelledCallIsNotRun() {
        long before = runCount("mnist");
        RunLimits cancelled = new RunLimits(Optional.empty(), () -> true);

        ServingException e = catchThrowableOfType(ServingException.class,
                () -> core.predict(predictImages("mnist", new float[TestModels.PIXELS]), cancelled));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Code.CANCELLED);
        assertThat(runCount("mnist")).isEqualTo(before);
    }

    @Test
    void aGrpcCallWhoseClientHasGoneIsNotRun() throws Exception {
        ServerSide server = new ServerSide(true);
        grpc = InProcessServing.start(core, server);
        long before = runCount("mnist");

        Status status = statusOf(() -> grpc.prediction().withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                .predict(predictImages("mnist", new float[TestModels.PIXELS])));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(server.heldUntilCancelled.get(60, TimeUnit.SECONDS)).as("the server saw the call cancelled").isTrue();
        Status serverSide = server.closed.get(60, TimeUnit.SECONDS);
        assertThat(serverSide.getCode()).isIn(Status.Code.CANCELLED, Status.Code.DEADLINE_EXCEEDED);
        assertThat(serverSide.getDescription()).contains("before the model ran");
        assertThat(runCount("mnist")).isEqualTo(before);
    }
}
