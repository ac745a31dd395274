package dev.digitpad.inference;

import java.time.Duration;
import java.util.Locale;

/**
 * How requests are batched, with TensorFlow Serving's names and meanings.
 *
 * @param maxBatchSize the most examples (rows along the leading dimension, summed over the requests) that run
 *     together; a request with more rows than this is refused
 * @param batchTimeoutMicros how long a batch that is not full waits for more requests after its first one; 0
 *     runs whatever has arrived as soon as a thread is free
 * @param maxEnqueuedBatches how many batches of one model, version and signature may wait for a thread
 *     (the one still filling included); a request that would need one more is refused with UNAVAILABLE
 * @param numBatchThreads how many batches run at once, over all models
 */
public record BatchingOptions(int maxBatchSize, long batchTimeoutMicros, int maxEnqueuedBatches, int numBatchThreads) {

    /** More batch threads than this would only make TensorFlow's own threads fight for the cores. */
    public static final int MAX_BATCH_THREADS = 1024;
    /** An hour: a longer wait for a batch to fill is surely a typo. */
    public static final long MAX_BATCH_TIMEOUT_MICROS = 3_600_000_000L;

    public BatchingOptions {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max_batch_size must be at least 1, got " + maxBatchSize);
        }
        if (batchTimeoutMicros < 0 || batchTimeoutMicros > MAX_BATCH_TIMEOUT_MICROS) {
            throw new IllegalArgumentException("batch_timeout_micros must be from 0 to " + MAX_BATCH_TIMEOUT_MICROS
                    + " (an hour), got " + batchTimeoutMicros);
        }
        if (maxEnqueuedBatches < 1) {
            throw new IllegalArgumentException("max_enqueued_batches must be at least 1, got " + maxEnqueuedBatches);
        }
        if (numBatchThreads < 1 || numBatchThreads > MAX_BATCH_THREADS) {
            throw new IllegalArgumentException(
                    "num_batch_threads must be from 1 to " + MAX_BATCH_THREADS + ", got " + numBatchThreads);
        }
    }

    /**
     * TensorFlow Serving's defaults for fields a parameters file leaves out: batches of up to 1000, no waiting,
     * 10 batches queued, one thread per core.
     */
    public static BatchingOptions tensorflowServingDefaults() {
        return new BatchingOptions(1000, 0, 10, Runtime.getRuntime().availableProcessors());
    }

    public Duration batchTimeout() {
        return Duration.ofNanos(Math.multiplyExact(batchTimeoutMicros, 1000L));
    }

    /** The options in the parameters file's own words, for logs and reports. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "max_batch_size=%d, batch_timeout_micros=%d, max_enqueued_batches=%d," + " num_batch_threads=%d",
                maxBatchSize,
                batchTimeoutMicros,
                maxEnqueuedBatches,
                numBatchThreads);
    }
}
