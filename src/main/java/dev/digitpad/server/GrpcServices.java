package dev.digitpad.server;

import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.ClassificationRequest;
import dev.digitpad.protocol.serving.ClassificationResponse;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.GetModelMetadataResponse;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.GetModelStatusResponse;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.MultiInferenceRequest;
import dev.digitpad.protocol.serving.MultiInferenceResponse;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.RegressionRequest;
import dev.digitpad.protocol.serving.RegressionResponse;
import dev.digitpad.protocol.serving.ReloadConfigRequest;
import dev.digitpad.protocol.serving.ReloadConfigResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.tensorflow.proto.error.Code;

/**
 * TensorFlow Serving's gRPC services over a {@link ServingCore}, plus health checking and server
 * reflection. Health reports SERVING only while every model has a version available.
 *
 * <p>The services are made to be called on the transport's network threads (a server built with
 * {@code directExecutor()}): the methods that run a model (Predict, Classify, Regress, MultiInference) hand their work
 * to {@code workers}, Predict only unless it will be answered within about a millisecond anyway (see
 * {@link Prediction#predict}); so does HandleReloadConfigRequest, which loads models; the others only look things up.
 * That spares a call on an idle server two thread hand-overs, about a quarter of its time for a small model, while a slow
 * or busy model never holds a network thread.
 */
public final class GrpcServices {
    private final ServingCore core;
    private final ExampleCalls examples;
    private final HealthStatusManager health = new HealthStatusManager();
    private final InFlightCalls inFlight;
    private final Executor workers;

    /** Services whose Predict runs on the thread that calls it, whatever the model: for in-process servers and tests. */
    public GrpcServices(ServingCore core) {
        this(core, new InFlightCalls(), Runnable::run);
    }

    /**
     * @param inFlight the calls being answered on all front ends, counted
     * @param workers where a Predict that may take long runs
     */
    GrpcServices(ServingCore core, InFlightCalls inFlight, Executor workers) {
        this.core = core;
        this.examples = ExampleCalls.grpc(core);
        this.inFlight = inFlight;
        this.workers = workers;
        updateHealth();
        core.models().addListener((model, available) -> updateHealth());
    }

    /** Adds every service to a server builder (Netty for real sockets, in-process for tests). */
    public ServerBuilder<?> addTo(ServerBuilder<?> builder) {
        // Each service answers a request message that does not parse with INVALID_ARGUMENT (see UnparsableRequests).
        return builder.intercept(inFlight)
                .addService(UnparsableRequests.answeredProperly(new Prediction().bindService()))
                // The labels header inside the parse wrapper, where the requests are GetModelStatusRequests.
                .addService(UnparsableRequests.answeredProperly(ServerInterceptors.intercept(
                        new Models().bindService(), new VersionLabelsHeader(core.models()))))
                .addService(UnparsableRequests.answeredProperly(
                        health.getHealthService().bindService()))
                .addService(UnparsableRequests.answeredProperly(
                        ProtoReflectionServiceV1.newInstance().bindService()));
    }

    /** Reports NOT_SERVING from now on, whatever the models do; used when the server shuts down. */
    public void enterShutdown() {
        health.enterTerminalState();
    }

    private synchronized void updateHealth() {
        boolean serving = core.models().modelNames().stream().allMatch(core.models()::isAvailable);
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        health.setStatus(PredictionServiceGrpc.SERVICE_NAME, status);
        health.setStatus(ModelServiceGrpc.SERVICE_NAME, status);
    }

