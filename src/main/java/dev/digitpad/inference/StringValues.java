package dev.digitpad.inference;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TString;

/**
 * String tensors ({@code DT_STRING}): each value is a string of bytes of its own length, so they travel in {@link
 * TensorProto}'s {@code string_val} list rather than as raw bytes of one width, as {@link ElementType}'s do.
 */
final class StringValues {
    private StringValues() {}

    /**
     * The {@code elements} values of a checked string tensor, in row-major order: one value stands for all of them, as
     * in TensorFlow's own parsing.
     */
    static List<ByteString> values(TensorProto t, long elements) {
        if (t.getStringValCount() == elements) {
            return t.getStringValList();
        }
        List<ByteString> all = new ArrayList<>(Math.toIntExact(elements));
        for (long i = 0; i < elements; i++) {
            all.add(t.getStringVal(0));
        }
        return all;
    }

    /** A TensorFlow tensor of a checked string tensor proto; the caller closes it. */
    static TString toTensor(TensorProto proto, long[] dims, long elements) {
        DataBuffer<byte[]> data = DataBuffers.ofObjects(byte[].class, elements);
        List<ByteString> values = values(proto, elements);
        for (int i = 0; i < values.size(); i++) {
            data.setObject(values.get(i).toByteArray(), i);
        }
        return TString.tensorOfBytes(Shape.of(dims), data);
    }

    /** A string tensor's values and shape as a proto, in {@code string_val}. */
    static TensorProto toProto(TString tensor) {
        TensorProto.Builder out = TensorProto.newBuilder().setDtype(DataType.DT_STRING);
        for (long d : tensor.shape().asArray()) {
            out.getTensorShapeBuilder().addDimBuilder().setSize(d);
        }
        DataBuffer<byte[]> data =
                DataBuffers.ofObjects(byte[].class, tensor.shape().size());
        tensor.asBytes().copyTo(data);
        for (long i = 0; i < data.size(); i++) {
            out.addStringVal(ByteString.copyFrom(data.getObject(i)));
        }
        return out.build();
    }
}
