package dev.digitpad.server;

import dev.digitpad.inference.Lease;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.ClassificationRequest;
import dev.digitpad.protocol.serving.ClassificationResponse;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.MultiInferenceRequest;
import dev.digitpad.protocol.serving.MultiInferenceResponse;
import dev.digitpad.protocol.serving.RegressionRequest;
import dev.digitpad.protocol.serving.RegressionResponse;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tensorflow.proto.error.Code;

/**
 * Classify, Regress and MultiInference as both front ends call them: the version the request's model spec names is
 * leased from the {@link ServingCore} (and released once the answer is known) and {@link ExampleInference} runs the
 * call on it. Calls from the gRPC front end are counted in the core's metrics as TensorFlow Serving counts its gRPC
 * Classify and Regress (it does not count MultiInference); REST requests are counted where the REST front end routes
 * them, as TensorFlow Serving's HTTP server counts every request, not here.
 */
final class ExampleCalls {
    private final ServingCore core;
    private final ExampleInference inference;
    private final boolean countAsGrpc;

    private ExampleCalls(ServingCore core, ExampleInference inference, boolean countAsGrpc) {
        this.core = core;
        this.inference = inference;
        this.countAsGrpc = countAsGrpc;
    }

    /** Calls of the gRPC front end, counted. */
    static ExampleCalls grpc(ServingCore core) {
        return new ExampleCalls(core, new ExampleInference(), true);
    }

    /** Calls of the REST front end. */
    static ExampleCalls rest(ServingCore core) {
        return new ExampleCalls(core, new ExampleInference(), false);
    }

    CompletableFuture<ClassificationResponse> classify(ClassificationRequest request, RunLimits limits) {
        return counted(request.getModelSpec(), ServingMetrics.Api.CLASSIFY, () -> {
            requireModelSpec(request.hasModelSpec());
            return leased(
                    request.getModelSpec(),
                    lease -> inference.classify(lease.servable(), OptionalLong.of(lease.version()), request, limits));
        });
    }

    CompletableFuture<RegressionResponse> regress(RegressionRequest request, RunLimits limits) {
        return counted(request.getModelSpec(), ServingMetrics.Api.REGRESS, () -> {
            requireModelSpec(request.hasModelSpec());
            return leased(
                    request.getModelSpec(),
                    lease -> inference.regress(lease.servable(), OptionalLong.of(lease.version()), request, limits));
        });
    }

    /** Runs on the version the first task names, as TensorFlow Serving does; the tasks are checked against it. */
    CompletableFuture<MultiInferenceResponse> multiInference(MultiInferenceRequest request, RunLimits limits) {
        ModelSpec spec = request.getTasksCount() > 0 && request.getTasks(0).hasModelSpec()
                ? request.getTasks(0).getModelSpec()
                : ModelSpec.getDefaultInstance();
        try {
            return leased(
                            spec,
                            lease -> inference.multiInference(
                                    lease.servable(), OptionalLong.of(lease.version()), request, limits))
                    .whenComplete((response, error) -> {
                        // TensorFlow Serving counts the examples of a MultiInference, once per request.
                        if (error == null && core.models().isConfigured(spec.getName())) {
                            core.metrics().recordExamples(spec.getName(), examples(request));
                        }
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static long examples(MultiInferenceRequest request) {
        return switch (request.getInput().getKindCase()) {
            case EXAMPLE_LIST -> request.getInput().getExampleList().getExamplesCount();
            case EXAMPLE_LIST_WITH_CONTEXT ->
                request.getInput().getExampleListWithContext().getExamplesCount();
            case KIND_NOT_SET -> 0;
        };
    }

    private static void requireModelSpec(boolean present) {
        if (!present) {
            throw ServingException.invalidArgument("Missing ModelSpec");
        }
    }

    /** {@code call} on a lease of the version {@code spec} names, the lease closed once the call's future is done. */
    private <T> CompletableFuture<T> leased(ModelSpec spec, Function<Lease, CompletableFuture<T>> call) {
        Lease lease = core.lease(spec);
        CompletableFuture<T> answer;
        try {
            answer = call.apply(lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return answer.whenComplete((result, error) -> lease.close());
    }

    private <T> CompletableFuture<T> counted(
            ModelSpec spec, ServingMetrics.Api api, Supplier<CompletableFuture<T>> call) {
        long started = System.nanoTime();
        CompletableFuture<T> answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        if (!countAsGrpc) {
            return answer;
        }
        return answer.whenComplete((result, error) -> {
            Code outcome = error == null ? Code.OK : ErrorMapping.codeOf(error);
            core.metrics().recordGrpc(core.metricLabel(spec.getName()), api, outcome, System.nanoTime() - started);
        });
    }
}
