package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.dataset.EvaluationSets;
import dev.digitpad.dataset.FontDigits;
import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.MnistFiles;
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

    /**
     * What to do. {@code data} is the folder of MNIST's four IDX files (written by {@code
     * scripts/fetch-mnist.sh}): the model trains on its training digits and is scored on its test digits.
     */
    public record Options(
            Path data,
            Path out,
            Architecture architecture,
            long seed,
            int epochs,
            int batchSize,
            float learningRate,
            float dropout,
            int typesetPerEpoch,
            int outliersPerEpoch,
            float outlierWeight,
            int patience,
            int threads,
            long modelVersion,
            String trainFonts,
            String commandLine) {}

    /** Font faces typeset for training by default: the DejaVu family (Debian's default fonts). */
    public static final String DEFAULT_TRAIN_FONTS = "^DejaVu";

    /** Held-out pictures that are not digits, scored for "not sure" (other kinds and seeds than training's). */
    public static final int HELD_OUT_NOT_DIGITS = 6_000;

    /** How reports name MNIST's official test set. */
    public static final String TEST_SET_NAME = "MNIST test (official 10,000)";

    private TrainingRun() {}

    /** Runs it; returns the report text (also written to {@code out/report.md}). */
    public static String run(Options o) throws IOException {
        long started = System.nanoTime();
        // Training and validation come from MNIST's training digits; the official test digits are a
        // separate file pair, used only to score the exported model.
        MnistFiles.Split split = MnistFiles.trainingSplit(o.data());
        LabelledDigits testDigits = MnistFiles.test(o.data());
        LOG.info(
                "MNIST from {}: {} training digits, {} kept for validation, {} official test digits",
                o.data(),
                split.train().size(),
                split.validation().size(),
                testDigits.size());
        List<Font> allFaces = FontDigits.installedFaces();
        java.util.regex.Pattern trainFonts = java.util.regex.Pattern.compile(o.trainFonts());
        List<Font> faces = allFaces.stream()
                .filter(f -> trainFonts.matcher(f.getFontName()).find())
                .toList();
        List<Font> unseen = allFaces.stream()
                .filter(f -> !trainFonts.matcher(f.getFontName()).find())
                .toList();
        LOG.info(
                "{} installed font faces with digits, {} used for training: {}",
                allFaces.size(),
                faces.size(),
                faces.stream().map(Font::getFontName).toList());
        TrainingData data = new TrainingData(split.train(), faces, o.seed(), o.typesetPerEpoch(), o.outliersPerEpoch());
        Architecture arch = o.architecture();
        Trainer.Config config = new Trainer.Config(
                        o.epochs(),
                        o.batchSize(),
                        o.learningRate(),
                        o.learningRate() / 40f,
                        o.dropout(),
                        o.seed(),
                        o.threads())
                .withOutlierWeight(o.outlierWeight())
                .withPatience(o.patience());
        LabelledDigits validation = split.validation();

        // Build the next epoch's augmented data while the current one trains.
        List<CompletableFuture<TrainingData.Batch>> pending = new ArrayList<>();
        for (int e = 0; e < o.epochs(); e++) {
            pending.add(null);
        }
        pending.set(0, CompletableFuture.supplyAsync(() -> data.epoch(0)));
        Trainer.Trained trained = Trainer.train(
                arch,
                config,
                e -> {
                    TrainingData.Batch b = pending.get(e).join();
                    pending.set(e, null);
                    if (e + 1 < o.epochs()) {
                        int next = e + 1;
                        pending.set(next, CompletableFuture.supplyAsync(() -> data.epoch(next)));
                    }
                    return new Trainer.Epoch(b.images(), b.labels(), b.outliers());
                },
                new Trainer.Validation(validation.flatImages(), validation.labels()));
        // Calibration: the temperature that makes the validation digits' probabilities honest, folded into the graph.
        double temperature = Calibration.fitTemperature(trained.validationLogits(), validation.labels());
        double validationEceBefore = Calibration.expectedCalibrationError(
                Calibration.probabilities(trained.validationLogits(), 1.0), validation.labels(), Calibration.BINS);
        double validationEceAfter = Calibration.expectedCalibrationError(
                Calibration.probabilities(trained.validationLogits(), temperature),
                validation.labels(),
                Calibration.BINS);
        LOG.info(
                "best epoch {} of {}; temperature {}: validation ECE {} -> {}",
                trained.bestEpoch(),
                trained.history().size(),
                String.format(java.util.Locale.ROOT, "%.3f", temperature),
                String.format(java.util.Locale.ROOT, "%.4f", validationEceBefore),
                String.format(java.util.Locale.ROOT, "%.4f", validationEceAfter));
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        Path versionDir = o.out().resolve(Long.toString(o.modelVersion()));
        ModelExporter.export(arch, trained.weights(), temperature, o.out(), o.modelVersion());
        LOG.info("exported SavedModel to {}", versionDir);

        Report report = evaluate(versionDir, testDigits, arch, trainFonts, o.out());
        Training training = new Training(
                trained.bestEpoch(),
                trained.history(),
                trained.stoppedEarly(),
                temperature,
                validationEceBefore,
                validationEceAfter,
                validation.size());
        String text = report.toMarkdown(o, training, faces.size(), data.epochSize(), trainSeconds);
        Files.writeString(o.out().resolve("report.md"), text);
        return text;
    }

    /** What the training itself found: the epoch kept, and the calibration fitted on the validation digits. */
    public record Training(
            int bestEpoch,
            List<Trainer.EpochStats> history,
            boolean stoppedEarly,
            double temperature,
            double validationEceBefore,
            double validationEceAfter,
            int validationDigits) {}

    /**
     * Scores of a model on MNIST's official test digits ({@code heldOut}: never trained on; {@code
     * heldOutNormalised}: the same digits put through the app's normaliser first) and the synthetic sets, plus its
     * latency.
     */
    public record Report(
            Architecture arch,
            Path versionDir,
            ModelEvaluation.Score heldOut,
            ModelEvaluation.Score heldOutNormalised,
            List<ModelEvaluation.Score> synthetic,
            Honesty honesty,
            ModelEvaluation.Latency latency,
            long modelBytes) {

        public String toMarkdown(Options o, Training training, int faces, int epochSize, double trainSeconds) {
            return ReportFormat.markdown(this, o, training, faces, epochSize, trainSeconds);
        }

        /** The evaluation alone, for a model that was not just trained. */
        public String toMarkdown() {
            return ReportFormat.evaluation(this);
        }
    }

    /**
     * Evaluates the exported model at {@code versionDir} on {@code testDigits} (MNIST's official test
     * digits; never pass training digits: the drawn and scan sets are built from them too) and the
     * synthetic sets. The typeset set is split into the installed faces whose name matches {@code
     * trainFonts} (the faces the model was trained on) and all other installed faces (never seen in
     * training).
     */
    public static Report evaluate(
            Path versionDir,
            LabelledDigits testDigits,
            Architecture arch,
            java.util.regex.Pattern trainFonts,
            Path charts)
            throws IOException {
        // Timing first, while this process runs nothing else in TensorFlow.
        ModelEvaluation.Latency latency = ModelEvaluation.latency(versionDir, testDigits.image(0), 10_000, 10_000, 1);
        LabelledDigits.Builder normalised = new LabelledDigits.Builder();
        for (int i = 0; i < testDigits.size(); i++) {
            InkImage digit = new InkImage(ModelContract.SIDE, ModelContract.SIDE, testDigits.image(i));
            float[] n = MnistNormalizer.normalize(digit).pixels().orElse(new float[ModelContract.PIXELS]);
            normalised.add(n, testDigits.label(i));
        }
        Map<String, LabelledDigits> sets = EvaluationSets.build(testDigits, EvaluationSets.DEFAULT_SEED);
        List<Font> allFaces = FontDigits.installedFaces();
        List<Font> seen = allFaces.stream()
                .filter(f -> trainFonts.matcher(f.getFontName()).find())
                .toList();
        List<Font> unseen = allFaces.stream()
                .filter(f -> !trainFonts.matcher(f.getFontName()).find())
                .toList();
        Map<String, LabelledDigits> ordered = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, LabelledDigits> e : sets.entrySet()) {
            if (!e.getKey().equals("typeset")) {
                ordered.put(e.getKey(), e.getValue());
                continue;
            }
            if (!seen.isEmpty()) {
                ordered.put(
                        "typeset, " + seen.size() + " training faces",
                        EvaluationSets.typeset(seen, EvaluationSets.DEFAULT_SEED + 1, 6));
            }
            if (!unseen.isEmpty()) {
                ordered.put(
                        "typeset, " + unseen.size() + " faces never trained on",
                        EvaluationSets.typeset(unseen, EvaluationSets.DEFAULT_SEED + 1, 6));
            }
        }
        sets = ordered;
        List<ModelEvaluation.Score> synthetic = new ArrayList<>();
        ModelEvaluation.Score held;
        ModelEvaluation.Score heldNorm;
        Honesty honesty;
        try (SavedModelClassifier model = SavedModelClassifier.load(versionDir)) {
            held = ModelEvaluation.score(model, TEST_SET_NAME, testDigits);
            heldNorm = ModelEvaluation.score(model, TEST_SET_NAME + ", re-normalised", normalised.build());
            for (Map.Entry<String, LabelledDigits> e : sets.entrySet()) {
                synthetic.add(ModelEvaluation.score(model, e.getKey(), e.getValue()));
            }
            honesty = Honesty.measure(model, testDigits, HELD_OUT_NOT_DIGITS, charts);
        }
        long bytes;
        try (var files = Files.walk(versionDir)) {
            bytes = files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
        return new Report(arch, versionDir, held, heldNorm, synthetic, honesty, latency, bytes);
    }
}
