package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.dataset.LabelledDigits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

/** Accuracy, confusion matrix and single-prediction latency of an exported digit model. */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    /** Accuracy figures for one labelled set; {@code confusion[truth][predicted]}. */
    public record Score(String name, int total, int correct, int[][] confusion) {
        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }

        /** The most frequent confusions as "truth->predicted: count", largest first. */
        public List<String> topConfusions(int limit) {
            List<int[]> cells = new ArrayList<>();
            for (int t = 0; t < 10; t++) {
                for (int p = 0; p < 10; p++) {
                    if (t != p && confusion[t][p] > 0) {
                        cells.add(new int[] {t, p, confusion[t][p]});
                    }
                }
            }
            cells.sort((a, b) -> b[2] - a[2]);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < Math.min(limit, cells.size()); i++) {
                out.add(cells.get(i)[0] + "->" + cells.get(i)[1] + ": " + cells.get(i)[2]);
            }
            return out;
        }
    }

    /** Single-prediction latency statistics in microseconds. */
    public record Latency(int calls, double p50Micros, double p90Micros, double p99Micros, int threads) {}

    public static Score score(SavedModelClassifier model, String name, LabelledDigits set) {
        List<float[]> images = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            images.add(set.image(i));
        }
        int[] predicted = model.classify(images);
        int[][] confusion = new int[10][10];
        int correct = 0;
        for (int i = 0; i < set.size(); i++) {
            confusion[set.label(i)][predicted[i]]++;
            if (predicted[i] == set.label(i)) {
                correct++;
            }
        }
        return new Score(name, set.size(), correct, confusion);
    }

    /**
     * Times {@code calls} single-digit predictions (batch of 1) through the model's
     * {@code serving_default} signature in this process, after {@code warmup} untimed calls, with
     * TensorFlow limited to {@code threads} intra-op thread(s). Each timed call includes creating
     * the input tensor, running the session and reading the 10 probabilities.
     */
    public static Latency latency(Path versionDir, float[] digit, int warmup, int calls, int threads) {
        // Per-session thread pools: otherwise a session created earlier in this process (training,
        // batch scoring) fixes the process-wide pools and their idle spinning skews the timing.
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(1)
                .setUsePerSessionThreads(true)
                .build();
        try (SavedModelBundle bundle = SavedModelBundle.loader(versionDir.toString())
                .withTags(ModelExporter.TAG)
                .withConfigProto(config)
                .load()) {
            SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get(ModelContract.DEFAULT_SIGNATURE);
            String in = sig.getInputsMap().get(ModelExporter.INPUT_KEY).getName();
            String out = sig.getOutputsMap().get(ModelExporter.OUTPUT_KEY).getName();
            Session session = bundle.session();
            float[] probs = new float[10];
            long[] times = new long[calls];
            for (int i = 0; i < warmup + calls; i++) {
                long start = System.nanoTime();
                try (TFloat32 x = TFloat32.tensorOf(
                                Shape.of(ModelContract.inputShape(1)), DataBuffers.of(digit, true, false));
                        Result r = session.runner().feed(in, x).fetch(out).run()) {
                    ((TFloat32) r.get(0)).copyTo(DataBuffers.of(probs, false, false));
                }
                long elapsed = System.nanoTime() - start;
                if (i >= warmup) {
                    times[i - warmup] = elapsed;
                }
            }
            Arrays.sort(times);
            return new Latency(
                    calls,
                    times[calls / 2] / 1e3,
                    times[(int) (calls * 0.9)] / 1e3,
                    times[(int) (calls * 0.99)] / 1e3,
                    threads);
        }
    }
}
