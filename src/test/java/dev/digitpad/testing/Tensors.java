package dev.digitpad.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** Builds and reads the tensors and requests of TensorFlow Serving's protocol, the way clients do. */
public final class Tensors {
    private Tensors() {}

    public static TensorShapeProto shape(long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDimBuilder().setSize(d);
        }
        return shape.build();
    }

    /** A float tensor whose values travel as raw little-endian bytes in {@code tensor_content}. */
    public static TensorProto floatContent(long[] dims, float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return TensorProto.newBuilder()
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(shape(dims))
                .setTensorContent(ByteString.copyFrom(bytes.flip()))
                .build();
    }

    /** A float tensor whose values travel in {@code float_val}. */
    public static TensorProto floatVal(long[] dims, float... values) {
        TensorProto.Builder t =
                TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(dims));
        for (float v : values) {
            t.addFloatVal(v);
        }
        return t.build();
    }

    /** An image batch as the MNIST model's {@code flatten_input}: [n,28,28,1] in tensor_content. */
    public static TensorProto images(float[]... images) {
        float[] all = new float[images.length * TestModels.PIXELS];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, all, i * TestModels.PIXELS, TestModels.PIXELS);
        }
        return floatContent(new long[] {images.length, TestModels.SIDE, TestModels.SIDE, 1}, all);
    }

    /** The values of a float tensor, from {@code tensor_content} or {@code float_val}, whichever it uses. */
    public static float[] floats(TensorProto t) {
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

    public static long[] dims(TensorProto t) {
        return t.getTensorShape().getDimList().stream()
                .mapToLong(TensorShapeProto.Dim::getSize)
                .toArray();
    }

    public static ModelSpec spec(String model) {
        return ModelSpec.newBuilder().setName(model).build();
    }

    public static ModelSpec spec(String model, long version) {
        return ModelSpec.newBuilder()
                .setName(model)
                .setVersion(Int64Value.of(version))
                .build();
    }

    public static PredictRequest predict(ModelSpec spec, Map<String, TensorProto> inputs) {
        return PredictRequest.newBuilder()
                .setModelSpec(spec)
                .putAllInputs(inputs)
                .build();
    }

    /** A request for the MNIST model's default signature with one input tensor. */
    public static PredictRequest predictImages(String model, float[]... images) {
        return predict(spec(model), Map.of("flatten_input", images(images)));
    }

    public static float[] slice(float[] values, int row, int width) {
        float[] out = new float[width];
        System.arraycopy(values, row * width, out, 0, width);
        return out;
    }
}
