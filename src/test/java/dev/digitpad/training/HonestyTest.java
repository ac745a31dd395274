package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.NotDigits;
import dev.digitpad.testing.MnistTestSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the report says about a model's confidence, measured on models whose confidence is known: the same weights
 * exported with a huge temperature (every answer flat, so nothing is "sure") and with a tiny one (every answer
 * certain).
 */
class HonestyTest {
    static final Architecture TINY = new Architecture(5, 4, 5, 8, 16);

    static LabelledDigits digits;
    static Map<String, float[]> weights;

    @BeforeAll
    static void someDigitsAndWeights() {
        LabelledDigits all = MnistTestSet.digits();
        LabelledDigits.Builder some = new LabelledDigits.Builder();
        for (int i = 0; i < 300; i++) {
            some.add(all.image(i), all.label(i));
        }
        digits = some.build();
        weights = TINY.initialValues(11);
    }

    @Test
    void aFlatModelIsSureOfNothingAndACertainOneOfEverything(@TempDir Path dir) throws IOException {
        Honesty flat = measure(ModelExporter.export(TINY, weights, 1e4, dir, 1), 120, null);
        Honesty certain = measure(ModelExporter.export(TINY, weights, 1e-4, dir, 2), 120, null);

        assertThat(flat.digitsSure()).isZero();
        assertThat(flat.notDigitsSure()).isZero();
        assertThat(certain.digitsSure()).isEqualTo(1.0);
        assertThat(certain.notDigitsSure()).isEqualTo(1.0);
        assertThat(certain.notDigits()).isEqualTo(120);
        // Certain and mostly wrong (untrained weights): its confidence is far above its accuracy.
        assertThat(certain.digitsEce()).isGreaterThan(0.5);
        // Flat: confidence 0.1 against an accuracy of about 0.1.
        assertThat(flat.digitsEce()).isLessThan(0.15);
    }

    @Test
    void theSharesAreBrokenDownByHeldOutKindAndAddUp(@TempDir Path dir) throws IOException {
        Path model = ModelExporter.export(TINY, weights, 1.0, dir, 1);
        Honesty h = measure(model, 200, null);

        List<NotDigits.Picture> pictures = NotDigits.heldOut(digits, NotDigits.HELD_OUT_SEED, 200);
        assertThat(h.notDigitsSureByKind().keySet())
                .allMatch(NotDigits.Kind::heldOut)
                .containsExactlyInAnyOrderElementsOf(pictures.stream()
                        .map(NotDigits.Picture::kind)
                        .distinct()
                        .toList());
        double weighted = pictures.stream()
                        .mapToDouble(p -> h.notDigitsSureByKind().get(p.kind()))
                        .sum()
                / pictures.size();
        assertThat(weighted).isCloseTo(h.notDigitsSure(), within(1e-9));
    }

    @Test
    void theThreePicturesAreDrawn(@TempDir Path dir) throws IOException {
        Path model = ModelExporter.export(TINY, weights, 1.0, dir, 1);
        Path charts = dir.resolve("charts");
        measure(model, 60, charts);

        for (String png : List.of(Honesty.RELIABILITY_PNG, Honesty.THRESHOLDS_PNG, Honesty.CONFUSION_PNG)) {
            BufferedImage image = ImageIO.read(charts.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).as(png).isEqualTo(ReportCharts.WIDTH);
            assertThat(image.getHeight()).as(png).isEqualTo(ReportCharts.HEIGHT);
        }
    }

    private static Honesty measure(Path model, int notDigits, Path charts) throws IOException {
        try (SavedModelClassifier classifier = SavedModelClassifier.load(model)) {
            return Honesty.measure(classifier, digits, notDigits, charts);
        }
    }
}
