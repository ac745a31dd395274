package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.MnistFiles;
import dev.digitpad.training.Architecture;
import dev.digitpad.training.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code digitpad evaluate-model}: scores an exported digit model on MNIST's official 10,000 test
 * digits (shipped with DigitPad) and the synthetic drawn/typeset/scan sets, and times single
 * in-process predictions.
 */
@Command(
        name = "evaluate-model",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Scores a digit SavedModel on MNIST's official 10,000 test digits and the",
            "synthetic drawn, typeset and scan sets, and times 10,000 single in-process",
            "predictions (p50/p90/p99, one thread)."
        })
public final class EvaluateModelCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description =
                    "SavedModel version directory (default: the newest version of the model shipped with DigitPad).")
    Path model;

    @Option(
            names = "--test-digits",
            paramLabel = "DIR",
            description = "Folder holding MNIST's t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, plain or .gz,"
                    + " such as data/mnist after scripts/fetch-mnist.sh (default: the official test set shipped"
                    + " with DigitPad, data/mnist).")
    Path testDigits;

    @Mixin
    ArchitectureOption architecture = new ArchitectureOption();

    @Option(
            names = "--train-fonts",
            paramLabel = "REGEX",
            defaultValue = TrainingRun.DEFAULT_TRAIN_FONTS,
            description = "Font faces the model was trained on; the others are reported as unseen "
                    + "(default: ${DEFAULT-VALUE}).")
    String trainFonts;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--charts",
            paramLabel = "DIR",
            description = "Also draw the reliability diagram, the threshold curves and the confusion matrix as PNGs"
                    + " in DIR (default: none).")
    Path charts;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true"); // fonts and images only; no window
        Architecture arch = architecture.value;
        if (model == null) {
            Path shipped = AppPaths.shippedModel();
            model = AppPaths.newestVersion(shipped).orElse(null);
            if (model == null) {
                spec.commandLine()
                        .getErr()
                        .println("No model to evaluate: " + shipped
                                + " has no numbered version folder. Give --model DIR.");
                return 2;
            }
        }
        if (testDigits == null) {
            testDigits = AppPaths.mnistTestSet();
        }
        LabelledDigits digits;
        try {
            digits = MnistFiles.test(testDigits);
        } catch (IOException e) {
            spec.commandLine()
                    .getErr()
                    .println("No MNIST test digits to score on: " + e.getMessage()
                            + ". Give --test-digits DIR, a folder of MNIST's t10k-*-ubyte files (plain or .gz).");
            return 2;
        }
        spec.commandLine()
                .getOut()
                .println(TrainingRun.evaluate(model, digits, arch, java.util.regex.Pattern.compile(trainFonts), charts)
                        .toMarkdown());
        return 0;
    }
}