    /**
     * Answers one unary call: the deadline and cancellation of the gRPC context bound the work, and any
     * failure becomes a status through {@link ErrorMapping}.
     */
    static <T> void unary(StreamObserver<T> observer, Function<RunLimits, T> call) {
        T response;
        try {
            response = call.apply(limits(Context.current()));
        } catch (Throwable t) {
            observer.onError(ErrorMapping.grpcStatus(t).asRuntimeException());
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    /**
     * Answers one unary call whose work completes a future, perhaps on another thread (a batch's): the gRPC
     * thread is free meanwhile. Limits and errors are as in {@link #unary}.
     */
    static <T> void unaryAsync(StreamObserver<T> observer, Function<RunLimits, CompletableFuture<T>> call) {
        CompletableFuture<T> answer;
        try {
            answer = call.apply(limits(Context.current()));
        } catch (Throwable t) {
            answer = CompletableFuture.failedFuture(t);
        }
        answer.whenComplete((response, error) -> {
            if (error != null) {
                observer.onError(ErrorMapping.grpcStatus(error).asRuntimeException());
                return;
            }
            try {
                observer.onNext(response);
                observer.onCompleted();
            } catch (RuntimeException e) {
                // Nobody else would see it: a future swallows what its callbacks throw.
                observer.onError(ErrorMapping.grpcStatus(e).asRuntimeException());
            }
        });
    }

    private static RunLimits limits(Context context) {
        Deadline deadline = context.getDeadline();
        Optional<Long> deadlineNanos = deadline == null
                ? Optional.empty()
                : Optional.of(System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS));
        // A call waiting for its turn leaves the queue as soon as its client goes away (or its deadline passes:
        // the server-side context is cancelled then too).
        return new RunLimits(
                deadlineNanos, context::isCancelled, action -> context.addListener(c -> action.run(), Runnable::run));
    }

    /**
     * Answers one call that runs a model (see {@link #unaryAsync}) on a worker, off the network thread; the worker sees
     * the call's context, so its deadline and cancellation bound the run.
     */
    private <T> void onWorker(StreamObserver<T> observer, Function<RunLimits, CompletableFuture<T>> call) {
        try {
            workers.execute(Context.current().wrap(() -> unaryAsync(observer, call)));
        } catch (RejectedExecutionException e) {
            unaryAsync(
                    observer,
                    limits -> CompletableFuture.failedFuture(new ServingException(
                            Code.UNAVAILABLE,
                            "the server is shutting down and runs no more predictions; retry on another replica")));
        }
    }

    private final class Prediction extends PredictionServiceGrpc.PredictionServiceImplBase {
        /**
         * Answers on the calling thread only when nothing else is being answered (this call is the only one in
         * flight) and the model will answer briefly (its version is idle and its runs are short, for inputs of at
         * most 64 KiB as sent or as their shapes declare). Otherwise the call goes to a worker: under load the
         * network threads keep reading and writing while the cores run the model.
         */
        @Override
        public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
            if (inFlight.count() <= 1 && core.answersBrieflyNow(request)) {
                unaryAsync(observer, limits -> core.predictAsync(request, limits));
                return;
            }
            onWorker(observer, limits -> core.predictAsync(request, limits));
        }

        @Override
        public void getModelMetadata(
                GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> observer) {
            unary(observer, limits -> core.metadata(request));
        }

        @Override
        public void classify(ClassificationRequest request, StreamObserver<ClassificationResponse> observer) {
            onWorker(observer, limits -> examples.classify(request, limits));
        }

        @Override
        public void regress(RegressionRequest request, StreamObserver<RegressionResponse> observer) {
            onWorker(observer, limits -> examples.regress(request, limits));
        }

        @Override
        public void multiInference(MultiInferenceRequest request, StreamObserver<MultiInferenceResponse> observer) {
            onWorker(observer, limits -> examples.multiInference(request, limits));
        }
    }

    private final class Models extends ModelServiceGrpc.ModelServiceImplBase {
        @Override
        public void getModelStatus(GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> observer) {
            unary(observer, limits -> core.status(request));
        }

        @Override
        public void handleReloadConfigRequest(
                ReloadConfigRequest request, StreamObserver<ReloadConfigResponse> observer) {
            // A reload loads models, which takes seconds: not on a network thread.
            onWorker(observer, limits -> CompletableFuture.completedFuture(core.reloadConfig(request)));
        }
    }
}
