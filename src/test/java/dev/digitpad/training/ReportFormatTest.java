package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.dataset.NotDigits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The evaluation report states the confidence figures, and links the pictures only where they were drawn. */
class ReportFormatTest {

    @Test
    void theConfidenceSectionGivesTheFiguresAndLinksPicturesOnlyWhenDrawn() {
        String without = ReportFormat.evaluation(report(Optional.empty()));
        String with = ReportFormat.evaluation(report(Optional.of(Path.of("/tmp/charts"))));

        assertThat(without)
                .contains("| expected calibration error, MNIST test (15 bins) | 0.72 % |")
                .contains("| MNIST test with a top probability >= 0.6 (answered, not \"not sure\") | 99.08 % |")
                .contains("| held-out pictures that are not digits with a top probability >= 0.6 | 4.43 % of 6,000 |")
                .contains("| spiral | 7.0 % |")
                .doesNotContain("![");
        assertThat(with)
                .contains("![Reliability diagram](/tmp/charts/reliability.png)")
                .contains("![Threshold curves](/tmp/charts/threshold-curves.png)")
                .contains("![Confusion matrix](/tmp/charts/confusion-matrix.png)");
    }

    private static TrainingRun.Report report(Optional<Path> charts) {
        ModelEvaluation.Score test = new ModelEvaluation.Score("MNIST test", 10, 10, new int[10][10]);
        Honesty honesty = new Honesty(0.0072, 0.9908, 6000, 0.0443, Map.of(NotDigits.Kind.SPIRAL, 0.07), charts);
        return new TrainingRun.Report(
                Architecture.DEFAULT,
                Path.of("model/2"),
                test,
                test,
                List.of(),
                honesty,
                new ModelEvaluation.Latency(10, 100, 120, 150, 1),
                1024);
    }
}
