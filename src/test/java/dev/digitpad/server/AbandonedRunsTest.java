package dev.digitpad.server;

import static dev.digitpad.testing.Tensors.floatVal;
import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.predict;
import static dev.digitpad.testing.Tensors.predictImages;
import static dev.digitpad.testing.Tensors.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.SavedModelServable;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.ProcessCpu;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bound on runs buys when clients keep calling a model slower than their deadlines: TensorFlow cannot
 * stop a run that has started, so every call that starts one costs a full run. With one run at once allowed, five
 * callers at once start one run; the other four wait without using a core and leave unrun at their deadline, a fast
 * model on the same server answers meanwhile, and the process is quiet once the one run has ended.
 */
class AbandonedRunsTest {
    private static final int CALLERS = 5;

    @TempDir
    Path models;

    private final Map<String, SavedModelServable> loaded = new ConcurrentHashMap<>();
    private RunAdmission admission;
    private ModelManager manager;
    private InProcessServing grpc;

    @AfterEach
    void close() throws Exception {
        if (grpc != null) {
            grpc.close();
        }
        // If the test failed early, a run may still be going: TensorFlow cannot stop it, and the JVM must not exit
        // under it (its native threads would crash the test JVM).
        ProcessCpu.awaitQuiet();
        if (manager != null) {
            manager.close();
        }
        if (admission != null) {
            admission.close();
        }
    }

    /** Records how the server closed each Predict call. */
    private static final class ServerCloses implements ServerInterceptor {
        final List<Status> statuses = new CopyOnWriteArrayList<>();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            return next.startCall(
                    new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                        @Override
                        public void close(Status status, Metadata trailers) {
                            statuses.add(status);
                            super.close(status, trailers);
                        }
                    },
                    headers);
        }

        /** The statuses of the calls closed with an error, once there are {@code count} of them. */
        List<Status> awaitFailures(int count) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                List<Status> failed = statuses.stream().filter(s -> !s.isOk()).toList();
                if (failed.size() >= count) {
                    return failed;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the server did not close " + count + " failed calls within 60 s: " + statuses);
        }
    }

    private void serve(int maxConcurrentRuns, int maxQueuedRuns, ServerInterceptor interceptor) throws Exception {
        TestModels.writeVersion(models.resolve("slow"), 1, Kind.SLOW);
        TestModels.writeVersion(models.resolve("mnist"), 1, Kind.MNIST);
        admission = new RunAdmission(new RunAdmission.Options(maxConcurrentRuns, maxQueuedRuns));
        // Not warmed up: a warm-up run of the slow model alone would take seconds.
        manager = new ModelManager(
                List.of(
                        new ModelConfig("slow", models.resolve("slow")),
                        new ModelConfig("mnist", models.resolve("mnist"))),
                admission.limiting((model, version, dir) -> {
                    SavedModelServable servable = SavedModelServable.load(dir);
                    loaded.put(model, servable);
                    return servable;
                }),
                Duration.ZERO);
        manager.pollNow();
        grpc = InProcessServing.start(new ServingCore(manager), interceptor);
    }

    private static PredictRequest slowRequest() {
        return predict(
                spec("slow"), Map.of("x", floatVal(new long[] {TestModels.SLOW_SIDE, TestModels.SLOW_SIDE}, 0.5f)));
    }

    private void awaitSlowRunStarted(long before) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (loaded.get("slow").runCount() == before) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the slow model never started to run");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void callersBeyondTheBoundDoNotStartRunsAndNothingKeepsRunningOnceTheCallsAreClosed() throws Exception {
        ServerCloses server = new ServerCloses();
        serve(1, 8, server);
        float[] image = TestModels.imageWithRow(3, 5f);
        grpc.prediction().predict(predictImages("mnist", image)); // the call path and the fast model are warm
        ProcessCpu.awaitQuiet(); // a run that an earlier test class abandoned may still be ending
        long runsBefore = loaded.get("slow").runCount();

        var stub = PredictionServiceGrpc.newFutureStub(grpc.channel());
        List<com.google.common.util.concurrent.ListenableFuture<PredictResponse>> calls = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(stub.withDeadlineAfter(1, TimeUnit.SECONDS).predict(slowRequest()));
        }
        awaitSlowRunStarted(runsBefore);
        // While the slow model runs and four more calls wait for it, the fast model answers (10 s: a generous bound).
        PredictResponse fast =
                grpc.prediction().withDeadlineAfter(10, TimeUnit.SECONDS).predict(predictImages("mnist", image));

        double[] expected = TestModels.expectedProbabilities(image, 1);
        float[] answer = floats(fast.getOutputsOrThrow("dense"));
        for (int k = 0; k < TestModels.CLASSES; k++) {
            assertThat((double) answer[k]).isCloseTo(expected[k], within(1e-5));
        }
        for (var call : calls) {
            Throwable failure = catchThrowable(() -> call.get(60, TimeUnit.SECONDS));
            assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        }
        List<Status> serverSide = server.awaitFailures(CALLERS); // the server is done with every call
        double coresAfterwards = ProcessCpu.coresOver(1000);

        assertThat(loaded.get("slow").runCount())
                .as("runs started: at most the bound")
                .isEqualTo(runsBefore + 1);
        assertThat(serverSide)
                .filteredOn(s -> s.getDescription().endsWith("it was not run")
                        || s.getDescription()
                                .endsWith("it was not run. Give the call a longer deadline, or the server"
                                        + " more replicas or a faster model"))
                .as("calls that waited and left unrun")
                .hasSize(CALLERS - 1)
                .allSatisfy(s -> assertThat(s.getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED));
        assertThat(serverSide)
                .filteredOn(s -> s.getDescription().startsWith("the model did not finish within"))
                .as("the call that ran, reported by TensorFlow's run timeout")
                .hasSize(1);
        assertThat(coresAfterwards)
                .as("CPU cores busy in the second after the server closed the calls")
                .isLessThan(0.25);
    }
}
