package dev.digitpad.dataset;

import dev.digitpad.contract.ModelContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A list of 28x28 digits (784 floats, 0..1, ink bright on dark, row-major) with their labels.
 * The arrays are owned by this object; callers must not modify them.
 */
public final class LabelledDigits {
    public static final int PIXELS = ModelContract.PIXELS;

    private final List<float[]> images;
    private final int[] labels;

    public LabelledDigits(List<float[]> images, int[] labels) {
        Objects.requireNonNull(images);
        if (images.size() != labels.length) {
            throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (images.get(i).length != PIXELS) {
                throw new IllegalArgumentException("image " + i + " has " + images.get(i).length + " values");
            }
            if (labels[i] < 0 || labels[i] > 9) {
                throw new IllegalArgumentException("label " + labels[i] + " at " + i);
            }
        }
        this.images = List.copyOf(images);
        this.labels = labels.clone();
    }

    public int size() {
        return labels.length;
    }

    public float[] image(int i) {
        return images.get(i);
    }

    /** The images, in order, as one list. */
    public List<float[]> images() {
        return images;
    }

    /** The images one after another, row-major: n x {@value #PIXELS} floats, as a batch tensor takes them. */
    public float[] flatImages() {
        float[] out = new float[images.size() * PIXELS];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, out, i * PIXELS, PIXELS);
        }
        return out;
    }

    public int label(int i) {
        return labels[i];
    }

    public int[] labels() {
        return labels.clone();
    }

    /** Counts per class. */
    public int[] classCounts() {
        int[] c = new int[10];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    /** This set followed by {@code other}. */
    public LabelledDigits concat(LabelledDigits other) {
        List<float[]> all = new ArrayList<>(images);
        all.addAll(other.images);
        int[] l = new int[labels.length + other.labels.length];
        System.arraycopy(labels, 0, l, 0, labels.length);
        System.arraycopy(other.labels, 0, l, labels.length, other.labels.length);
        return new LabelledDigits(all, l);
    }

    /** Collects digits one by one. */
    public static final class Builder {
        private final List<float[]> images = new ArrayList<>();
        private final List<Integer> labels = new ArrayList<>();

        public Builder add(float[] image, int label) {
            images.add(image);
            labels.add(label);
            return this;
        }

        public int size() {
            return images.size();
        }

        public LabelledDigits build() {
            return new LabelledDigits(
                    images, labels.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
