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

import com.google.common.util.concurrent.ListenableFuture;
import dev.digitpad.inference.Lease;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.SavedModelServable;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.ProcessCpu;
import dev.digitpad.testing.ServingFixture;
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
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tensorflow.proto.error.Code;

/**
 * What a deadline does on the server: the gRPC deadline becomes TensorFlow's run timeout, so a run that overruns
 * is answered DEADLINE_EXCEEDED; a call whose deadline has passed or whose caller has gone away before the model
 * runs is not run at all; and nothing is left running once the call is closed. TensorFlow cannot interrupt a
 * graph of CPU kernels midway: a run that has started ends with its graph, and is reported as overrun then.
 */
class DeadlineAndCancellationTest {
    private static final float SLOW_INPUT = 0.5f;

    @RegisterExtension
    static final ServingFixture serving =
            ServingFixture.inProcess().version("slow", 1, Kind.SLOW).version("mnist", 1, Kind.MNIST);

    private static PredictRequest slowRequest() {
        return predict(
                spec("slow"),
                Map.of("x", floatVal(new long[] {TestModels.SLOW_SIDE, TestModels.SLOW_SIDE}, SLOW_INPUT)));
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
        try (Lease lease = serving.manager().acquire(model, OptionalLong.empty())) {
            return ((SavedModelServable) lease.servable()).runCount();
        }
    }

    /**
     * Sees each call on the server: when the service got it, and how the server closed it. With {@code hold},
     * the service gets the call only once the call's context is cancelled, i.e. once its client has gone away.
     */
    private static final class ServerSide implements ServerInterceptor {
        final CompletableFuture<Void> reachedService = new CompletableFuture<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();
        private final boolean hold;

