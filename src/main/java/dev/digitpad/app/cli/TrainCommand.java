package dev.digitpad.app.cli;

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
 * {@code digitpad train}: trains the shipped MNIST model on MNIST's training digits (the four IDX
 * files that {@code scripts/fetch-mnist.sh} puts in {@code data/mnist}), exports it as a TensorFlow
 * Serving SavedModel and writes a report next to it, scored on MNIST's official test digits.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Trains the digit model on MNIST's training digits (fetched by",
            "scripts/fetch-mnist.sh; the last 5,000 kept for validation) with",
            "augmentation and typeset digits, exports a TensorFlow Serving SavedModel to",
            "OUT/N and writes OUT/report.md (accuracy on MNIST's official 10,000 test",
            "digits, confusion matrix, synthetic drawn/typeset/scan accuracy, latency)."
        })
public final class TrainCommand implements Callable<Integer> {

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "data/mnist",
            description = "The folder of MNIST's four IDX files, train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                    + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, plain or .gz, as written by "
                    + "scripts/fetch-mnist.sh (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "assets/models/mnist",
            description = "Model base directory; the SavedModel goes to DIR/N (see --model-version), the report and its"
                    + " pictures beside it (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epochs", defaultValue = "16", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--learning-rate",
            defaultValue = "0.002",
            description = "Peak Adam learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(
            names = "--dropout",
            defaultValue = "0.3",
            description = "Dropout on the hidden layer while training (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(
            names = "--typeset-per-epoch",
            defaultValue = "3000",
            description = "Digits typeset in installed fonts added to each epoch (default: ${DEFAULT-VALUE}).")
    int typesetPerEpoch;

    @Option(
            names = "--outliers-per-epoch",
            defaultValue = "30000",
            description = "Pictures that are not digits (letters, scribbles, shapes, ...) added to each epoch, whose"
                    + " softmax the training pulls toward uniform (default: ${DEFAULT-VALUE}).")
    int outliersPerEpoch;

    @Option(
            names = "--outlier-weight",
            defaultValue = "0.5",
            description = "Weight of the outlier-exposure term against the digits' cross-entropy"
                    + " (default: ${DEFAULT-VALUE}).")
    float outlierWeight;

    @Option(
            names = "--patience",
            defaultValue = "0",
            description = "The weights of the epoch with the lowest validation NLL are kept in any case; with N > 0"
                    + " training also stops after N epochs without a lower one. 0 runs every epoch"
                    + " (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(
            names = "--model-version",
            defaultValue = "2",
            description = "Version number of the exported SavedModel: it goes to OUT/N (default: ${DEFAULT-VALUE}).")
    long modelVersion;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "TensorFlow intra-op threads while training (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    ArchitectureOption architecture = new ArchitectureOption();

    @Option(
            names = "--train-fonts",
            paramLabel = "REGEX",
            defaultValue = TrainingRun.DEFAULT_TRAIN_FONTS,
            description = "Installed font faces (by name) whose digits are typeset for training; all other "
                    + "installed faces are kept for an unseen-typeface check (default: ${DEFAULT-VALUE}).")
    String trainFonts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (MnistFiles.locate(data, MnistFiles.TRAIN_IMAGES).isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("digitpad train: no MNIST training digits in " + data + " (there is no "
                            + data.resolve(MnistFiles.TRAIN_IMAGES)
                            + " nor its .gz). Fetch MNIST with scripts/fetch-mnist.sh,"
                            + " or point --data at a folder of MNIST's four IDX files.");
            return 2;
        }
        Architecture arch = architecture.value;
        System.setProperty("java.awt.headless", "true"); // fonts and images only; no window
        StringBuilder cmd = new StringBuilder("digitpad train --data ")
                .append(data)
                .append(" --out ")
                .append(out)
                .append(" --seed ")
                .append(seed)
                .append(" --epochs ")
                .append(epochs);
        if (batchSize != 64) {
            cmd.append(" --batch-size ").append(batchSize);
        }
        if (typesetPerEpoch != 3000) {
            cmd.append(" --typeset-per-epoch ").append(typesetPerEpoch);
        }
        if (outliersPerEpoch != 30000) {
            cmd.append(" --outliers-per-epoch ").append(outliersPerEpoch);
        }
        if (!trainFonts.equals(TrainingRun.DEFAULT_TRAIN_FONTS)) {
            cmd.append(" --train-fonts '").append(trainFonts).append('\'');
        }
        String report;
        try {
            report = TrainingRun.run(new TrainingRun.Options(
                    data,
                    out,
                    arch,
                    seed,
                    epochs,
                    batchSize,
                    learningRate,
                    dropout,
                    typesetPerEpoch,
                    outliersPerEpoch,
                    outlierWeight,
                    patience,
                    threads,
                    modelVersion,
                    trainFonts,
                    cmd.toString()));
        } catch (IOException e) {
            // A missing, damaged or mismatched MNIST file, or an output folder that cannot be written: the message
            // says which, and what to do.
            spec.commandLine().getErr().println("digitpad train: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().println(report);
        return 0;
    }
}
