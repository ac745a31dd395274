package dev.digitpad.inference;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TString;

/**
 * DT_STRING tensors, whose elements are byte strings of any length (serialized {@code tf.Example}s for Classify and
 * Regress, for instance): they travel in {@code string_val}, one entry an element, never in {@code tensor_content},
 * so they do not fit {@link ElementType}'s fixed widths.
 */
final class StringTensors {
    private StringTensors() {}

    static boolean isString(DataType dtype) {
        return dtype == DataType.DT_STRING;
    }

    /**
     * Checks the values of a DT_STRING tensor of {@code elements} elements: one entry of {@code string_val} an element,
     * or a single one for all of them, as TensorFlow reads it.
     */
    static void checkValues(String key, TensorProto t, long elements) {
        if (!t.getTensorContent().isEmpty()) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": a DT_STRING tensor carries its values in string_val; tensor_content is not read"
                            + " for strings, but it holds %d bytes.",
                    key, t.getTensorContent().size()));
        }
        int values = t.getStringValCount();
        if (values == 1 && elements > 1) {
            long bytes = elements * Math.max(1, t.getStringVal(0).size());
            if (bytes > TensorChecks.MAX_FILL_BYTES) {
                throw new ServingException(
                        org.tensorflow.proto.error.Code.RESOURCE_EXHAUSTED,
                        String.format(
                                "input \"%s\": one string for all of shape %s would fill %d bytes, more than the %d MiB"
                                        + " the server fills from a single value. Send the values themselves.",
                                key,
                                TensorChecks.describe(t.getTensorShape()),
                                bytes,
                                TensorChecks.MAX_FILL_BYTES >> 20));
            }
        }
        if (!(values == elements || (values == 1 && elements > 0))) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": string_val has %d values, but shape %s needs %d (or a single value for all of them).",
                    key, values, TensorChecks.describe(t.getTensorShape()), elements));
        }
    }

    /** The elements of a checked DT_STRING tensor, a single value repeated if it stands for all of them. */
    static List<ByteString> values(TensorProto t, long elements) {
        if (t.getStringValCount() == elements) {
            return t.getStringValList();
        }
        List<ByteString> all = new ArrayList<>((int) elements);
        for (long i = 0; i < elements; i++) {
            all.add(t.getStringVal(0));
        }
        return all;
    }

    /** A tensorflow-java tensor of a checked DT_STRING proto; the caller closes it. */
    static Tensor toTensor(TensorProto t, long[] dims, long elements) {
        List<ByteString> values = values(t, elements);
        byte[][] bytes = new byte[values.size()][];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = values.get(i).toByteArray();
        }
        return TString.tensorOfBytes(Shape.of(dims), DataBuffers.ofObjects(bytes));
    }

    /** The proto of a DT_STRING tensor a run answered. */
    static TensorProto toProto(TString tensor) {
        TensorProto.Builder out = TensorProto.newBuilder().setDtype(DataType.DT_STRING);
        for (long d : tensor.shape().asArray()) {
            out.getTensorShapeBuilder().addDimBuilder().setSize(d);
        }
        tensor.asBytes().streamOfObjects().forEach(b -> out.addStringVal(ByteString.copyFrom(b)));
        return out.build();
    }

    /** The rows of several checked DT_STRING tensors joined along dimension 0, into {@code shape}. */
    static TensorProto join(List<TensorProto> parts, long[] elementsOfEach, TensorShapeProto shape) {
        TensorProto.Builder out =
                TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape);
        for (int i = 0; i < parts.size(); i++) {
            out.addAllStringVal(values(parts.get(i), elementsOfEach[i]));
        }
        return out.build();
    }

    /** {@code count} elements of a DT_STRING tensor from element {@code from} on, with {@code shape}. */
    static TensorProto slice(TensorProto t, long from, long count, TensorShapeProto shape) {
        return TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(shape)
                .addAllStringVal(t.getStringValList().subList((int) from, (int) (from + count)))
                .build();
    }
}
