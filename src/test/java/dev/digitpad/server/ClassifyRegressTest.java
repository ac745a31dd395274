package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static dev.digitpad.testing.TfExamples.bias;
import static dev.digitpad.testing.TfExamples.classify;
import static dev.digitpad.testing.TfExamples.list;
import static dev.digitpad.testing.TfExamples.regress;
import static dev.digitpad.testing.TfExamples.spec;
import static dev.digitpad.testing.TfExamples.withContext;
import static dev.digitpad.testing.TfExamples.x;
import static dev.digitpad.testing.TfExamples.xAndBias;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.digitpad.inference.Lease;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.Class;
import dev.digitpad.protocol.serving.ClassificationRequest;
import dev.digitpad.protocol.serving.ClassificationResponse;
import dev.digitpad.protocol.serving.Classifications;
import dev.digitpad.protocol.serving.InferenceResult;
import dev.digitpad.protocol.serving.InferenceTask;
import dev.digitpad.protocol.serving.Input;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.MultiInferenceRequest;
import dev.digitpad.protocol.serving.MultiInferenceResponse;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.Regression;
import dev.digitpad.protocol.serving.RegressionResponse;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels.Examples;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * Classify, Regress and MultiInference over in-process gRPC, against a real SavedModel whose signatures parse
 * {@code tf.Example}s: the answers, the context merged into each example, and TensorFlow Serving's error for every
 * request, signature and output that does not fit.
 */
class ClassifyRegressTest {
    private static final long VERSION = 7;

    @RegisterExtension
    static final ServingFixture serving = ServingFixture.inProcess()
            .version("examples", VERSION, Kind.EXAMPLES)
            .version("mnist", 1, Kind.MNIST);

    private static ModelSpec classifySpec() {
        return spec("examples", Examples.CLASSIFY);
    }

    private static ModelSpec regressSpec() {
        return spec("examples", Examples.REGRESS);
    }

    private static Classifications expectedClasses(float x, float bias) {
        float[] scores = Examples.scores(x, bias, VERSION);
        Classifications.Builder out = Classifications.newBuilder();
        for (int c = 0; c < scores.length; c++) {
            out.addClasses(Class.newBuilder().setLabel(Examples.LABELS.get(c)).setScore(scores[c]));
        }
        return out.build();
    }

    private static List<Float> values(RegressionResponse response) {
        return response.getResult().getRegressionsList().stream()
                .map(Regression::getValue)
                .toList();
    }

    private static Status classifyStatus(ClassificationRequest request) {
        return statusOf(() -> serving.grpc().prediction().classify(request));
    }

    private static Status regressStatus(ModelSpec spec, Input input) {
        return statusOf(() -> serving.grpc().prediction().regress(regress(spec, input)));
    }

    private static Status multiStatus(MultiInferenceRequest request) {
        return statusOf(() -> serving.grpc().prediction().multiInference(request));
    }

    private static InferenceTask task(String model, String signature, String method) {
        return InferenceTask.newBuilder()
                .setModelSpec(spec(model, signature))
                .setMethodName(method)
                .build();
    }

    // ---- answers

    @Test
    void classifyAnswersEachExamplesLabelsAndScoresInOrder() {
        ClassificationResponse response =
                serving.grpc().prediction().classify(classify(classifySpec(), list(x(1.5f), x(-2f), x(0f))));

        assertThat(response.getResult().getClassificationsList())
                .containsExactly(expectedClasses(1.5f, 0), expectedClasses(-2f, 0), expectedClasses(0f, 0));
        assertThat(response.getModelSpec().getName()).isEqualTo("examples");
        assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(VERSION);
        assertThat(response.getModelSpec().getSignatureName()).isEqualTo(Examples.CLASSIFY);
    }

