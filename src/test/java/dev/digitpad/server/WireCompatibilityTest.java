package dev.digitpad.server;

import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.predictImages;
import static dev.digitpad.testing.Tensors.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.UnknownFieldSet.Field;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.SignatureDefMap;
import dev.digitpad.testing.RawBytes;
import dev.digitpad.testing.Reflection;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The services over a real socket (Netty), including a client that knows nothing but TensorFlow Serving's
 * published field numbers: it builds its request and reads the response field by field, as another
 * language's TFS client would.
 */
class WireCompatibilityTest {
    private static final long VERSION = 3;

    @RegisterExtension
    static final ServingFixture serving = ServingFixture.overLoopback().version("mnist", VERSION, Kind.MNIST);

    private static Field bytesField(ByteString value) {
        return Field.newBuilder().addLengthDelimited(value).build();
    }

    private static Field message(UnknownFieldSet value) {
        return bytesField(value.toByteString());
    }

    private static Field varint(long value) {
        return Field.newBuilder().addVarint(value).build();
    }

    private static UnknownFieldSet parse(ByteString bytes) {
        try {
            return UnknownFieldSet.parseFrom(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UnknownFieldSet only(UnknownFieldSet set, int number) {
        List<ByteString> values = set.getField(number).getLengthDelimitedList();
        assertThat(values).as("field %d", number).hasSize(1);
        return parse(values.get(0));
    }

    @Test
    void aClientThatKnowsOnlyTheFieldNumbersGetsTheAnswer() throws Exception {
        float[] image = TestModels.imageWithRow(1, 3f);
        ByteBuffer packed = ByteBuffer.allocate(image.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : image) {
            packed.putFloat(v);
        }
        UnknownFieldSet.Builder shape = UnknownFieldSet.newBuilder();
        Field.Builder dims = Field.newBuilder();
        for (long d : new long[] {1, 28, 28, 1}) {
            dims.addLengthDelimited(
                    UnknownFieldSet.newBuilder().addField(1, varint(d)).build().toByteString()); // Dim.size = 1
        }
        shape.addField(2, dims.build()); // TensorShapeProto.dim = 2
        UnknownFieldSet tensor = UnknownFieldSet.newBuilder()
                .addField(1, varint(1)) // dtype = DT_FLOAT
                .addField(2, message(shape.build())) // tensor_shape
                .addField(5, bytesField(ByteString.copyFrom(packed.flip()))) // float_val, packed
                .build();
        UnknownFieldSet inputEntry = UnknownFieldSet.newBuilder()
                .addField(1, bytesField(ByteString.copyFromUtf8("flatten_input")))
                .addField(2, message(tensor))
                .build();
        UnknownFieldSet request = UnknownFieldSet.newBuilder()
                .addField(
                        1,
                        message(UnknownFieldSet.newBuilder() // model_spec
                                .addField(1, bytesField(ByteString.copyFromUtf8("mnist")))
                                .build()))
                .addField(2, message(inputEntry)) // inputs map entry
                .build();
        MethodDescriptor<byte[], byte[]> predict = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("tensorflow.serving.PredictionService/Predict")
                .setRequestMarshaller(RawBytes.MARSHALLER)
                .setResponseMarshaller(RawBytes.MARSHALLER)
                .build();

        byte[] answer = ClientCalls.blockingUnaryCall(
                serving.channel(),
                predict,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                request.toByteArray());

        UnknownFieldSet response = parse(ByteString.copyFrom(answer));
        UnknownFieldSet spec = only(response, 2); // model_spec = 2
        assertThat(spec.getField(1).getLengthDelimitedList()).containsExactly(ByteString.copyFromUtf8("mnist"));
        assertThat(only(spec, 2).getField(1).getVarintList()).containsExactly(VERSION); // version: Int64Value.value = 1
        assertThat(spec.getField(3).getLengthDelimitedList())
                .containsExactly(ByteString.copyFromUtf8("serving_default"));
        UnknownFieldSet outputEntry = only(response, 1); // outputs = 1
        assertThat(outputEntry.getField(1).getLengthDelimitedList()).containsExactly(ByteString.copyFromUtf8("dense"));
        UnknownFieldSet dense = only(outputEntry, 2);
        assertThat(dense.getField(1).getVarintList()).containsExactly(1L); // DT_FLOAT
        List<Long> sizes = only(dense, 2).getField(2).getLengthDelimitedList().stream()
                .map(d -> parse(d).getField(1).getVarintList().get(0))
                .toList();
        assertThat(sizes).containsExactly(1L, 10L);
        float[] probabilities = readFloats(dense);
        double[] expected = TestModels.expectedProbabilities(image, VERSION);
        assertThat(probabilities).hasSize(10);
        for (int k = 0; k < 10; k++) {
            assertThat((double) probabilities[k]).isCloseTo(expected[k], within(1e-5));
        }
    }

    /** float_val (5), packed or not, or tensor_content (4): a TFS client must read all of them. */
    private static float[] readFloats(UnknownFieldSet tensor) {
        ByteBuffer raw;
        if (tensor.hasField(4)) {
            raw = tensor.getField(4).getLengthDelimitedList().get(0).asReadOnlyByteBuffer();
        } else if (!tensor.getField(5).getLengthDelimitedList().isEmpty()) {
            raw = tensor.getField(5).getLengthDelimitedList().get(0).asReadOnlyByteBuffer();
        } else {
            List<Integer> fixed = tensor.getField(5).getFixed32List();
            float[] out = new float[fixed.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.intBitsToFloat(fixed.get(i));
            }
            return out;
        }
        raw.order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[raw.remaining() / 4];
        raw.asFloatBuffer().get(out);
        return out;
    }

    @Test
    void generatedStubsWorkOverTheSocket() throws Exception {
        float[] image = TestModels.imageWithRow(8, 1f);
        PredictionServiceGrpc.PredictionServiceBlockingStub stub =
                PredictionServiceGrpc.newBlockingStub(serving.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);

        PredictResponse response = stub.predict(predictImages("mnist", image));
        SignatureDefMap signatures = stub.getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("mnist"))
                        .addMetadataField("signature_def")
                        .build())
                .getMetadataOrThrow("signature_def")
                .unpack(SignatureDefMap.class);

        float[] probabilities = floats(response.getOutputsOrThrow("dense"));
        double[] expected = TestModels.expectedProbabilities(image, VERSION);
        for (int k = 0; k < 10; k++) {
            assertThat((double) probabilities[k]).isCloseTo(expected[k], within(1e-5));
        }
        assertThat(signatures.getSignatureDefOrThrow("serving_default").getInputsMap())
                .containsOnlyKeys("flatten_input");
    }

    @Test
    void serverReflectionListsTheServingServices() throws Exception {
        assertThat(Reflection.services(serving.channel(), Duration.ofSeconds(30)))
                .contains(
                        "tensorflow.serving.PredictionService",
                        "tensorflow.serving.ModelService",
                        "grpc.health.v1.Health");
    }
}
