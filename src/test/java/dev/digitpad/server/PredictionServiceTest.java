package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static dev.digitpad.testing.Tensors.floatContent;
import static dev.digitpad.testing.Tensors.floatVal;
import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.images;
import static dev.digitpad.testing.Tensors.predict;
import static dev.digitpad.testing.Tensors.predictImages;
import static dev.digitpad.testing.Tensors.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.UnsafeByteOperations;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * Predict and the unimplemented PredictionService calls over in-process gRPC, against real SavedModels:
 * every answer is checked against values computed by hand, every error against the status code and the
 * wording TensorFlow Serving's clients and users rely on.
 */
class PredictionServiceTest {
    private static final long LATEST = 2;

    @RegisterExtension
    static final ServingFixture serving = ServingFixture.inProcess()
            .version("mnist", 1, Kind.MNIST)
            .version("mnist", LATEST, Kind.MNIST)
            .version("logits", 7, Kind.LOGITS)
            .version("pair", 1, Kind.TWO_INPUTS)
            .version("types", 1, Kind.TYPES);

    private static void assertProbabilities(float[] actual, float[] image, long version) {
        double[] expected = TestModels.expectedProbabilities(image, version);
        assertThat(actual).hasSize(TestModels.CLASSES);
        for (int k = 0; k < TestModels.CLASSES; k++) {
            assertThat((double) actual[k]).as("probability of class %d", k).isCloseTo(expected[k], within(1e-5));
        }
    }

    // ---- answers ----

    @Test
    void predictWithTensorContentAnswersTheSoftmaxAndEchoesTheResolvedSpec() {
        float[] image = TestModels.imageWithRow(3, 1.5f);

        PredictResponse response = serving.grpc().prediction().predict(predictImages("mnist", image));

        assertThat(response.getOutputsMap()).containsOnlyKeys("dense");
        TensorProto dense = response.getOutputsOrThrow("dense");
        assertThat(dense.getDtype()).isEqualTo(DataType.DT_FLOAT);
        assertThat(Tensors.dims(dense)).containsExactly(1, TestModels.CLASSES);
        assertProbabilities(floats(dense), image, LATEST);
        assertThat(response.getModelSpec().getName()).isEqualTo("mnist");
        assertThat(response.getModelSpec().hasVersion()).isTrue();
        assertThat(response.getModelSpec().getVersion()).isEqualTo(Int64Value.of(LATEST));
        assertThat(response.getModelSpec().getSignatureName()).isEqualTo("serving_default");
    }

    @Test
    void predictWithFloatValGivesTheSameAnswer() {
        float[] image = TestModels.imageWithRow(7, 2f);

        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(spec("mnist"), Map.of("flatten_input", floatVal(new long[] {1, 28, 28, 1}, image))));

