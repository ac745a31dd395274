package dev.digitpad.testing;

import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * A servable without TensorFlow whose runs a test can watch and hold: signature {@code serving_default} takes
 * {@code x} float [-1,2] and answers {@code y} = x + 1 (in {@code float_val}, as a SavedModel does). It records
 * the rows of each run; a run that contains the value {@link #HOLD} waits until {@link #release()}.
 */
public final class FakeServable implements Servable {
    /** A run with this value anywhere in its input waits for {@link #release()}. */
    public static final float HOLD = -1f;

    public static final int WIDTH = 2;
    private static final String SIGNATURE = Servable.DEFAULT_SIGNATURE;

    private final List<float[]> runs = new ArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private volatile boolean closed;

    public static SignatureDef signature() {
        TensorInfo x = TensorInfo.newBuilder()
                .setName("x:0")
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(Tensors.shape(-1, WIDTH))
                .build();
        TensorInfo y = TensorInfo.newBuilder()
                .setName("y:0")
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(Tensors.shape(-1, WIDTH))
                .build();
        return SignatureDef.newBuilder()
                .putInputs("x", x)
                .putOutputs("y", y)
                .setMethodName(TestModels.PREDICT_METHOD)
                .build();
    }

    @Override
    public Map<String, SignatureDef> signatures() {
        return Map.of(SIGNATURE, signature());
    }

    @Override
    public Map<String, TensorProto> predict(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
        if (closed) {
            throw new IllegalStateException("run after close");
        }
        TensorProto x = inputs.get("x");
        float[] values = Tensors.floats(x);
        long rows = Tensors.dims(x)[0];
        if (values.length == 1 && rows * WIDTH > 1) {
            float v = values[0];
            values = new float[(int) rows * WIDTH];
            java.util.Arrays.fill(values, v);
        }
        synchronized (runs) {
            runs.add(values.clone());
        }
        for (float v : values) {
            if (v == HOLD) {
                holding.countDown();
                try {
                    if (!released.await(60, TimeUnit.SECONDS)) {
                        throw new ServingException(Code.INTERNAL, "the test never released the held run");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ServingException(Code.CANCELLED, "interrupted");
                }
                break;
            }
        }
        float[] y = new float[values.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = values[i] + 1;
        }
        return Map.of("y", Tensors.floatVal(Tensors.dims(x), y));
    }

    /** Waits until a run is held at {@link #HOLD}. */
    public void awaitHolding() throws InterruptedException {
        if (!holding.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no run reached the held value within 30 s");
        }
    }

    public void release() {
        released.countDown();
    }

    /** The input values of each run so far, in order. */
    public List<float[]> runs() {
        synchronized (runs) {
            return List.copyOf(runs);
        }
    }

    /** A request for {@code rows} rows, every value {@code value}, values in {@code tensor_content} or {@code float_val}. */
    public static Map<String, TensorProto> rows(int rows, float value, boolean content) {
        float[] values = new float[rows * WIDTH];
        java.util.Arrays.fill(values, value);
        long[] dims = {rows, WIDTH};
        return Map.of("x", content ? Tensors.floatContent(dims, values) : Tensors.floatVal(dims, values));
    }

    @Override
    public void close() {
        closed = true;
    }
}
