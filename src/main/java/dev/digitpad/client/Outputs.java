package dev.digitpad.client;

import io.grpc.Status;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.proto.TensorProto;

/** Reading a model's answer, whichever way the server wrote it. */
final class Outputs {
    private Outputs() {}

    /** The values of a float or double tensor, from {@code tensor_content} or the typed lists alike. */
    static float[] floats(TensorProto t) {
        switch (t.getDtype()) {
            case DT_FLOAT -> {
                if (!t.getTensorContent().isEmpty()) {
                    ByteBuffer b = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    float[] out = new float[b.remaining() / Float.BYTES];
                    b.asFloatBuffer().get(out);
                    return out;
                }
                float[] out = new float[t.getFloatValCount()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = t.getFloatVal(i);
                }
                return out;
            }
            case DT_DOUBLE -> {
                if (!t.getTensorContent().isEmpty()) {
                    ByteBuffer b = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    float[] out = new float[b.remaining() / Double.BYTES];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) b.getDouble();
                    }
                    return out;
                }
                float[] out = new float[t.getDoubleValCount()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) t.getDoubleVal(i);
                }
                return out;
            }
            default ->
                throw new PredictionException(
                        Status.Code.INTERNAL,
                        "The model answered with " + t.getDtype() + " values; DigitPad reads float or double outputs.");
        }
    }

    /** Whether ten values already are probabilities: each in [0, 1] and summing to 1. */
    static boolean isDistribution(float[] values) {
        double sum = 0;
        for (float v : values) {
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1) < 1e-3;
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
