package dev.digitpad.server;

import com.google.protobuf.Int64Value;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.protocol.serving.BatchingParameters;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code --batching_parameters_file}: TensorFlow Serving's {@code BatchingParameters} in protobuf's text
 * format, for example
 *
 * <pre>
 * max_batch_size { value: 32 }
 * batch_timeout_micros { value: 1000 }
 * max_enqueued_batches { value: 100 }
 * num_batch_threads { value: 4 }
 * </pre>
 *
 * Fields left out take TensorFlow Serving's defaults. Anything wrong fails here, at start-up, with a
 * {@link ConfigFileException} naming the file and the field.
 */
public final class BatchingParametersFile {
    private static final Logger log = LoggerFactory.getLogger(BatchingParametersFile.class);
    static final String FLAG = "--batching_parameters_file";

    private BatchingParametersFile() {}

    /**
     * The batching options in {@code file}.
     *
     * @throws ConfigFileException naming the file and the field, if the file cannot be used
     */
    public static BatchingOptions read(Path file) {
        BatchingParameters p =
                ConfigFiles.read(file, FLAG, BatchingParameters.getDefaultInstance(), "max_batch_size { value: 32 }");
        BatchingOptions defaults = BatchingOptions.tensorflowServingDefaults();
        int maxBatchSize = intField(
                file,
                "max_batch_size",
                p.hasMaxBatchSize(),
                p.getMaxBatchSize(),
                defaults.maxBatchSize(),
                Integer.MAX_VALUE);
        long timeoutMicros =
                p.hasBatchTimeoutMicros() ? p.getBatchTimeoutMicros().getValue() : defaults.batchTimeoutMicros();
        if (timeoutMicros < 0 || timeoutMicros > BatchingOptions.MAX_BATCH_TIMEOUT_MICROS) {
            throw new ConfigFileException(FLAG + "=" + file + ": batch_timeout_micros must be from 0 (run at once) to "
                    + BatchingOptions.MAX_BATCH_TIMEOUT_MICROS + " (an hour), but it is " + timeoutMicros + ".");
        }
        int maxEnqueued = intField(
                file,
                "max_enqueued_batches",
                p.hasMaxEnqueuedBatches(),
                p.getMaxEnqueuedBatches(),
                defaults.maxEnqueuedBatches(),
                Integer.MAX_VALUE);
        int threads = intField(
                file,
                "num_batch_threads",
                p.hasNumBatchThreads(),
                p.getNumBatchThreads(),
                defaults.numBatchThreads(),
                BatchingOptions.MAX_BATCH_THREADS);
        if (p.hasThreadPoolName()) {
            log.info("{}={}: thread_pool_name is ignored; DigitPad's batch threads are named batch-N", FLAG, file);
        }
        if (p.getAllowedBatchSizesCount() > 0) {
            log.warn(
                    "{}={}: allowed_batch_sizes is ignored; DigitPad runs batches of any size up to max_batch_size"
                            + " without padding them",
                    FLAG,
                    file);
        }
        if (p.getPadVariableLengthInputs()) {
            log.warn(
                    "{}={}: pad_variable_length_inputs is ignored; DigitPad batches only requests whose inputs have the"
                            + " same shape apart from the batch dimension",
                    FLAG,
                    file);
        }
        return new BatchingOptions(maxBatchSize, timeoutMicros, maxEnqueued, threads);
    }

    private static int intField(Path file, String name, boolean present, Int64Value value, int fallback, int max) {
        if (!present) {
            return fallback;
        }
        long v = value.getValue();
        if (v < 1) {
            throw new ConfigFileException(FLAG + "=" + file + ": " + name + " must be at least 1, but it is " + v
                    + ". Write it as, for example, " + name + " { value: " + fallback + " }, or leave it out for "
                    + fallback + ".");
        }
        if (v > max) {
            throw new ConfigFileException(FLAG + "=" + file + ": " + name + " must be at most " + max + ", but it is "
                    + v
                    + (name.equals("num_batch_threads") ? "; about one per core is usual." : "; use a smaller value."));
        }
        return (int) v;
    }
}
