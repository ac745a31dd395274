package dev.digitpad.inference;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * The element types the server accepts, each with its width in bytes, its tensorflow-java class,
 * and how its values travel in a {@link TensorProto}: as raw little-endian bytes in
 * {@code tensor_content}, or in the typed {@code *_val} list.
 */
enum ElementType {
    FLOAT(DataType.DT_FLOAT, 4, TFloat32.class, "float_val") {
        @Override
        int valueCount(TensorProto t) {
            return t.getFloatValCount();
        }

        @Override
        void putValue(TensorProto t, int i, ByteBuffer out) {
            out.putFloat(t.getFloatVal(i));
        }

        @Override
        void addValue(ByteBuffer in, TensorProto.Builder out) {
            out.addFloatVal(in.getFloat());
        }
    },
    DOUBLE(DataType.DT_DOUBLE, 8, TFloat64.class, "double_val") {
        @Override
        int valueCount(TensorProto t) {
            return t.getDoubleValCount();
        }

        @Override
        void putValue(TensorProto t, int i, ByteBuffer out) {
            out.putDouble(t.getDoubleVal(i));
        }

        @Override
        void addValue(ByteBuffer in, TensorProto.Builder out) {
            out.addDoubleVal(in.getDouble());
        }
    },
    INT32(DataType.DT_INT32, 4, TInt32.class, "int_val") {
        @Override
        int valueCount(TensorProto t) {
            return t.getIntValCount();
        }

        @Override
        void putValue(TensorProto t, int i, ByteBuffer out) {
            out.putInt(t.getIntVal(i));
        }

        @Override
        void addValue(ByteBuffer in, TensorProto.Builder out) {
            out.addIntVal(in.getInt());
        }
    },
    INT64(DataType.DT_INT64, 8, TInt64.class, "int64_val") {
        @Override
        int valueCount(TensorProto t) {
            return t.getInt64ValCount();
        }

        @Override
        void putValue(TensorProto t, int i, ByteBuffer out) {
            out.putLong(t.getInt64Val(i));
        }

        @Override
        void addValue(ByteBuffer in, TensorProto.Builder out) {
            out.addInt64Val(in.getLong());
        }
    },
    UINT8(DataType.DT_UINT8, 1, TUint8.class, "int_val") {
        @Override
        int valueCount(TensorProto t) {
            return t.getIntValCount();
        }

        @Override
        void putValue(TensorProto t, int i, ByteBuffer out) {
            out.put((byte) t.getIntVal(i));
        }

        @Override
        void addValue(ByteBuffer in, TensorProto.Builder out) {
            out.addIntVal(Byte.toUnsignedInt(in.get()));
        }
    },
    BOOL(DataType.DT_BOOL, 1, TBool.class, "bool_val") {
        @Override
        int valueCount(TensorProto t) {
            return t.getBoolValCount();
        }

        @Override
        void putValue(TensorProto t, int i, ByteBuffer out) {
            out.put((byte) (t.getBoolVal(i) ? 1 : 0));
        }

        @Override
        void addValue(ByteBuffer in, TensorProto.Builder out) {
            out.addBoolVal(in.get() != 0);
        }
    };

    private final DataType dataType;
    private final int width;
    private final Class<? extends TType> tensorClass;
    private final String valField;

    ElementType(DataType dataType, int width, Class<? extends TType> tensorClass, String valField) {
        this.dataType = dataType;
        this.width = width;
        this.tensorClass = tensorClass;
        this.valField = valField;
    }

    DataType dataType() {
        return dataType;
    }

    int width() {
        return width;
    }

    Class<? extends TType> tensorClass() {
        return tensorClass;
    }

    /** The name of the typed field that carries values of this type. */
    String valField() {
        return valField;
    }

    abstract int valueCount(TensorProto t);

    abstract void putValue(TensorProto t, int index, ByteBuffer out);

    abstract void addValue(ByteBuffer in, TensorProto.Builder out);

    static Optional<ElementType> of(DataType dataType) {
        return Arrays.stream(values()).filter(e -> e.dataType == dataType).findFirst();
    }

    /** The raw little-endian bytes of a tensor's values; the proto has been checked to hold {@code elements} values. */
    byte[] rawBytes(TensorProto t, long elements) {
        ByteString content = t.getTensorContent();
        if (!content.isEmpty()) {
            return content.toByteArray(); // also right for a ByteString that is a view into a larger array
        }
        byte[] bytes = new byte[Math.toIntExact(elements * width)];
        copyRawBytes(t, elements, bytes, 0);
        return bytes;
    }

    /**
     * Writes the raw little-endian bytes of a tensor's values into {@code dest} from {@code offset} on: {@code
     * elements * width()} bytes. The proto has been checked to hold {@code elements} values.
     */
    void copyRawBytes(TensorProto t, long elements, byte[] dest, int offset) {
        ByteString content = t.getTensorContent();
        if (!content.isEmpty()) {
            content.copyTo(dest, offset);
            return;
        }
        ByteBuffer out = ByteBuffer.wrap(dest, offset, Math.toIntExact(elements * width))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int count = valueCount(t);
        for (long i = 0; i < elements; i++) {
            // One value stands for all of them, as in TensorFlow's own parsing.
            putValue(t, count == 1 ? 0 : (int) i, out);
        }
    }
}
