package dev.digitpad.app.cli;

import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.server.BatchingParametersFile;
import dev.digitpad.server.ConfigFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** TensorFlow Serving's batching flags, {@code --enable_batching} and {@code --batching_parameters_file}. */
final class BatchingFlags {
    private static final Logger log = LoggerFactory.getLogger(BatchingFlags.class);

    @Option(
            names = "--enable_batching",
            description =
                    "Run concurrent predictions of a model together, in batches" + " (see --batching_parameters_file).")
    boolean enabled;

    @Option(
            names = "--batching_parameters_file",
            paramLabel = "FILE",
            description = "TensorFlow Serving's batching parameters in protobuf text format, e.g. max_batch_size"
                    + " { value: 32 } batch_timeout_micros { value: 1000 } max_enqueued_batches { value: 100 }"
                    + " num_batch_threads { value: 4 }. Without it, TensorFlow Serving's defaults.")
    Path parametersFile;

    /**
     * The options the flags ask for: empty without --enable_batching.
     *
     * @throws ConfigFileException if the parameters file cannot be used
     */
    Optional<BatchingOptions> options() {
        if (!enabled) {
            if (parametersFile != null) {
                log.warn(
                        "--batching_parameters_file={} has no effect without --enable_batching (as in TensorFlow Serving);"
                                + " add --enable_batching to batch",
                        parametersFile);
            }
            return Optional.empty();
        }
        BatchingOptions options = parametersFile == null
                ? BatchingOptions.tensorflowServingDefaults()
                : BatchingParametersFile.read(parametersFile);
        log.info(
                "Batching is on: {}{}",
                options.describe(),
                parametersFile == null ? " (TensorFlow Serving's defaults)" : " (from " + parametersFile + ")");
        return Optional.of(options);
    }
}