        ServerSide(boolean hold) {
            this.hold = hold;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (!call.getMethodDescriptor().getFullMethodName().endsWith("/Predict")) {
                return next.startCall(call, headers);
            }
            CountDownLatch cancelled = new CountDownLatch(1);
            Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
            ServerCall<Q, R> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    closed.complete(status);
                    super.close(status, trailers);
                }
            };
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                    next.startCall(recording, headers)) {
                @Override
                public void onHalfClose() {
                    reachedService.complete(null);
                    if (hold) {
                        try {
                            if (!cancelled.await(60, TimeUnit.SECONDS)) {
                                throw new AssertionError("the client never went away");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    super.onHalfClose(); // the service now answers the call
                }
            };
        }
    }

    /** A quick call first, so that the server's own start-up does not eat into a short deadline. */
    private static void warmUpTheCallPath() {
        serving.grpc()
                .models()
                .getModelStatus(GetModelStatusRequest.newBuilder()
                        .setModelSpec(spec("mnist"))
                        .build());
    }

    @Test
    void aShortGrpcDeadlineOnASlowModelIsExceeded() throws Exception {
        InProcessServing grpc = serving.grpc();

        Status status = statusOf(() ->
                grpc.prediction().withDeadlineAfter(200, TimeUnit.MILLISECONDS).predict(slowRequest()));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void theGrpcDeadlineBecomesTensorFlowsRunTimeout() throws Exception {
        ServerSide server = new ServerSide(false);
        InProcessServing grpc = serving.grpc(server);
        warmUpTheCallPath();

        // Long enough for the call to reach the model on a busy machine, far shorter than one run.
        Status status = statusOf(
                () -> grpc.prediction().withDeadlineAfter(1, TimeUnit.SECONDS).predict(slowRequest()));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(server.reachedService).as("the call reached the service").succeedsWithin(Duration.ofSeconds(60));
        // TensorFlow's run timeout, set from the gRPC deadline, reported the overrun.
        Status serverSide = server.closed.get(60, TimeUnit.SECONDS);
        assertThat(serverSide.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(serverSide.getDescription())
                .contains("the model did not finish within the")
                .contains("ms left before the deadline; give the call a longer deadline");
    }

    /**
     * A call abandoned at its deadline leaves nothing behind: once the server has closed it, the process's CPU
     * is quiet (no thread goes on computing for it), the model ran once and was not retried, and the next call is
     * answered at once.
     */
    @Test
    void aCallPastItsDeadlineLeavesNoWorkRunningOnceClosed() throws Exception {
        ServerSide server = new ServerSide(false);
        InProcessServing grpc = serving.grpc(server);
        warmUpTheCallPath();
        ProcessCpu.awaitQuiet(); // a run that an earlier test abandoned may still be ending
        long runsBefore = runCount("slow");
        long cpuAtStart = ProcessCpu.nanos();
        long started = System.nanoTime();

        Status status = statusOf(
                () -> grpc.prediction().withDeadlineAfter(1, TimeUnit.SECONDS).predict(slowRequest()));
        Status serverSide = server.closed.get(60, TimeUnit.SECONDS); // the service is done with the call
        long cpuAtEnd = ProcessCpu.nanos();
        long ended = System.nanoTime();
        Thread.sleep(1000);
        long cpuASecondLater = ProcessCpu.nanos();

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(serverSide.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(runCount("slow"))
                .as("the model ran once, and was not retried")
                .isEqualTo(runsBefore + 1);
        double coresWhileRunning = (cpuAtEnd - cpuAtStart) / (double) (ended - started);
        double coresAfterwards = (cpuASecondLater - cpuAtEnd) / 1e9;
        assertThat(coresWhileRunning)
                .as("CPU cores busy while the slow model ran")
                .isGreaterThan(0.3);
        assertThat(coresAfterwards)
                .as("CPU cores busy in the second after the call was closed (%.2f while it ran)", coresWhileRunning)
                .isLessThan(coresWhileRunning / 4);
        long next = System.nanoTime();
        grpc.prediction()
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(predictImages("mnist", new float[TestModels.PIXELS]));
        assertThat(Duration.ofNanos(System.nanoTime() - next))
                .as("the next call")
                .isLessThan(Duration.ofSeconds(2));
    }

    /**
     * A run that outlives its deadline is answered DEADLINE_EXCEEDED and the session stays usable. What it costs is
     * measured too: TensorFlow reports the timeout only when the graph ends, having done all of its work (its CPU
     * time is that of a full run). If a TensorFlow release learns to stop such runs midway, this test says so, and
     * the README's Deadlines paragraph should change with it.
     */
    @Test
    void aRunThatOutlivesItsDeadlineIsDeadlineExceededOnceItsGraphHasRun() {
        long cpuAtStart = ProcessCpu.nanos();
        ServingException e = catchThrowableOfType(
                ServingException.class,
                () -> serving.core().predict(slowRequest(), RunLimits.within(Duration.ofMillis(200))));
        long overrunCpu = ProcessCpu.nanos() - cpuAtStart;

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
        assertThat(e.getMessage())
                .matches("the model did not finish within the 1?\\d\\d ms left before the deadline;"
                        + " give the call a longer deadline, or a faster model");
        // The session is still usable after an overrun, and the model answers when there is time.
        long fullStart = ProcessCpu.nanos();
        PredictResponse response = serving.core().predict(slowRequest(), RunLimits.NONE);
        long fullRunCpu = ProcessCpu.nanos() - fullStart;
        assertThat((double) floats(response.getOutputsOrThrow("y"))[0])
                .isCloseTo(slowAnswer(SLOW_INPUT), withinPercentage(0.1));
        assertThat((double) overrunCpu)
                .as("CPU of the overrun (full run: %d ms)", fullRunCpu / 1_000_000)
                .isGreaterThan(0.6 * fullRunCpu);
    }

    @Test
    void aDeadlineThatHasAlreadyPassedIsNotRun() {
        long before = runCount("mnist");
        RunLimits passed = new RunLimits(Optional.of(System.nanoTime() - 1_000_000), () -> false);

        ServingException e = catchThrowableOfType(
                ServingException.class,
                () -> serving.core().predict(predictImages("mnist", new float[TestModels.PIXELS]), passed));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
        assertThat(runCount("mnist")).isEqualTo(before);
    }

    @Test
    void aCancelledCallIsNotRun() {
        long before = runCount("mnist");
        RunLimits cancelled = new RunLimits(Optional.empty(), () -> true);

        ServingException e = catchThrowableOfType(
                ServingException.class,
                () -> serving.core().predict(predictImages("mnist", new float[TestModels.PIXELS]), cancelled));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Code.CANCELLED);
        assertThat(runCount("mnist")).isEqualTo(before);
    }

    @Test
    void aGrpcCallWhoseClientHasGoneIsNotRun() throws Exception {
        ServerSide server = new ServerSide(true);
        InProcessServing grpc = serving.grpc(server);
        long before = runCount("mnist");

        ListenableFuture<PredictResponse> call = PredictionServiceGrpc.newFutureStub(grpc.channel())
                .predict(predictImages("mnist", new float[TestModels.PIXELS]));
        server.reachedService.get(60, TimeUnit.SECONDS);
        call.cancel(true); // the client goes away while the server still holds the call

        assertThat(call.isCancelled()).isTrue();
        Status serverSide = server.closed.get(60, TimeUnit.SECONDS);
        assertThat(serverSide.getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(serverSide.getDescription()).isEqualTo("the call was cancelled before the model ran");
        assertThat(runCount("mnist")).isEqualTo(before);
    }

    @Test
    void aGrpcCallWhoseDeadlinePassedBeforeItRanIsNotRun() throws Exception {
        ServerSide server = new ServerSide(true);
        InProcessServing grpc = serving.grpc(server);
        warmUpTheCallPath();
        long before = runCount("mnist");

        Status status = statusOf(() -> grpc.prediction()
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .predict(predictImages("mnist", new float[TestModels.PIXELS])));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(server.reachedService).as("the call reached the service").succeedsWithin(Duration.ofSeconds(60));
        Status serverSide = server.closed.get(60, TimeUnit.SECONDS);
        assertThat(serverSide.getDescription()).contains("before the model ran");
        assertThat(runCount("mnist")).isEqualTo(before);
    }
}