    @Test
    void theContextIsMergedIntoEachExampleAndAnExamplesOwnFeatureWins() {
        ClassificationResponse response = serving.grpc()
                .prediction()
                .classify(classify(classifySpec(), withContext(bias(10f), x(1f), xAndBias(2f, -5f))));

        assertThat(response.getResult().getClassificationsList())
                .containsExactly(expectedClasses(1f, 10f), expectedClasses(2f, -5f));
    }

    @Test
    void aSignatureWithScoresAloneAnswersScoresWithoutLabels() {
        ClassificationResponse response =
                serving.grpc().prediction().classify(classify(spec("examples", Examples.SCORES_ONLY), list(x(3f))));

        float[] scores = Examples.scores(3f, 0, VERSION);
        assertThat(response.getResult().getClassificationsList())
                .containsExactly(Classifications.newBuilder()
                        .addClasses(Class.newBuilder().setScore(scores[0]))
                        .addClasses(Class.newBuilder().setScore(scores[1]))
                        .build());
    }

    @Test
    void regressAnswersOneValueAnExampleWhetherTheOutputIsAVectorOrAColumn() {
        Input input = withContext(bias(0.5f), x(1f), x(4f));
        List<Float> expected = List.of(Examples.regression(1f, 0.5f, VERSION), Examples.regression(4f, 0.5f, VERSION));

        RegressionResponse vector = serving.grpc().prediction().regress(regress(regressSpec(), input));
        RegressionResponse column =
                serving.grpc().prediction().regress(regress(spec("examples", Examples.REGRESS_COLUMN), input));

        assertThat(values(vector)).isEqualTo(expected);
        assertThat(values(column)).isEqualTo(expected);
        assertThat(vector.getModelSpec().getVersion().getValue()).isEqualTo(VERSION);
        assertThat(vector.getModelSpec().getSignatureName()).isEqualTo(Examples.REGRESS);
    }

    @Test
    void multiInferenceRunsEveryTaskOnTheSameExamplesAndAnswersInTaskOrder() {
        MultiInferenceRequest request = MultiInferenceRequest.newBuilder()
                .addTasks(task("examples", Examples.REGRESS, ExampleInference.REGRESS_METHOD))
                .addTasks(task("examples", Examples.CLASSIFY, ExampleInference.CLASSIFY_METHOD))
                .setInput(withContext(bias(1f), x(2f), x(-1f)))
                .build();
        String examples = ":tensorflow:serving:request_example_count_total{model=\"examples\"}";
        long examplesBefore = series(examples);

        MultiInferenceResponse response = serving.grpc().prediction().multiInference(request);

        assertThat(series(examples))
                .as("examples counted, as TensorFlow Serving counts them")
                .isEqualTo(examplesBefore + 2);

        assertThat(response.getResultsList()).hasSize(2);
        InferenceResult regression = response.getResults(0);
        assertThat(regression.getModelSpec().getSignatureName()).isEqualTo(Examples.REGRESS);
        assertThat(regression.getModelSpec().getVersion().getValue()).isEqualTo(VERSION);
        assertThat(regression.getRegressionResult().getRegressionsList())
                .extracting(Regression::getValue)
                .containsExactly(Examples.regression(2f, 1f, VERSION), Examples.regression(-1f, 1f, VERSION));
        InferenceResult classification = response.getResults(1);
        assertThat(classification.getModelSpec().getSignatureName()).isEqualTo(Examples.CLASSIFY);
        assertThat(classification.getClassificationResult().getClassificationsList())
                .containsExactly(expectedClasses(2f, 1f), expectedClasses(-1f, 1f));
    }

