package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import java.nio.file.Path;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * Runs a digit SavedModel in-process through its {@code serving_default} signature. Used to
 * evaluate and time the exported model exactly as it ships. Not thread-safe; close it.
 */
public final class SavedModelClassifier implements AutoCloseable {
    private final SavedModelBundle bundle;
    private final String inputName;
    private final String outputName;

    private SavedModelClassifier(SavedModelBundle bundle) {
        this.bundle = bundle;
        SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get(ModelContract.DEFAULT_SIGNATURE);
        if (sig == null) {
            bundle.close();
            throw new IllegalArgumentException("model has no " + ModelContract.DEFAULT_SIGNATURE + " signature");
        }
        this.inputName = sig.getInputsMap().get(ModelExporter.INPUT_KEY).getName();
        this.outputName = sig.getOutputsMap().get(ModelExporter.OUTPUT_KEY).getName();
    }

    /** Loads the SavedModel in {@code versionDir} with tag {@code serve}. */
    public static SavedModelClassifier load(Path versionDir) {
        // Per-session thread pools, released on close (the process-wide default pools would stay).
        org.tensorflow.proto.ConfigProto config = org.tensorflow.proto.ConfigProto.newBuilder()
                .setUsePerSessionThreads(true)
                .setIntraOpParallelismThreads(Runtime.getRuntime().availableProcessors())
                .setInterOpParallelismThreads(1)
                .build();
        return new SavedModelClassifier(SavedModelBundle.loader(versionDir.toString())
                .withTags(ModelExporter.TAG)
                .withConfigProto(config)
                .load());
    }

    public SavedModelBundle bundle() {
        return bundle;
    }

    /** Probabilities [n][10] for {@code n} digits given as n*784 floats. */
    public float[][] predict(float[] images, int n) {
        if (images.length != n * ModelContract.PIXELS) {
            throw new IllegalArgumentException(
                    "expected " + (n * ModelContract.PIXELS) + " values, got " + images.length);
        }
        float[] flat = new float[n * 10];
        try (TFloat32 in =
                        TFloat32.tensorOf(Shape.of(ModelContract.inputShape(n)), DataBuffers.of(images, true, false));
                Result r = bundle.session()
                        .runner()
                        .feed(inputName, in)
                        .fetch(outputName)
                        .run()) {
            ((TFloat32) r.get(0)).copyTo(DataBuffers.of(flat, false, false));
        }
        float[][] out = new float[n][10];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * 10, out[i], 0, 10);
        }
        return out;
    }

    /** Probabilities for one digit (784 floats). */
    public float[] predictOne(float[] image) {
        return predict(image, 1)[0];
    }

    /** Probabilities [n][10] for many digits, run in batches. */
    public float[][] probabilities(java.util.List<float[]> images) {
        float[][] out = new float[images.size()][];
        int batch = 256;
        for (int start = 0; start < images.size(); start += batch) {
            int b = Math.min(batch, images.size() - start);
            float[] flat = new float[b * ModelContract.PIXELS];
            for (int i = 0; i < b; i++) {
                System.arraycopy(images.get(start + i), 0, flat, i * ModelContract.PIXELS, ModelContract.PIXELS);
            }
            System.arraycopy(predict(flat, b), 0, out, start, b);
        }
        return out;
    }

    /** Predicted labels for many digits, in batches. */
    public int[] classify(java.util.List<float[]> images) {
        float[][] p = probabilities(images);
        int[] labels = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            labels[i] = argmax(p[i]);
        }
        return labels;
    }

    public static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
