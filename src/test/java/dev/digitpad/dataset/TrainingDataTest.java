package dev.digitpad.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.imaging.InkImage;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.imaging.Normalization;
import dev.digitpad.testing.MnistTestSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingDataTest {
    static LabelledDigits sample;

    @BeforeAll
    static void load() throws IOException {
        LabelledDigits all = MnistTestSet.digits();
        List<float[]> images = new ArrayList<>();
        int[] labels = new int[60];
        for (int i = 0; i < 60; i++) {
            images.add(all.image(i * 25));
            labels[i] = all.label(i * 25);
        }
        sample = new LabelledDigits(images, labels);
    }

    @Test
    void epochsAreReproducibleAndDifferFromEachOther() {
        TrainingData a = new TrainingData(sample, FontDigits.installedFaces(), 7, 20);
        TrainingData b = new TrainingData(sample, FontDigits.installedFaces(), 7, 20);
        TrainingData.Batch a0 = a.epoch(0);
        TrainingData.Batch b0 = b.epoch(0);
        assertThat(a0.images()).containsExactly(b0.images());
        assertThat(a0.labels()).containsExactly(b0.labels());
        assertThat(a.epoch(1).images()).isNotEqualTo(a0.images());
        assertThat(a0.labels()).hasSize(a.epochSize());
    }

    @Test
    void outliersComeWithEachEpochReproduciblyAndAnewEachEpoch() {
        TrainingData plain = new TrainingData(sample, FontDigits.installedFaces(), 7, 20);
        assertThat(plain.epoch(0).outlierCount()).isZero();
        TrainingData a = new TrainingData(sample, FontDigits.installedFaces(), 7, 20, 30);
        TrainingData b = new TrainingData(sample, FontDigits.installedFaces(), 7, 20, 30);
        TrainingData.Batch a0 = a.epoch(0);
        assertThat(a0.outlierCount()).isEqualTo(30);
        assertThat(a0.outliers()).hasSize(30 * 784);
        assertThat(b.epoch(0).outliers()).containsExactly(a0.outliers());
        assertThat(a.epoch(1).outliers()).isNotEqualTo(a0.outliers());
        // the digits are the same as without outliers
        assertThat(a0.images()).containsExactly(plain.epoch(0).images());
        assertThat(a0.labels()).containsExactly(plain.epoch(0).labels());
    }

    @Test
    void everySyntheticDigitIsMnistNormalised() {
        TrainingData.Batch batch = new TrainingData(sample, FontDigits.installedFaces(), 3, 20).epoch(0);
        int n = batch.labels().length;
        int centred = 0;
        for (int i = 0; i < n; i++) {
            float[] d = new float[784];
            System.arraycopy(batch.images(), i * 784, d, 0, 784);
            Normalization.Point com = MnistNormalizer.centreOfMass(new InkImage(28, 28, d));
            if (Math.abs(com.x() - 14) <= 0.5 && Math.abs(com.y() - 14) <= 0.5) {
                centred++;
            }
        }
        // all but the deliberately off-centre ones (about a tenth) sit on (14, 14)
        assertThat(centred).isGreaterThan(n * 3 / 4);
    }

    @Test
    void symbolFontsAreNotTypesetDigits() {
        assertThat(FontDigits.installedFaces())
                .noneMatch(
                        f -> f.getFontName().toLowerCase(java.util.Locale.ROOT).contains("dingbat"))
                .noneMatch(f -> f.getFontName().startsWith("D050000L"));
    }
}