    @Test
    void predictFeedsStringTensorsAndAnswersStrings() {
        TensorProto serialized = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(Tensors.shape(2))
                .addStringVal(x(1f).toByteString())
                .addStringVal(x(2f).toByteString())
                .build();

        PredictResponse response = serving.grpc()
                .prediction()
                .predict(Tensors.predict(classifySpec(), Map.of(ExampleInference.INPUTS, serialized)));

        TensorProto classes = response.getOutputsOrThrow("classes");
        assertThat(classes.getDtype()).isEqualTo(DataType.DT_STRING);
        assertThat(Tensors.dims(classes)).containsExactly(2, 2);
        assertThat(classes.getStringValList())
                .extracting(ByteString::toStringUtf8)
                .containsExactly("low", "high", "low", "high");
        assertThat(Tensors.floats(response.getOutputsOrThrow("scores")))
                .containsExactly(
                        Examples.scores(1f, 0, VERSION)[0],
                        Examples.scores(1f, 0, VERSION)[1],
                        Examples.scores(2f, 0, VERSION)[0],
                        Examples.scores(2f, 0, VERSION)[1]);
    }

    @Test
    void oneStringForManyElementsFillsThemAsTensorFlowDoes() {
        TensorProto serialized = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(Tensors.shape(3))
                .addStringVal(x(5f).toByteString())
                .build();

        PredictResponse response = serving.grpc()
                .prediction()
                .predict(Tensors.predict(regressSpec(), Map.of(ExampleInference.INPUTS, serialized)));

        float expected = Examples.regression(5f, 0, VERSION);
        assertThat(Tensors.floats(response.getOutputsOrThrow("outputs"))).containsExactly(expected, expected, expected);
    }

