package dev.digitpad.dataset;

import dev.digitpad.contract.ModelContract;
import java.awt.Font;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Builds each training epoch afresh: every training MNIST digit twice, once mildly varied the
 * MNIST way ({@link Augmenter#light}) and once varied the way users give digits
 * ({@link Augmenter#augment}), plus {@code typesetPerEpoch} digits typeset in the installed fonts
 * ({@link FontDigits}), shuffled; and, apart from the digits, {@code outliersPerEpoch} pictures
 * that are not digits ({@link NotDigits#training}, partial digits and pairs made from the training
 * digits), new ones every epoch, for outlier exposure. Every sample's randomness comes from (seed,
 * epoch, index) only, so an epoch is the same whatever the thread scheduling.
 */
public final class TrainingData {
    private final LabelledDigits train;
    private final List<Font> faces;
    private final long seed;
    private final int typesetPerEpoch;
    private final int outliersPerEpoch;

    /**
     * One epoch: n x 784 floats of digits and their n labels, and m x 784 floats of pictures that
     * are not digits (no label: the model should be unsure of them), m possibly 0.
     */
    public record Batch(float[] images, int[] labels, float[] outliers) {
        /** An epoch of digits only. */
        public Batch(float[] images, int[] labels) {
            this(images, labels, new float[0]);
        }

        /** The number of pictures that are not digits. */
        public int outlierCount() {
            return outliers.length / ModelContract.PIXELS;
        }
    }

    /** Epochs of digits only. */
    public TrainingData(LabelledDigits train, List<Font> faces, long seed, int typesetPerEpoch) {
        this(train, faces, seed, typesetPerEpoch, 0);
    }

    /** Epochs of digits and {@code outliersPerEpoch} pictures that are not digits. */
    public TrainingData(LabelledDigits train, List<Font> faces, long seed, int typesetPerEpoch, int outliersPerEpoch) {
        if (outliersPerEpoch < 0) {
            throw new IllegalArgumentException("outliersPerEpoch " + outliersPerEpoch);
        }
        this.train = train;
        this.faces = List.copyOf(faces);
        this.seed = seed;
        this.typesetPerEpoch = faces.isEmpty() ? 0 : typesetPerEpoch;
        this.outliersPerEpoch = outliersPerEpoch;
    }

    /** The number of pictures that are not digits in each epoch. */
    public int outliersPerEpoch() {
        return outliersPerEpoch;
    }

    public int epochSize() {
        return 2 * train.size() + typesetPerEpoch;
    }

    public Batch epoch(int epoch) {
        int n = epochSize();
        float[][] samples = new float[n][];
        int[] labels = new int[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            SplittableRandom rng = new SplittableRandom(mix(seed, epoch, i));
            float[] d;
            int label;
            int m = train.size();
            if (i < m) {
                label = train.label(i);
                d = Augmenter.light(train.image(i), rng);
            } else if (i < 2 * m) {
                label = train.label(i - m);
                d = Augmenter.augment(train.image(i - m), rng);
            } else {
                label = (i - 2 * m) % 10;
                d = FontDigits.randomTraining(faces, label, rng);
                for (int retry = 0; d == null && retry < 5; retry++) {
                    d = FontDigits.randomTraining(faces, label, rng);
                }
            }
            if (d == null) {
                d = i < 2 * m ? train.image(i % m) : new float[ModelContract.PIXELS];
            }
            samples[i] = d;
            labels[i] = label;
        });
        // shuffle (Fisher-Yates, seeded per epoch)
        SplittableRandom shuffle = new SplittableRandom(mix(seed, epoch, -1));
        int[] order = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] flat = new float[n * ModelContract.PIXELS];
        int[] shuffledLabels = new int[n];
        for (int k = 0; k < n; k++) {
            System.arraycopy(samples[order[k]], 0, flat, k * ModelContract.PIXELS, ModelContract.PIXELS);
            shuffledLabels[k] = labels[order[k]];
        }
        return new Batch(flat, shuffledLabels, outliers(epoch));
    }

    private float[] outliers(int epoch) {
        if (outliersPerEpoch == 0) {
            return new float[0];
        }
        List<float[]> pictures = NotDigits.pixels(NotDigits.training(train, mix(seed, epoch, -2), outliersPerEpoch));
        float[] flat = new float[outliersPerEpoch * ModelContract.PIXELS];
        for (int k = 0; k < outliersPerEpoch; k++) {
            System.arraycopy(pictures.get(k), 0, flat, k * ModelContract.PIXELS, ModelContract.PIXELS);
        }
        return flat;
    }

    static long mix(long seed, long epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
