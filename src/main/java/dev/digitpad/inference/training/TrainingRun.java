package dev.digitpad.inference.training;

import dev.digitpad.dataset.EvaluationSets;
import dev.digitpad.dataset.FontDigits;
import dev.digitpad.dataset.IdxFiles;
import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.MnistPackage;
import dev.digitpad.dataset.TrainingData;
import dev.digitpad.imaging.InkImage;
import dev.digitpad.imaging.MnistNormalizer;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything {@code digitpad train} does: data, training, export, evaluation, report. */
public final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    /** What to do. */
    public record Options(
            Path data, Path out, long seed, int epochs, int batchSize, float learningRate, float dropout,
            int typesetPerEpoch, int threads, Path heldOutFile, String commandLine) {}

    private TrainingRun() {}

    /** Runs it; returns the report text (also written to {@code out/report.md}). */
    public static String run(Options o) throws IOException {
        long started = System.nanoTime();
        MnistPackage.Split split = MnistPackage.readSplit(o.data());
        LOG.info("MNIST from {}: {} training digits, {} held out", o.data(), split.train().size(),
                split.heldOut().size());
        if (o.heldOutFile() != null) {
            IdxFiles.write(split.heldOut(), o.heldOutFile());
            LOG.info("held-out digits written to {}", o.heldOutFile());
        }
        List<Font> faces = FontDigits.installedFaces();
        LOG.info("{} installed font faces with digits", faces.size());
        TrainingData data = new TrainingData(split.train(), faces, o.seed(), o.typesetPerEpoch());
        Architecture arch = Architecture.DEFAULT;
        Trainer.Config config = new Trainer.Config(o.epochs(), o.batchSize(), o.learningRate(), o.learningRate() / 40f,
                o.dropout(), o.seed(), o.threads());

        // Build the next epoch's augmented data while the current one trains.
        List<CompletableFuture<TrainingData.Batch>> pending = new ArrayList<>();
        for (int e = 0; e < o.epochs(); e++) {
            pending.add(null);
        }
        pending.set(0, CompletableFuture.supplyAsync(() -> data.epoch(0)));
        Map<String, float[]> weights = Trainer.train(arch, config, e -> {
            TrainingData.Batch b = pending.get(e).join();
            pending.set(e, null);
            if (e + 1 < o.epochs()) {
                int next = e + 1;
                pending.set(next, CompletableFuture.supplyAsync(() -> data.epoch(next)));
            }
            return new Trainer.Epoch(b.images(), b.labels());
        });
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        Path versionDir = o.out().resolve("1");
        ModelExporter.export(arch, weights, versionDir);
        LOG.info("exported SavedModel to {}", versionDir);

        Report report = evaluate(versionDir, split.heldOut(), arch);
        String text = report.toMarkdown(o, faces.size(), data.epochSize(), trainSeconds);
        Files.writeString(o.out().resolve("report.md"), text);
        return text;
    }

    /** Scores of a model on the held-out digits and the synthetic sets, plus its latency. */
    public record Report(
            Architecture arch, Path versionDir, ModelEvaluation.Score heldOut,
            ModelEvaluation.Score heldOutNormalised, List<ModelEvaluation.Score> synthetic,
            ModelEvaluation.Latency latency, long modelBytes) {

        public String toMarkdown(Options o, int faces, int epochSize, double trainSeconds) {
            return ReportFormat.markdown(this, o, faces, epochSize, trainSeconds);
        }
    }

    /** Evaluates the exported model at {@code versionDir}. */
    public static Report evaluate(Path versionDir, LabelledDigits heldOut, Architecture arch) throws IOException {
        LabelledDigits.Builder normalised = new LabelledDigits.Builder();
        for (int i = 0; i < heldOut.size(); i++) {
            float[] n = MnistNormalizer.normalize(new InkImage(28, 28, heldOut.image(i))).pixels()
                    .orElse(new float[784]);
            normalised.add(n, heldOut.label(i));
        }
        Map<String, LabelledDigits> sets = EvaluationSets.build(heldOut, EvaluationSets.DEFAULT_SEED);
        List<ModelEvaluation.Score> synthetic = new ArrayList<>();
        ModelEvaluation.Score held;
        ModelEvaluation.Score heldNorm;
        try (SavedModelClassifier model = SavedModelClassifier.load(versionDir)) {
            held = ModelEvaluation.score(model, "held-out MNIST", heldOut);
            heldNorm = ModelEvaluation.score(model, "held-out MNIST, re-normalised", normalised.build());
            for (Map.Entry<String, LabelledDigits> e : sets.entrySet()) {
                synthetic.add(ModelEvaluation.score(model, e.getKey(), e.getValue()));
            }
        }
        ModelEvaluation.Latency latency = ModelEvaluation.latency(versionDir, heldOut.image(0), 2000, 10_000, 1);
        long bytes;
        try (var files = Files.walk(versionDir)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
        return new Report(arch, versionDir, held, heldNorm, synthetic, latency, bytes);
    }
}
