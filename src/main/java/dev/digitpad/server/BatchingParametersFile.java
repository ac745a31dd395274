package dev.digitpad.server;

import com.google.protobuf.Int64Value;
import com.google.protobuf.TextFormat;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.protocol.serving.BatchingParameters;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * Fields left out take TensorFlow Serving's defaults. Anything wrong fails here, at start-up, naming the file
 * and the field.
 */
public final class BatchingParametersFile {
    private static final Logger log = LoggerFactory.getLogger(BatchingParametersFile.class);

    /** A parameters file that cannot be used; the message names the file, says what is wrong and how to fix it. */
    public static final class InvalidFileException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private BatchingParametersFile() {}

    /** The batching options in {@code file}. */
    public static BatchingOptions read(Path file) throws InvalidFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidFileException("The batching parameters file " + file + " does not exist. Check the path given"
                    + " to --batching_parameters_file, or leave the flag out to batch with TensorFlow Serving's defaults.", e);
        } catch (MalformedInputException e) {
            throw new InvalidFileException("The batching parameters file " + file + " is not UTF-8 text; write it as text,"
                    + " for example: max_batch_size { value: 32 }", e);
        } catch (IOException e) {
            throw new InvalidFileException("The batching parameters file " + file + " cannot be read: " + e.getMessage()
                    + ". Check the path given to --batching_parameters_file and its permissions.", e);
        }
        return parse(file, text);
    }

    /** The batching options in {@code text}, which came from {@code file} (named in errors). */
    static BatchingOptions parse(Path file, String text) throws InvalidFileException {
        BatchingParameters.Builder parsed = BatchingParameters.newBuilder();
        try {
            TextFormat.getParser().merge(text, parsed);
        } catch (TextFormat.ParseException e) {
            // protobuf prefixes each line of its message with "line:column:"; say the place once, in words.
            String problem = e.getMessage().replaceAll("(?m)^\\d+:\\d+:\\s*", "").replaceAll("\\s+", " ").strip();
            throw new InvalidFileException("The batching parameters file " + file + " is not a BatchingParameters message"
                    + " in protobuf's text format: at line " + e.getLine() + ", column " + e.getColumn() + ": " + problem
                    + ". Write each field as in TensorFlow Serving, for example: max_batch_size { value: 32 }", e);
        }
        BatchingParameters p = parsed.build();
        BatchingOptions defaults = BatchingOptions.tensorflowServingDefaults();
        int maxBatchSize = intField(file, "max_batch_size", p.hasMaxBatchSize(), p.getMaxBatchSize(),
                defaults.maxBatchSize(), 1);
        long timeoutMicros = p.hasBatchTimeoutMicros() ? p.getBatchTimeoutMicros().getValue() : defaults.batchTimeoutMicros();
        if (timeoutMicros < 0 || timeoutMicros > BatchingOptions.MAX_BATCH_TIMEOUT_MICROS) {
            throw new InvalidFileException("The batching parameters file " + file + ": batch_timeout_micros must be from 0"
                    + " (run at once) to " + BatchingOptions.MAX_BATCH_TIMEOUT_MICROS + " (an hour), but it is "
                    + timeoutMicros + ".", null);
        }
        int maxEnqueued = intField(file, "max_enqueued_batches", p.hasMaxEnqueuedBatches(), p.getMaxEnqueuedBatches(),
                defaults.maxEnqueuedBatches(), 1);
        int threads = intField(file, "num_batch_threads", p.hasNumBatchThreads(), p.getNumBatchThreads(),
                defaults.numBatchThreads(), 1);
        if (threads > BatchingOptions.MAX_BATCH_THREADS) {
            throw new InvalidFileException("The batching parameters file " + file + ": num_batch_threads must be at most "
                    + BatchingOptions.MAX_BATCH_THREADS + ", but it is " + threads + "; about one per core is usual.", null);
        }
        if (p.hasThreadPoolName()) {
            log.info("Batching parameters file {}: thread_pool_name is ignored; DigitPad's batch threads are named batch-N",
                    file);
        }
        if (p.getAllowedBatchSizesCount() > 0) {
            log.warn("Batching parameters file {}: allowed_batch_sizes is ignored; DigitPad runs batches of any size up to"
                    + " max_batch_size without padding them", file);
        }
        if (p.getPadVariableLengthInputs()) {
            log.warn("Batching parameters file {}: pad_variable_length_inputs is ignored; DigitPad batches only requests"
                    + " whose inputs have the same shape apart from the batch dimension", file);
        }
        return new BatchingOptions(maxBatchSize, timeoutMicros, maxEnqueued, threads);
    }

    private static int intField(Path file, String name, boolean present, Int64Value value, int fallback, int min)
            throws InvalidFileException {
        if (!present) {
            return fallback;
        }
        long v = value.getValue();
        if (v < min) {
            throw new InvalidFileException("The batching parameters file " + file + ": " + name + " must be at least " + min
                    + ", but it is " + v + ". Write it as, for example, " + name + " { value: " + Math.max(min, fallback)
                    + " }", null);
        }
        if (v > Integer.MAX_VALUE) {
            throw new InvalidFileException("The batching parameters file " + file + ": " + name + " is " + v
                    + ", more than " + Integer.MAX_VALUE + "; use a smaller value.", null);
        }
        return (int) v;
    }
}
