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
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tensorflow.proto.error.Code;

/**
 * Classify, Regress and MultiInference as both front ends call them: the version the request's model spec names is
 * leased from the {@link ServingCore} (and released once the answer is known), {@link ExampleInference} runs the call
 * on it, and Classify and Regress are counted in the core's metrics under TensorFlow Serving's API labels, as Predict
 * is (TensorFlow Serving does not count MultiInference).
 */
final class ExampleCalls {
    private final ServingCore core;
    private final ExampleInference inference;

    ExampleCalls(ServingCore core) {
        this(core, new ExampleInference());
    }

    ExampleCalls(ServingCore core, ExampleInference inference) {
        this.core = core;
        this.inference = inference;
    }

    CompletableFuture<ClassificationResponse> classify(
            ClassificationRequest request, ServingMetrics.Entrypoint entrypoint, RunLimits limits) {
        return counted(request.getModelSpec(), api("Classify", entrypoint), entrypoint, () -> {
            requireModelSpec(request.hasModelSpec());
            return leased(
                    request.getModelSpec(),
                    lease -> inference.classify(lease.servable(), OptionalLong.of(lease.version()), request, limits));
        });
    }

    CompletableFuture<RegressionResponse> regress(
            RegressionRequest request, ServingMetrics.Entrypoint entrypoint, RunLimits limits) {
        return counted(request.getModelSpec(), api("Regress", entrypoint), entrypoint, () -> {
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
                            lease.servable(), OptionalLong.of(lease.version()), request, limits));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void requireModelSpec(boolean present) {
        if (!present) {
            throw ServingException.invalidArgument("Missing ModelSpec");
        }
    }

    /** TensorFlow Serving's API label: capitalised over gRPC, the REST verb over REST. */
    private static String api(String grpcName, ServingMetrics.Entrypoint entrypoint) {
        return entrypoint == ServingMetrics.Entrypoint.GRPC ? grpcName : grpcName.toLowerCase(Locale.ROOT);
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
            ModelSpec spec, String api, ServingMetrics.Entrypoint entrypoint, Supplier<CompletableFuture<T>> call) {
        long started = System.nanoTime();
        CompletableFuture<T> answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.whenComplete((result, error) -> {
            Code outcome = error == null ? Code.OK : ErrorMapping.codeOf(error);
            // Only the names of served models become label values, as for Predict.
            String model = core.models().isConfigured(spec.getName()) ? spec.getName() : "";
            core.metrics().recordRequest(model, api, entrypoint, outcome, System.nanoTime() - started);
        });
    }
}
