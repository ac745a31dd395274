package dev.digitpad.server;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import dev.digitpad.inference.Futures;
import dev.digitpad.inference.Lease;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServingException;
import dev.digitpad.inference.VersionStatus;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.GetModelMetadataResponse;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.GetModelStatusResponse;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.ReloadConfigRequest;
import dev.digitpad.protocol.serving.ReloadConfigResponse;
import dev.digitpad.protocol.serving.SignatureDefMap;
import dev.digitpad.protocol.serving.StatusProto;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * The serving API behind both front ends: resolves the model spec, leases the version, runs it and
 * builds TensorFlow Serving's responses. gRPC and REST only translate to and from their wire forms.
 */
public final class ServingCore {
    static final String SIGNATURE_DEF_FIELD = "signature_def";

    private final ModelManager models;
    private final ServingMetrics metrics;

    public ServingCore(ModelManager models) {
        this(models, new ServingMetrics());
    }

    /** A core that counts its predictions in {@code metrics}. */
    public ServingCore(ModelManager models, ServingMetrics metrics) {
        this.models = models;
        this.metrics = metrics;
    }

    public ModelManager models() {
        return models;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    /** A prediction asked for in gRPC's form. */
    public PredictResponse predict(PredictRequest request, RunLimits limits) {
        return Futures.join(predictAsync(request, limits));
    }

    /**
     * Runs a prediction whose inputs are built once the signature is known (the REST front end needs the
     * signature's dtypes to read JSON), waiting for its answer.
     */
    public PredictResponse predict(
            ServingMetrics.Entrypoint entrypoint,
            ModelSpec spec,
            Function<SignatureDef, Map<String, TensorProto>> inputs,
            List<String> outputFilter,
            RunLimits limits) {
        return Futures.join(predictAsync(entrypoint, spec, inputs, outputFilter, limits));
    }

    /** A prediction asked for in gRPC's form, answered through a future; see the next method. */
    public CompletableFuture<PredictResponse> predictAsync(PredictRequest request, RunLimits limits) {
        return predictAsync(
                ServingMetrics.Entrypoint.GRPC,
                request.getModelSpec(),
                signature -> request.getInputsMap(),
                request.getOutputFilterList(),
                limits);
    }

    /**
     * The value of the {@code model_name} label for a request that named {@code model}: the name if this server
     * serves a model of that name, "" otherwise. Only served names become label values, so that a client cannot add
     * metric series at will.
     */
    String metricLabel(String model) {
        return models.isConfigured(model) ? model : "";
    }

    /**
     * Runs a prediction, answering through a future: at once for a model run on the calling thread, or once its
     * batch has run when batching is on, without holding the calling thread meanwhile. The version stays
     * loaded until the future completes. This is where every prediction is counted by the version that answered it,
     * and a gRPC one also counted and timed as TensorFlow Serving does, when its answer is known.
     */
    public CompletableFuture<PredictResponse> predictAsync(
            ServingMetrics.Entrypoint entrypoint,
            ModelSpec spec,
            Function<SignatureDef, Map<String, TensorProto>> inputs,
            List<String> outputFilter,
            RunLimits limits) {
        long started = System.nanoTime();
        return run(spec, inputs, outputFilter, limits).whenComplete((response, error) -> {
            Code outcome = error == null ? Code.OK : ErrorMapping.codeOf(error);
            String model = metricLabel(spec.getName());
            if (entrypoint == ServingMetrics.Entrypoint.GRPC) {
                // A REST request is counted by the REST front end, whole, as TensorFlow Serving counts it.
                metrics.recordGrpc(model, ServingMetrics.Api.PREDICT, outcome, System.nanoTime() - started);
            }
            metrics.recordVersion(
                    model,
                    response == null
                            ? OptionalLong.empty()
                            : OptionalLong.of(
                                    response.getModelSpec().getVersion().getValue()),
                    outcome);
        });
    }

    /**
     * Whether {@code request}, asked now, would be answered within about a millisecond on the calling thread (see
     * {@link Servable#answersBrieflyNow}). A request that will fail at once (no such model or version) is answered
     * briefly too.
     */
    public boolean answersBrieflyNow(PredictRequest request) {
        Lease lease;
        try {
            lease = lease(request.getModelSpec());
        } catch (RuntimeException e) {
            return true;
        }
        try (lease) {
            return lease.servable()
                    .answersBrieflyNow(inputBytes(request.getInputsMap().values()));
        }
    }

    /**
     * How large the inputs are, for judging how long a run takes: as sent, or as their shapes declare at up to 8 bytes a
     * value, whichever is more. A request of a few bytes may declare a tensor of millions of values, all of them the one
     * value it sends.
     */
    static long inputBytes(Iterable<TensorProto> inputs) {
        long total = 0;
        for (TensorProto t : inputs) {
            long declared = Long.BYTES;
            for (var dim : t.getTensorShape().getDimList()) {
                long size = dim.getSize();
                declared = size <= 0 ? 0 : declared > Long.MAX_VALUE / size ? Long.MAX_VALUE : declared * size;
            }
            long bytes = Math.max(declared, t.getSerializedSize());
            total = bytes > Long.MAX_VALUE - total ? Long.MAX_VALUE : total + bytes;
        }
        return total;
    }

    private CompletableFuture<PredictResponse> run(
            ModelSpec spec,
            Function<SignatureDef, Map<String, TensorProto>> inputs,
            List<String> outputFilter,
            RunLimits limits) {
        Lease lease;
        String name;
        String signatureKey;
        CompletableFuture<Map<String, TensorProto>> outputs;
        try {
            name = modelName(spec);
            signatureKey = signatureKey(spec);
            lease = lease(spec);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            SignatureDef signature = lease.servable().signature(signatureKey);
            outputs = lease.servable().predictAsync(signatureKey, inputs.apply(signature), outputFilter, limits);
        } catch (RuntimeException e) {
            lease.close();
            return CompletableFuture.failedFuture(e);
        }
        return outputs.whenComplete((answer, error) -> lease.close())
                .thenApply(answer -> PredictResponse.newBuilder()
                        .setModelSpec(resolved(name, lease.version(), signatureKey))
                        .putAllOutputs(answer)
                        .build());
    }

    public GetModelMetadataResponse metadata(GetModelMetadataRequest request) {
        String name = modelName(request.getModelSpec());
        if (request.getMetadataFieldCount() == 0) {
            throw ServingException.invalidArgument(
                    "GetModelMetadataRequest must specify at least one metadata_field (\"signature_def\")");
        }
        for (String field : request.getMetadataFieldList()) {
            if (!SIGNATURE_DEF_FIELD.equals(field)) {
                throw ServingException.invalidArgument(
                        "Metadata field " + field + " is not supported; \"signature_def\" is the only one");
            }
        }
        try (Lease lease = lease(request.getModelSpec())) {
            SignatureDefMap map = SignatureDefMap.newBuilder()
                    .putAllSignatureDef(lease.servable().signatures())
                    .build();
            return GetModelMetadataResponse.newBuilder()
                    .setModelSpec(resolved(name, lease.version(), ""))
                    .putMetadata(SIGNATURE_DEF_FIELD, Any.pack(map))
                    .build();
        }
    }

    /**
     * Replaces the served model list with {@code request}'s, as TensorFlow Serving's HandleReloadConfigRequest does:
     * returns once the new models are loaded, with every model that stays answering throughout.
     *
     * @throws ServingException INVALID_ARGUMENT for a config that is not a valid model list, FAILED_PRECONDITION for a
     *     label naming a version that is not available, UNKNOWN if a new model did not load
     */
    public ReloadConfigResponse reloadConfig(ReloadConfigRequest request) {
        ModelServerConfigs.Served served = ModelServerConfigs.fromRequest(request.getConfig());
        models.reload(served.models(), served.labels());
        return ReloadConfigResponse.newBuilder()
                .setStatus(StatusProto.newBuilder().setErrorCode(Code.OK))
                .build();
    }

    public GetModelStatusResponse status(GetModelStatusRequest request) {
        String name = modelName(request.getModelSpec());
        GetModelStatusResponse.Builder response = GetModelStatusResponse.newBuilder();
        // As in TensorFlow Serving, a label is ignored here: the status of every version is answered.
        ModelSpec spec = request.getModelSpec();
        OptionalLong version =
                spec.hasVersion() ? OptionalLong.of(spec.getVersion().getValue()) : OptionalLong.empty();
        for (VersionStatus s : models.status(name, version)) {
            StatusProto.Builder status = StatusProto.newBuilder().setErrorCode(Code.OK);
            s.error().ifPresent(e -> status.setErrorCode(e.code()).setErrorMessage(e.getMessage()));
            response.addModelVersionStatus(ModelVersionStatus.newBuilder()
                    .setVersion(s.version())
                    .setState(ModelVersionStatus.State.valueOf(s.state().name()))
                    .setStatus(status));
        }
        return response.build();
    }

    /**
     * A lease on the version {@code spec} asks for: the one place where a model spec (name, and a version, a label or
     * neither) is resolved. Close it when the call is done.
     *
     * @throws ServingException INVALID_ARGUMENT without a name, NOT_FOUND for an unknown model or version,
     *     UNAVAILABLE while nothing is loaded
     */
    Lease lease(ModelSpec spec) {
        String name = modelName(spec);
        return models.acquire(name, version(name, spec));
    }

    /** The signature {@code spec} names, or the default one. */
    static String signatureKey(ModelSpec spec) {
        return spec.getSignatureName().isEmpty() ? Servable.DEFAULT_SIGNATURE : spec.getSignatureName();
    }

    static String modelName(ModelSpec spec) {
        if (spec.getName().isEmpty()) {
            throw ServingException.invalidArgument("ModelSpec has no name specified.");
        }
        return spec.getName();
    }

    /** The version {@code spec} asks for: a number, the one its label names, or none (the highest available). */
    private OptionalLong version(String name, ModelSpec spec) {
        return switch (spec.getVersionChoiceCase()) {
            case VERSION -> OptionalLong.of(spec.getVersion().getValue());
            case VERSION_LABEL -> OptionalLong.of(models.versionForLabel(name, spec.getVersionLabel()));
            case VERSIONCHOICE_NOT_SET -> OptionalLong.empty();
        };
    }

    static ModelSpec resolved(String name, long version, String signature) {
        return ModelSpec.newBuilder()
                .setName(name)
                .setVersion(Int64Value.of(version))
                .setSignatureName(signature)
                .build();
    }
}