        assertProbabilities(floats(response.getOutputsOrThrow("dense")), image, LATEST);
    }

    @Test
    void aSingleFloatValStandsForEveryElement() {
        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(spec("mnist"), Map.of("flatten_input", floatVal(new long[] {1, 28, 28, 1}, 0.25f))));

        assertProbabilities(floats(response.getOutputsOrThrow("dense")), TestModels.uniformImage(0.25f), LATEST);
    }

    @Test
    void aBatchOfSeveralExamplesIsAnsweredRowByRow() {
        float[][] batch = {
            TestModels.imageWithRow(0, 1f),
            TestModels.imageWithRow(5, 3f),
            TestModels.uniformImage(0.1f),
            new float[TestModels.PIXELS]
        };

        PredictResponse response = serving.grpc().prediction().predict(predictImages("mnist", batch));

        TensorProto dense = response.getOutputsOrThrow("dense");
        assertThat(Tensors.dims(dense)).containsExactly(batch.length, TestModels.CLASSES);
        float[] all = floats(dense);
        for (int i = 0; i < batch.length; i++) {
            assertProbabilities(Tensors.slice(all, i, TestModels.CLASSES), batch[i], LATEST);
        }
    }

    @Test
    void tensorContentThatIsAViewIntoALargerBufferIsReadFromItsOwnBytes() {
        // Clients (and in-process callers, whose messages are not copied) may hand over tensor_content as a
        // view into a larger array, e.g. ByteString.substring or UnsafeByteOperations.unsafeWrap(bytes, off, len).
        float[] image = TestModels.imageWithRow(6, 2f);
        ByteString content = images(image).getTensorContent();
        byte[] noise = new byte[64];
        Arrays.fill(noise, (byte) 0x3f);
        ByteString atTheEnd = ByteString.copyFrom(noise).concat(content);
        byte[] framed = atTheEnd.concat(ByteString.copyFrom(noise)).toByteArray();

        for (ByteString view : List.of(
                ByteString.copyFrom(atTheEnd.toByteArray()).substring(noise.length),
                UnsafeByteOperations.unsafeWrap(framed, noise.length, content.size()))) {
            PredictResponse response = serving.grpc()
                    .prediction()
                    .predict(predict(
                            spec("mnist"),
                            Map.of(
                                    "flatten_input",
                                    images(image).toBuilder()
                                            .setTensorContent(view)
                                            .build())));

            assertProbabilities(floats(response.getOutputsOrThrow("dense")), image, LATEST);
        }
    }

    @Test
    void anExplicitVersionThatIsServedAnswers() {
        float[] image = TestModels.imageWithRow(2, 1f);
        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(spec("mnist", LATEST), Map.of("flatten_input", images(image))));

        assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(LATEST);
        assertProbabilities(floats(response.getOutputsOrThrow("dense")), image, LATEST);
    }

    @Test
    void anExplicitSignatureNameIsEchoed() {
        PredictRequest request = predict(
                spec("mnist").toBuilder().setSignatureName("serving_default").build(),
                Map.of("flatten_input", images(new float[TestModels.PIXELS])));

        assertThat(serving.grpc().prediction().predict(request).getModelSpec().getSignatureName())
                .isEqualTo("serving_default");
    }

    @Test
    void logitsModelAnswersTheRawLogits() {
        float[] image = TestModels.imageWithRow(9, 1f);

        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(spec("logits"), Map.of("x", floatContent(new long[] {1, TestModels.PIXELS}, image))));

        assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(7);
        double[] expected = TestModels.expectedLogits(image, 7);
        float[] actual = floats(response.getOutputsOrThrow("logits"));
        assertThat(actual).hasSize(TestModels.CLASSES);
        for (int k = 0; k < TestModels.CLASSES; k++) {
            assertThat((double) actual[k]).isCloseTo(expected[k], within(1e-5));
        }
    }

    @Test
    void twoInputsAreFedByKeyAndAllOutputsAreReturned() {
        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(
                        spec("pair"),
                        Map.of(
                                "a", floatVal(new long[] {2, 2}, 1, 2, 3, 4),
                                "b", floatContent(new long[] {2, 2}, 10, 20, 30, 40))));

        assertThat(response.getOutputsMap()).containsOnlyKeys("sum", "diff");
        // version 1 adds 1 to the sum
        assertThat(floats(response.getOutputsOrThrow("sum"))).containsExactly(12, 23, 34, 45);
        assertThat(floats(response.getOutputsOrThrow("diff"))).containsExactly(-9, -18, -27, -36);
        assertThat(Tensors.dims(response.getOutputsOrThrow("diff"))).containsExactly(2, 2);
    }

    @Test
    void outputFilterReturnsOnlyTheNamedOutputs() {
        PredictRequest request = predict(
                        spec("pair"),
                        Map.of(
                                "a", floatVal(new long[] {1, 2}, 5, 6),
                                "b", floatVal(new long[] {1, 2}, 1, 1)))
                .toBuilder()
                .addOutputFilter("diff")
                .build();

        PredictResponse response = serving.grpc().prediction().predict(request);

        assertThat(response.getOutputsMap()).containsOnlyKeys("diff");
        assertThat(floats(response.getOutputsOrThrow("diff"))).containsExactly(4, 5);
    }

    private static TensorProto.Builder vector(DataType dtype, int length) {
        return TensorProto.newBuilder().setDtype(dtype).setTensorShape(Tensors.shape(length));
    }

    private static void assertTypesEchoed(PredictResponse response) {
        TensorProto u8 = response.getOutputsOrThrow("u8_out");
        assertThat(u8.getDtype()).isEqualTo(DataType.DT_UINT8);
        assertThat(u8.getIntValList()).containsExactly(0, 200, 255);
        TensorProto i32 = response.getOutputsOrThrow("i32_out");
        assertThat(i32.getDtype()).isEqualTo(DataType.DT_INT32);
        assertThat(i32.getIntValList()).containsExactly(-5, 0, Integer.MAX_VALUE);
        TensorProto i64 = response.getOutputsOrThrow("i64_out");
        assertThat(i64.getDtype()).isEqualTo(DataType.DT_INT64);
        assertThat(i64.getInt64ValList()).containsExactly(Long.MIN_VALUE, 1L, 1L << 40);
        TensorProto f64 = response.getOutputsOrThrow("f64_out");
        assertThat(f64.getDtype()).isEqualTo(DataType.DT_DOUBLE);
        assertThat(f64.getDoubleValList()).containsExactly(0.1, -2.5, 1e300);
        TensorProto flag = response.getOutputsOrThrow("flag_out");
        assertThat(flag.getDtype()).isEqualTo(DataType.DT_BOOL);
        assertThat(flag.getBoolValList()).containsExactly(true, false, true);
        for (TensorProto t : response.getOutputsMap().values()) {
            assertThat(Tensors.dims(t)).containsExactly(3);
        }
    }

    @Test
    void everyAcceptedElementTypeTravelsInItsTypedField() {
        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(
                        spec("types"),
                        Map.of(
                                "u8",
                                        vector(DataType.DT_UINT8, 3)
                                                .addIntVal(0)
                                                .addIntVal(200)
                                                .addIntVal(255)
                                                .build(),
                                "i32",
                                        vector(DataType.DT_INT32, 3)
                                                .addIntVal(-5)
                                                .addIntVal(0)
                                                .addIntVal(Integer.MAX_VALUE)
                                                .build(),
                                "i64",
                                        vector(DataType.DT_INT64, 3)
                                                .addInt64Val(Long.MIN_VALUE)
                                                .addInt64Val(1)
                                                .addInt64Val(1L << 40)
                                                .build(),
                                "f64",
                                        vector(DataType.DT_DOUBLE, 3)
                                                .addDoubleVal(0.1)
                                                .addDoubleVal(-2.5)
                                                .addDoubleVal(1e300)
                                                .build(),
                                "flag",
                                        vector(DataType.DT_BOOL, 3)
                                                .addBoolVal(true)
                                                .addBoolVal(false)
                                                .addBoolVal(true)
                                                .build())));

        assertTypesEchoed(response);
    }

    @Test
    void everyAcceptedElementTypeTravelsInTensorContent() {
        ByteBuffer i32 = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(-5)
                .putInt(0)
                .putInt(Integer.MAX_VALUE)
                .flip();
        ByteBuffer i64 = ByteBuffer.allocate(24)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(Long.MIN_VALUE)
                .putLong(1)
                .putLong(1L << 40)
                .flip();
        ByteBuffer f64 = ByteBuffer.allocate(24)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(0.1)
                .putDouble(-2.5)
                .putDouble(1e300)
                .flip();

        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(
                        spec("types"),
                        Map.of(
                                "u8",
                                        vector(DataType.DT_UINT8, 3)
                                                .setTensorContent(
                                                        ByteString.copyFrom(new byte[] {0, (byte) 200, (byte) 255}))
                                                .build(),
                                "i32",
                                        vector(DataType.DT_INT32, 3)
                                                .setTensorContent(ByteString.copyFrom(i32))
                                                .build(),
                                "i64",
                                        vector(DataType.DT_INT64, 3)
                                                .setTensorContent(ByteString.copyFrom(i64))
                                                .build(),
                                "f64",
                                        vector(DataType.DT_DOUBLE, 3)
                                                .setTensorContent(ByteString.copyFrom(f64))
                                                .build(),
                                "flag",
                                        vector(DataType.DT_BOOL, 3)
                                                .setTensorContent(ByteString.copyFrom(new byte[] {1, 0, 1}))
                                                .build())));

        assertTypesEchoed(response);
    }

    // ---- errors ----

    @Test
    void anOutputFilterKeyNotInTheSignatureIsInvalid() {
        PredictRequest request = predictImages("mnist", new float[TestModels.PIXELS]).toBuilder()
                .addOutputFilter("probabilities")
                .build();

        Status status = statusOf(() -> serving.grpc().prediction().predict(request));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .contains("output tensor alias not found in signature: probabilities")
                .contains("{dense}");
    }

    @Test
    void aVersionThatDoesNotExistIsNotFound() {
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(spec("mnist", 3), Map.of("flatten_input", images(new float[TestModels.PIXELS])))));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("Servable not found for request: Specific(mnist, 3)");
    }

    @Test
    void anOlderVersionIsNotServedUnderTheLatestPolicy() {
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(spec("mnist", 1), Map.of("flatten_input", images(new float[TestModels.PIXELS])))));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("Servable not found for request: Specific(mnist, 1)");
    }

    @Test
    void anUnknownModelIsNotFound() {
        Status status = statusOf(
                () -> serving.grpc().prediction().predict(predictImages("nope", new float[TestModels.PIXELS])));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("Servable not found for request: Latest(nope)");
    }

    @Test
    void anEmptyModelNameIsInvalid() {
        Status status =
                statusOf(() -> serving.grpc().prediction().predict(predictImages("", new float[TestModels.PIXELS])));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("ModelSpec has no name specified.");
    }

    @Test
    void aLabelTheModelDoesNotHaveIsInvalidInTensorFlowServingsWords() {
        ModelSpec labelled = spec("mnist").toBuilder().setVersionLabel("stable").build();

        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(labelled, Map.of("flatten_input", images(new float[TestModels.PIXELS])))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("Unrecognized servable version label: stable");
    }

    @Test
    void anUnknownSignatureIsAFailedPrecondition() {
        ModelSpec foo = spec("mnist").toBuilder().setSignatureName("foo").build();

        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(foo, Map.of("flatten_input", images(new float[TestModels.PIXELS])))));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).isEqualTo("Serving signature key \"foo\" not found.");
    }

    @Test
    void aWrongInputKeyNamesTheExtraAndTheMissingKeys() {
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(spec("mnist"), Map.of("a", images(new float[TestModels.PIXELS])))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .startsWith("input size does not match signature")
                .contains("Sent extra: {a}")
                .contains("Missing but required: {flatten_input}");
    }

    @Test
    void aMissingSecondInputIsNamed() {
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(spec("pair"), Map.of("a", floatVal(new long[] {1, 2}, 1, 2)))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("Sent extra: {}").contains("Missing but required: {b}");
    }

    @Test
    void aWrongDtypeIsInvalid() {
        TensorProto doubles = TensorProto.newBuilder()
                .setDtype(DataType.DT_DOUBLE)
                .setTensorShape(Tensors.shape(1, 28, 28, 1))
                .addDoubleVal(0.5)
                .build();

        Status status = statusOf(
                () -> serving.grpc().prediction().predict(predict(spec("mnist"), Map.of("flatten_input", doubles))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .contains("flatten_input")
                .contains("DT_FLOAT")
                .contains("DT_DOUBLE");
    }

    @Test
    void aWrongShapeNamesTheKeyTheExpectedAndTheSentShape() {
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(
                        spec("mnist"),
                        Map.of("flatten_input", floatContent(new long[] {28, 28, 1}, new float[TestModels.PIXELS])))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .contains("\"flatten_input\"")
                .contains("[-1,28,28,1]")
                .contains("[28,28,1]");
    }

    @Test
    void aWrongInnerDimensionIsInvalid() {
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(spec("logits"), Map.of("x", floatVal(new long[] {1, 783}, 0f)))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .contains("\"x\"")
                .contains("[-1,784]")
                .contains("[1,783]");
    }

    @Test
    void tensorContentOfTheWrongSizeIsInvalid() {
        TensorProto shortContent = floatContent(new long[] {1, 28, 28, 1}, new float[TestModels.PIXELS - 1]);

        Status status = statusOf(() ->
                serving.grpc().prediction().predict(predict(spec("mnist"), Map.of("flatten_input", shortContent))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .contains("flatten_input")
                .contains("tensor_content has 3132 bytes")
                .contains("3136");
    }

    @Test
    void aFloatValCountThatDoesNotFitTheShapeIsInvalid() {
        TensorProto fiveValues = floatVal(new long[] {1, 28, 28, 1}, 1, 2, 3, 4, 5);

        Status status = statusOf(
                () -> serving.grpc().prediction().predict(predict(spec("mnist"), Map.of("flatten_input", fiveValues))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .contains("flatten_input")
                .contains("float_val has 5 values")
                .contains("784");
    }

    @Test
    void aKernelErrorInsideTheModelIsAnInvalidArgumentWithTensorFlowsMessage() {
        // Both shapes fit the signature's [-1,2], but the model cannot add a batch of 3 to a batch of 2.
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(
                        spec("pair"),
                        Map.of(
                                "a", floatVal(new long[] {3, 2}, 1f),
                                "b", floatVal(new long[] {2, 2}, 1f)))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .contains("Incompatible shapes")
                .contains("[3,2]")
                .contains("[2,2]");
    }

    @Test
    void aDuplicateOutputFilterKeyIsInvalid() {
        PredictRequest request = predictImages("mnist", new float[TestModels.PIXELS]).toBuilder()
                .addOutputFilter("dense")
                .addOutputFilter("dense")
                .build();

        Status status = statusOf(() -> serving.grpc().prediction().predict(request));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("duplicate").contains("dense");
    }

    @Test
    void aStringTensorForAFloatInputIsInvalid() {
        TensorProto strings = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(Tensors.shape(1, 28, 28, 1))
                .addStringVal(ByteString.copyFromUtf8("seven"))
                .build();

        Status status = statusOf(
                () -> serving.grpc().prediction().predict(predict(spec("mnist"), Map.of("flatten_input", strings))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("flatten_input").contains("DT_STRING");
    }

    @Test
    void aRequestShapeWithAnUnknownDimensionIsInvalid() {
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(spec("mnist"), Map.of("flatten_input", floatVal(new long[] {-1, 28, 28, 1}, 0f)))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("flatten_input").contains("[-1,28,28,1]");
    }

    @Test
    void anEmptyBatchIsAnsweredWithAnEmptyBatch() {
        PredictResponse response = serving.grpc()
                .prediction()
                .predict(predict(spec("mnist"), Map.of("flatten_input", floatVal(new long[] {0, 28, 28, 1}))));

        TensorProto dense = response.getOutputsOrThrow("dense");
        assertThat(Tensors.dims(dense)).containsExactly(0, TestModels.CLASSES);
        assertThat(floats(dense)).isEmpty();
    }

    @Test
    void aShapeTooLargeToFeedIsInvalidNotAnInternalError() {
        // 822,083,584 floats: fewer elements than Integer.MAX_VALUE, but more than 2 GiB of bytes, from a
        // request of a few bytes (one float_val stands for all of them).
        Status status = statusOf(() -> serving.grpc()
                .prediction()
                .predict(predict(
                        spec("mnist"), Map.of("flatten_input", floatVal(new long[] {1 << 20, 28, 28, 1}, 0f)))));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("flatten_input").contains("[1048576,28,28,1]");
    }

    @Test
    void errorMessagesAreCutAt1024CharactersLikeTensorFlowServing() {
        String longName = "m".repeat(3000);

        Status status = statusOf(
                () -> serving.grpc().prediction().predict(predictImages(longName, new float[TestModels.PIXELS])));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription())
                .hasSize(1024)
                .startsWith("Servable not found for request: Latest(mmm")
                .endsWith("...");
    }

    // ---- concurrency ----

    @Test
    void concurrentPredictsAreAllAnsweredCorrectly() throws Exception {
        int threads = 8;
        int callsPerThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Integer>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                float[] image = TestModels.imageWithRow(t % TestModels.CLASSES, 1f + t);
                work.add(() -> {
                    for (int i = 0; i < callsPerThread; i++) {
                        PredictResponse response = serving.grpc().prediction().predict(predictImages("mnist", image));
                        assertThat(response.getModelSpec().getVersion().getValue())
                                .isEqualTo(LATEST);
                        assertProbabilities(floats(response.getOutputsOrThrow("dense")), image, LATEST);
                    }
                    return callsPerThread;
                });
            }
            int answered = 0;
            for (Future<Integer> f : pool.invokeAll(work)) {
                answered += f.get();
            }
            assertThat(answered).isEqualTo(threads * callsPerThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