    @Test
    void aStringTensorWithTooFewValuesIsInvalid() {
        TensorProto serialized = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(Tensors.shape(3))
                .addStringVal(x(1f).toByteString())
                .addStringVal(x(2f).toByteString())
                .build();

        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(Tensors.predict(classifySpec(), Map.of(ExampleInference.INPUTS, serialized))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("string_val has 2 values").contains("[3]");
    }

    /** The value of one series in the core's metrics, 0 if it is not there yet. */
    private static long series(String name) {
        return serving.core()
                .metrics()
                .scrape()
                .lines()
                .filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1)))
                .findFirst()
                .orElse(0);
    }

    @Test
    void classifyAndRegressAreCountedUnderTensorFlowServingsApiLabels() {
        String classified =
                ":tensorflow:serving:request_latency_count{model_name=\"examples\",API=\"Classify\",entrypoint=\"GRPC\"}";
        String regressed =
                ":tensorflow:serving:request_latency_count{model_name=\"examples\",API=\"Regress\",entrypoint=\"GRPC\"}";
        String refused = ":tensorflow:serving:request_count{model_name=\"examples\",status=\"INVALID_ARGUMENT\"}";
        long[] before = {series(classified), series(regressed), series(refused)};

        serving.grpc().prediction().classify(classify(classifySpec(), list(x(1f))));
        serving.grpc().prediction().regress(regress(regressSpec(), list(x(1f))));
        classifyStatus(classify(classifySpec(), Input.getDefaultInstance()));

        assertThat(new long[] {series(classified), series(regressed), series(refused)})
                .containsExactly(before[0] + 1, before[1] + 1, before[2] + 1);
    }

    // ---- errors of the request

    @Test
    void anEmptyInputIsInvalidForEachCall() {
        Status classify = classifyStatus(classify(classifySpec(), Input.getDefaultInstance()));
        Status regress = regressStatus(regressSpec(), list());
        Status multi = multiStatus(MultiInferenceRequest.newBuilder()
                .addTasks(task("examples", Examples.REGRESS, ExampleInference.REGRESS_METHOD))
                .setInput(withContext(bias(1f)))
                .build());

        assertThat(List.of(classify, regress, multi))
                .allSatisfy(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .extracting(Status::getDescription)
                .containsOnly("Input is empty.");
    }

    @Test
    void aRequestWithoutAModelSpecIsInvalid() {
        Status status = classifyStatus(
                ClassificationRequest.newBuilder().setInput(list(x(1f))).build());

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("Missing ModelSpec");
    }

    @Test
    void anUnknownModelOrVersionIsNotFound() {
        Status model = classifyStatus(classify(spec("nope", Examples.CLASSIFY), list(x(1f))));
        Status version = regressStatus(
                regressSpec().toBuilder()
                        .setVersion(Tensors.spec("examples", 99).getVersion())
                        .build(),
                list(x(1f)));

        assertThat(model.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(version.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void anExampleWithoutARequiredFeatureIsInvalidWithTensorFlowsReason() {
        Status status = classifyStatus(classify(classifySpec(), list(x(1f), bias(2f))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("Feature: x").contains("required");
    }

    // ---- errors of the signature

    @Test
    void aSignatureThatDoesNotExistIsInvalid() {
        Status classify = classifyStatus(classify(spec("examples", "nope"), list(x(1f))));
        Status regress = regressStatus(spec("examples", "nope"), list(x(1f)));

        assertThat(List.of(classify, regress))
                .allSatisfy(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .extracting(Status::getDescription)
                .containsOnly("No signature was found with the name: nope");
    }

    @Test
    void aModelWithoutClassifyOrRegressSignaturesIsInvalid() {
        Status classify = classifyStatus(classify(Tensors.spec("mnist"), list(x(1f))));
        Status regress = regressStatus(Tensors.spec("mnist"), list(x(1f)));
        Status multi = multiStatus(MultiInferenceRequest.newBuilder()
                .addTasks(task("mnist", "", ExampleInference.CLASSIFY_METHOD))
                .setInput(list(x(1f)))
                .build());

        assertThat(List.of(classify, regress, multi))
                .extracting(Status::getCode)
                .containsOnly(Status.Code.INVALID_ARGUMENT);
        assertThat(classify.getDescription())
                .startsWith("No classification inputs found in SignatureDef: ")
                .contains("flatten_input");
        assertThat(regress.getDescription()).startsWith("No regression inputs found in SignatureDef: ");
    }

    @Test
    void theDefaultSignatureOfAModelIsUsedWhenTheSpecNamesNone() {
        // The default signature here is a Predict one: x float -> y, which neither call can use.
        Status classify = classifyStatus(classify(Tensors.spec("examples"), list(x(1f))));

        assertThat(classify.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(classify.getDescription())
                .startsWith("No classification inputs found in SignatureDef: ")
                .contains("tensorflow/serving/predict");
    }

    @Test
    void aSignatureOfTheOtherKindIsInvalid() {
        Status classifyOnRegress = classifyStatus(classify(regressSpec(), list(x(1f))));
        Status regressOnClassify = regressStatus(classifySpec(), list(x(1f)));

        assertThat(classifyOnRegress.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(classifyOnRegress.getDescription())
                .startsWith("Expected classification signature outputs to contain at least one of \"classes\" or"
                        + " \"scores\". Signature was: ");
        assertThat(regressOnClassify.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(regressOnClassify.getDescription()).isEqualTo("Expected one output Tensor.");
    }

    @Test
    void withTheMethodNameCheckASignatureMustAlsoBeNamedForItsMethod() throws Exception {
        ExampleInference checking = new ExampleInference(true);
        try (Lease lease = serving.core().lease(Tensors.spec("examples"))) {
            ServingException classify = failure(checking.classify(
                    lease.servable(), OptionalLong.empty(), classify(regressSpec(), list(x(1f))), RunLimits.NONE));
            ServingException regress = failure(checking.regress(
                    lease.servable(), OptionalLong.empty(), regress(classifySpec(), list(x(1f))), RunLimits.NONE));
            ClassificationResponse fine = checking.classify(
                            lease.servable(),
                            OptionalLong.empty(),
                            classify(classifySpec(), list(x(1f))),
                            RunLimits.NONE)
                    .join();

            assertThat(classify.code()).isEqualTo(Code.INVALID_ARGUMENT);
            assertThat(classify.getMessage())
                    .isEqualTo("Expected classification signature method_name to be tensorflow/serving/classify."
                            + " Was: tensorflow/serving/regress");
            assertThat(regress.getMessage())
                    .isEqualTo("Expected regression signature method_name to be tensorflow/serving/regress."
                            + " Was: tensorflow/serving/classify");
            assertThat(fine.getResult().getClassificationsList()).containsExactly(expectedClasses(1f, 0));
        }
    }

    private static ServingException failure(java.util.concurrent.CompletableFuture<?> future) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(future::join);
        assertThat(t).isNotNull();
        return ErrorMapping.toServingException(t);
    }

    // ---- errors of the outputs

    @Test
    void outputsOfTheWrongTypeOrShapeAreInvalidWithTensorFlowServingsMessages() {
        Map<String, String> expected = Map.of(
                Examples.DOUBLE_SCORES, "Expected scores Tensor of DT_FLOAT. Got: DT_DOUBLE",
                Examples.VECTOR_SCORES, "Expected Tensor shape: [batch_size num_classes] but got [2]",
                Examples.MISMATCHED, "Tensors class and score should match in dim_size(1). Got 2 vs. 3");
        expected.forEach((signature, message) -> {
            Status status = classifyStatus(classify(spec("examples", signature), list(x(1f), x(2f))));

            assertThat(status.getCode()).as(signature).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).as(signature).isEqualTo(message);
        });
        Status wide = regressStatus(spec("examples", Examples.WIDE_OUTPUTS), list(x(1f), x(2f)));
        assertThat(wide.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(wide.getDescription())
                .isEqualTo("Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got [2,2]");
    }

    // ---- errors of MultiInference

    @Test
    void multiInferenceRefusesTasksAsTensorFlowServingDoes() {
        Input input = list(x(1f));
        Map<MultiInferenceRequest, String> expected = Map.of(
                MultiInferenceRequest.newBuilder()
                        .addTasks(task("examples", Examples.REGRESS, ExampleInference.REGRESS_METHOD))
                        .addTasks(task("mnist", Examples.CLASSIFY, ExampleInference.CLASSIFY_METHOD))
                        .setInput(input)
                        .build(),
                "All ModelSpecs in a MultiInferenceRequest must access the same model name.",
                MultiInferenceRequest.newBuilder()
                        .addTasks(task("examples", Examples.REGRESS, ExampleInference.REGRESS_METHOD))
                        .addTasks(task("", Examples.CLASSIFY, ExampleInference.CLASSIFY_METHOD))
                        .setInput(input)
                        .build(),
                "Found ModelSpec with an empty model name.",
                MultiInferenceRequest.newBuilder()
                        .addTasks(task("examples", Examples.REGRESS, ExampleInference.REGRESS_METHOD))
                        .addTasks(task("examples", Examples.REGRESS, ExampleInference.REGRESS_METHOD))
                        .setInput(input)
                        .build(),
                "Duplicate evaluation of signature: regress",
                MultiInferenceRequest.newBuilder()
                        .addTasks(task("examples", "nope", ExampleInference.REGRESS_METHOD))
                        .setInput(input)
                        .build(),
                "Requested signature not found in model graph: nope",
                MultiInferenceRequest.newBuilder().setInput(input).build(),
                "ModelSpec has no name specified.");
        expected.forEach((request, message) -> {
            Status status = multiStatus(request);

            assertThat(status.getCode()).as(message).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).isEqualTo(message);
        });
    }

    @Test
    void multiInferenceOfAMethodOtherThanClassifyOrRegressIsUnimplemented() {
        Status status = multiStatus(MultiInferenceRequest.newBuilder()
                .addTasks(task("examples", "", "tensorflow/serving/predict"))
                .setInput(list(x(1f)))
                .build());

        assertThat(status.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(status.getDescription()).isEqualTo("Unsupported signature method_name: tensorflow/serving/predict");
    }
}
