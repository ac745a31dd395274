package dev.digitpad.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.Class;
import dev.digitpad.protocol.serving.ClassificationRequest;
import dev.digitpad.protocol.serving.ClassificationResponse;
import dev.digitpad.protocol.serving.ClassificationResult;
import dev.digitpad.protocol.serving.Classifications;
import dev.digitpad.protocol.serving.InferenceResult;
import dev.digitpad.protocol.serving.InferenceTask;
import dev.digitpad.protocol.serving.Input;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.MultiInferenceRequest;
import dev.digitpad.protocol.serving.MultiInferenceResponse;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.RegressionRequest;
import dev.digitpad.protocol.serving.RegressionResponse;
import dev.digitpad.protocol.serving.RegressionResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * TensorFlow Serving's Classify, Regress and MultiInference on one loaded version, as its classifier, regressor and
 * multi-inference runner do for SavedModels: the request's {@code tf.Example}s (each merged with the context, if any)
 * become one DT_STRING tensor of serialized examples, fed to the signature's {@code inputs} and run through the
 * servable like any Predict (so the checks before a run, deadlines, the run bound and batching apply); the outputs
 * {@code classes} and {@code scores}, or {@code outputs}, become the result. Signatures, outputs and inputs that do not
 * fit are refused with TensorFlow Serving's codes and messages.
 *
 * <p>Which signatures qualify: as TensorFlow Serving by default, any with the right structure (one input
 * {@code inputs}; {@code classes} and/or {@code scores}, or {@code outputs}), whatever its method name, since TF2
 * exports every signature as a Predict one. With {@code checkMethodNames} (TensorFlow Serving's
 * {@code --enable_signature_method_name_check}) the method name must be {@value #CLASSIFY_METHOD} or
 * {@value #REGRESS_METHOD} too.
 *
 * <p>It also replays a Predict on a given version, for the warm-up file ({@link WarmupReplay}).
 */
final class ExampleInference {
    static final String CLASSIFY_METHOD = "tensorflow/serving/classify";
    static final String REGRESS_METHOD = "tensorflow/serving/regress";

    /** The signature input that takes the serialized examples, and the outputs read, by TensorFlow Serving's names. */
    static final String INPUTS = "inputs";

    static final String CLASSES = "classes";
    static final String SCORES = "scores";
    static final String OUTPUTS = "outputs";

    private final boolean checkMethodNames;

    /** TensorFlow Serving's default: signatures are judged by their structure, not their method name. */
    ExampleInference() {
        this(false);
    }

    ExampleInference(boolean checkMethodNames) {
        this.checkMethodNames = checkMethodNames;
    }

    /**
     * Classifies the request's examples with version {@code version} (empty for a version that is not served yet,
     * during warm-up) of a model. Failures complete the future.
     */
    CompletableFuture<ClassificationResponse> classify(
            Servable servable, OptionalLong version, ClassificationRequest request, RunLimits limits) {
        try {
            String key = ServingCore.signatureKey(request.getModelSpec());
            SignatureDef signature = signature(servable, key, "No signature was found with the name: ");
            List<String> outputs = classificationOutputs(signature);
            TensorProto examples = serializedExamples(request.getInput());
            int count = examples.getStringValCount();
            return servable.predictAsync(key, Map.of(INPUTS, examples), outputs, limits)
                    .thenApply(answer -> ClassificationResponse.newBuilder()
                            .setModelSpec(spec(request.getModelSpec().getName(), version, key))
                            .setResult(classificationResult(count, answer))
                            .build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Regresses the request's examples; see {@link #classify}. */
    CompletableFuture<RegressionResponse> regress(
            Servable servable, OptionalLong version, RegressionRequest request, RunLimits limits) {
        try {
            String key = ServingCore.signatureKey(request.getModelSpec());
            SignatureDef signature = signature(servable, key, "No signature was found with the name: ");
            List<String> outputs = regressionOutputs(signature);
            TensorProto examples = serializedExamples(request.getInput());
            int count = examples.getStringValCount();
            return servable.predictAsync(key, Map.of(INPUTS, examples), outputs, limits)
                    .thenApply(answer -> RegressionResponse.newBuilder()
                            .setModelSpec(spec(request.getModelSpec().getName(), version, key))
                            .setResult(regressionResult(count, answer))
                            .build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs every task of the request on its examples: each a classify or regress signature of the same model, no
     * signature twice. Everything is checked before anything runs.
     */
    CompletableFuture<MultiInferenceResponse> multiInference(
            Servable servable, OptionalLong version, MultiInferenceRequest request, RunLimits limits) {
        try {
            String model = "";
            Set<String> seen = new HashSet<>();
            List<List<String>> outputs = new ArrayList<>();
            for (InferenceTask task : request.getTasksList()) {
                String name = task.getModelSpec().getName();
                if (name.isEmpty()) {
                    throw ServingException.invalidArgument("Found ModelSpec with an empty model name.");
                }
                if (model.isEmpty()) {
                    model = name;
                } else if (!model.equals(name)) {
                    throw ServingException.invalidArgument(
                            "All ModelSpecs in a MultiInferenceRequest must access the same model name.");
                }
                String key = ServingCore.signatureKey(task.getModelSpec());
                if (!seen.add(key)) {
                    throw ServingException.invalidArgument("Duplicate evaluation of signature: " + key);
                }
                SignatureDef signature = signature(servable, key, "Requested signature not found in model graph: ");
                outputs.add(
                        switch (task.getMethodName()) {
                            case CLASSIFY_METHOD -> classificationOutputs(signature);
                            case REGRESS_METHOD -> regressionOutputs(signature);
                            default ->
                                throw new ServingException(
                                        Code.UNIMPLEMENTED,
                                        "Unsupported signature method_name: " + task.getMethodName());
                        });
            }
            TensorProto examples = serializedExamples(request.getInput());
            int count = examples.getStringValCount();
            List<CompletableFuture<Map<String, TensorProto>>> runs = new ArrayList<>();
            for (int i = 0; i < request.getTasksCount(); i++) {
                String key = ServingCore.signatureKey(request.getTasks(i).getModelSpec());
                runs.add(servable.predictAsync(key, Map.of(INPUTS, examples), outputs.get(i), limits));
            }
            return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                    .thenApply(done -> {
                        MultiInferenceResponse.Builder response = MultiInferenceResponse.newBuilder();
                        for (int i = 0; i < runs.size(); i++) {
                            InferenceTask task = request.getTasks(i);
                            Map<String, TensorProto> answer = runs.get(i).join();
                            InferenceResult.Builder result = InferenceResult.newBuilder()
                                    .setModelSpec(spec(
                                            task.getModelSpec().getName(),
                                            version,
                                            ServingCore.signatureKey(task.getModelSpec())));
                            if (task.getMethodName().equals(CLASSIFY_METHOD)) {
                                result.setClassificationResult(classificationResult(count, answer));
                            } else {
                                result.setRegressionResult(regressionResult(count, answer));
                            }
                            response.addResults(result);
                        }
                        return response.build();
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs a Predict on {@code servable}, whatever model and version the request names: for the warm-up file. */
    CompletableFuture<PredictResponse> predict(
            Servable servable, OptionalLong version, PredictRequest request, RunLimits limits) {
        try {
            String key = ServingCore.signatureKey(request.getModelSpec());
            return servable.predictAsync(key, request.getInputsMap(), request.getOutputFilterList(), limits)
                    .thenApply(answer -> PredictResponse.newBuilder()
                            .setModelSpec(spec(request.getModelSpec().getName(), version, key))
                            .putAllOutputs(answer)
                            .build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static SignatureDef signature(Servable servable, String key, String notFound) {
        SignatureDef signature = servable.signatures().get(key);
        if (signature == null) {
            throw ServingException.invalidArgument(notFound + key);
        }
        return signature;
    }

    /** The outputs a classify signature has, of {@code classes} and {@code scores}; or why it is not one. */
    private List<String> classificationOutputs(SignatureDef signature) {
        if (checkMethodNames && !signature.getMethodName().equals(CLASSIFY_METHOD)) {
            throw ServingException.invalidArgument("Expected classification signature method_name to be "
                    + CLASSIFY_METHOD + ". Was: " + signature.getMethodName());
        }
        if (signature.getInputsCount() != 1) {
            throw ServingException.invalidArgument("Expected one input Tensor.");
        }
        if (signature.getOutputsCount() != 1 && signature.getOutputsCount() != 2) {
            throw ServingException.invalidArgument(
                    "Expected one or two output Tensors, found " + signature.getOutputsCount());
        }
        if (!signature.containsInputs(INPUTS)) {
            throw ServingException.invalidArgument(
                    "No classification inputs found in SignatureDef: " + debugString(signature));
        }
        List<String> outputs = new ArrayList<>();
        for (String key : List.of(CLASSES, SCORES)) {
            if (signature.containsOutputs(key)) {
                outputs.add(key);
            }
        }
        if (outputs.isEmpty()) {
            throw ServingException.invalidArgument(
                    "Expected classification signature outputs to contain at least one of \"" + CLASSES + "\" or \""
                            + SCORES + "\". Signature was: " + debugString(signature));
        }
        return outputs;
    }

    /** The output of a regress signature, {@code outputs}; or why it is not one. */
    private List<String> regressionOutputs(SignatureDef signature) {
        if (checkMethodNames && !signature.getMethodName().equals(REGRESS_METHOD)) {
            throw ServingException.invalidArgument("Expected regression signature method_name to be " + REGRESS_METHOD
                    + ". Was: " + signature.getMethodName());
        }
        if (signature.getInputsCount() != 1) {
            throw ServingException.invalidArgument("Expected one input Tensor.");
        }
        if (signature.getOutputsCount() != 1) {
            throw ServingException.invalidArgument("Expected one output Tensor.");
        }
        if (!signature.containsInputs(INPUTS)) {
            throw ServingException.invalidArgument(
                    "No regression inputs found in SignatureDef: " + debugString(signature));
        }
        if (!signature.containsOutputs(OUTPUTS)) {
            throw ServingException.invalidArgument(
                    "No regression outputs found in SignatureDef: " + debugString(signature));
        }
        return List.of(OUTPUTS);
    }

    /**
     * The examples of {@code input} as one DT_STRING vector of serialized {@code tf.Example}s. With a context, each
     * example's bytes follow the context's: parsed, that is the two merged, the example's own value winning for a
     * feature both have, exactly as TensorFlow Serving builds it.
     */
    static TensorProto serializedExamples(Input input) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setDtype(DataType.DT_STRING);
        switch (input.getKindCase()) {
            case EXAMPLE_LIST ->
                input.getExampleList().getExamplesList().forEach(e -> tensor.addStringVal(e.toByteString()));
            case EXAMPLE_LIST_WITH_CONTEXT -> {
                ByteString context =
                        input.getExampleListWithContext().getContext().toByteString();
                input.getExampleListWithContext()
                        .getExamplesList()
                        .forEach(e -> tensor.addStringVal(context.concat(e.toByteString())));
            }
            case KIND_NOT_SET -> {}
        }
        if (tensor.getStringValCount() == 0) {
            throw ServingException.invalidArgument("Input is empty.");
        }
        tensor.getTensorShapeBuilder().addDimBuilder().setSize(tensor.getStringValCount());
        return tensor.build();
    }

    /** TensorFlow Serving's result of a classify signature's outputs for {@code count} examples, once checked. */
    private static ClassificationResult classificationResult(int count, Map<String, TensorProto> outputs) {
        TensorProto classes = outputs.get(CLASSES);
        TensorProto scores = outputs.get(SCORES);
        if (classes != null) {
            requireMatrix(classes);
            if (classes.getDtype() != DataType.DT_STRING) {
                throw ServingException.invalidArgument("Expected classes Tensor of DT_STRING. Got: "
                        + classes.getDtype().name());
            }
            if (dim(classes, 0) != count) {
                throw ServingException.invalidArgument(
                        "Expected classes output batch size of " + count + ". Got: " + dim(classes, 0));
            }
        }
        if (scores != null) {
            requireMatrix(scores);
            if (scores.getDtype() != DataType.DT_FLOAT) {
                throw ServingException.invalidArgument("Expected scores Tensor of DT_FLOAT. Got: "
                        + scores.getDtype().name());
            }
            if (dim(scores, 0) != count) {
                throw ServingException.invalidArgument(
                        "Expected scores output batch size of " + count + ". Got: " + dim(scores, 0));
            }
        }
        if (classes != null && scores != null && dim(classes, 1) != dim(scores, 1)) {
            throw ServingException.invalidArgument("Tensors class and score should match in dim_size(1). Got "
                    + dim(classes, 1) + " vs. " + dim(scores, 1));
        }
        int perExample = (int) dim(classes != null ? classes : scores, 1);
        float[] scoreValues = scores == null ? null : floats(scores);
        ClassificationResult.Builder result = ClassificationResult.newBuilder();
        for (int i = 0; i < count; i++) {
            Classifications.Builder example = result.addClassificationsBuilder();
            for (int c = 0; c < perExample; c++) {
                Class.Builder cls = example.addClassesBuilder();
                if (classes != null) {
                    cls.setLabelBytes(classes.getStringVal(i * perExample + c));
                }
                if (scoreValues != null) {
                    cls.setScore(scoreValues[i * perExample + c]);
                }
            }
        }
        return result.build();
    }

    /** TensorFlow Serving's result of a regress signature's output for {@code count} examples, once checked. */
    private static RegressionResult regressionResult(int count, Map<String, TensorProto> outputs) {
        TensorProto values = outputs.get(OUTPUTS);
        int rank = values.getTensorShape().getDimCount();
        if (!(rank == 1 || (rank == 2 && dim(values, 1) == 1))) {
            throw ServingException.invalidArgument(
                    "Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got "
                            + shape(values));
        }
        if (count != dim(values, 0)) {
            throw ServingException.invalidArgument(
                    "Input batch size did not match output batch size: " + count + " vs. " + dim(values, 0));
        }
        if (values.getDtype() != DataType.DT_FLOAT) {
            throw ServingException.invalidArgument("Expected output Tensor of DT_FLOAT.  Got: "
                    + values.getDtype().name());
        }
        float[] floats = floats(values);
        if (floats.length != count) {
            throw ServingException.invalidArgument(
                    "Expected output batch size to be " + count + ".  Got: " + floats.length);
        }
        RegressionResult.Builder result = RegressionResult.newBuilder();
        for (float v : floats) {
            result.addRegressionsBuilder().setValue(v);
        }
        return result.build();
    }

    private static void requireMatrix(TensorProto t) {
        if (t.getTensorShape().getDimCount() != 2) {
            throw ServingException.invalidArgument(
                    "Expected Tensor shape: [batch_size num_classes] but got " + shape(t));
        }
    }

    private static long dim(TensorProto t, int i) {
        return t.getTensorShape().getDim(i).getSize();
    }

    /** A shape as TensorFlow writes it in messages: {@code [2,3]}. */
    private static String shape(TensorProto t) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < t.getTensorShape().getDimCount(); i++) {
            out.append(i == 0 ? "" : ",").append(dim(t, i));
        }
        return out.append(']').toString();
    }

    /** The values of a DT_FLOAT tensor, from {@code float_val} or {@code tensor_content}. */
    private static float[] floats(TensorProto t) {
        if (!t.getTensorContent().isEmpty()) {
            ByteBuffer bytes = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatValCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatVal(i);
        }
        return out;
    }

    private static String debugString(SignatureDef signature) {
        return TextFormat.printer().printToString(signature);
    }

    /** The model spec of an answer: TensorFlow Serving's, with the version when there is one. */
    private static ModelSpec spec(String name, OptionalLong version, String signature) {
        ModelSpec.Builder spec = ModelSpec.newBuilder().setName(name).setSignatureName(signature);
        version.ifPresent(v -> spec.getVersionBuilder().setValue(v));
        return spec.build();
    }
}
