package dev.digitpad.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.digitpad.inference.Futures;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.PredictionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.error.Code;

/**
 * TensorFlow Serving's warm-up file: when a version's folder holds {@value #FILE}, a TFRecord file of
 * {@code PredictionLog}s, each logged request (Predict, Classify, Regress or MultiInference) is run once on the freshly
 * loaded version before it is served, so that its first real calls do not pay for TensorFlow's lazy initialisation.
 * The requests run through the servable as calls do (run bound and batching included); the version, model name and
 * version they name are ignored, as TensorFlow Serving ignores them.
 *
 * <p>As in TensorFlow Serving: at most {@value #MAX_RECORDS} records; a record that is broken, is not a
 * {@code PredictionLog}, holds a kind of log that cannot be replayed, or whose request fails, fails the load (the
 * message names the file and the record), so the previous version keeps serving; a folder without the file loads as
 * before. A file read to its end, or found broken, is counted in {@code model_warmup_latency} and
 * {@code model_warmup_records_read}.
 */
final class WarmupReplay {
    private static final Logger log = LoggerFactory.getLogger(WarmupReplay.class);

    /** Where a version's warm-up requests are, relative to its folder. */
    static final String FILE = "assets.extra/tf_serving_warmup_requests";

    /** TensorFlow Serving's limit on the records of one file. */
    static final int MAX_RECORDS = 1000;

    /** The fields of the log kinds TensorFlow Serving has and cannot replay (DigitPad's PredictionLog omits them). */
    private static final int SESSION_RUN_LOG = 5;

    private static final int PREDICT_STREAMED_LOG = 7;

    private final ExampleInference inference;
    private final ServingMetrics metrics;

    WarmupReplay(ExampleInference inference, ServingMetrics metrics) {
        this.inference = inference;
        this.metrics = metrics;
    }

    /** {@code loader}, with each version it loads warmed up with its warm-up file, if it has one, before it is handed out. */
    ServableLoader around(ServableLoader loader) {
        return (model, version, dir) -> {
            Servable servable = loader.load(model, version, dir);
            try {
                replay(servable, dir);
            } catch (RuntimeException | Error e) {
                servable.close();
                throw e;
            }
            return servable;
        };
    }

    /**
     * Replays the warm-up file of the version in {@code dir} on {@code servable}, if there is one.
     *
     * @throws ServingException saying which record of which file failed, and why
     */
    void replay(Servable servable, Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            log.debug("No warm-up file at {}", file);
            return;
        }
        long started = System.nanoTime();
        int records = 0;
        boolean readToEnd = false;
        ServingException broken = null;
        try (TfRecordReader reader = new TfRecordReader(file)) {
            for (Optional<byte[]> record = reader.next(); record.isPresent(); record = reader.next()) {
                if (records == MAX_RECORDS) {
                    throw ServingException.invalidArgument(
                            "Number of warmup records exceeds the maximum (" + MAX_RECORDS + ") at " + file);
                }
                records++;
                run(servable, parse(record.get(), records, file), records, file);
            }
            readToEnd = true;
        } catch (ServingException e) {
            if (e.code() == Code.DATA_LOSS) {
                broken = e;
            }
            throw e;
        } catch (IOException e) {
            throw new ServingException(
                    Code.FAILED_PRECONDITION, "could not read the warm-up file " + file + ": " + e, e);
        } finally {
            // Counted only then, as TensorFlow Serving counts it, with its status as the label.
            if (readToEnd || broken != null) {
                metrics.recordWarmup(dir.toString(), Optional.ofNullable(broken), records, System.nanoTime() - started);
            }
        }
        log.info(
                "Replayed {} warm-up requests from {} in {} ms",
                records,
                file,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static PredictionLog parse(byte[] record, int number, Path file) {
        try {
            return PredictionLog.parseFrom(record);
        } catch (InvalidProtocolBufferException e) {
            throw ServingException.invalidArgument("Failed to parse warmup record " + number + " from " + file
                    + ": it is not a PredictionLog (" + e.getMessage() + ")");
        }
    }

    private void run(Servable servable, PredictionLog record, int number, Path file) {
        OptionalLong none = OptionalLong.empty();
        RunLimits limits = RunLimits.NONE;
        try {
            switch (record.getLogTypeCase()) {
                case CLASSIFY_LOG ->
                    Futures.join(inference.classify(
                            servable, none, record.getClassifyLog().getRequest(), limits));
                case REGRESS_LOG ->
                    Futures.join(inference.regress(
                            servable, none, record.getRegressLog().getRequest(), limits));
                case PREDICT_LOG ->
                    Futures.join(inference.predict(
                            servable, none, record.getPredictLog().getRequest(), limits));
                case MULTI_INFERENCE_LOG ->
                    Futures.join(inference.multiInference(
                            servable, none, record.getMultiInferenceLog().getRequest(), limits));
                case LOGTYPE_NOT_SET -> {
                    for (int field : new int[] {SESSION_RUN_LOG, PREDICT_STREAMED_LOG}) {
                        if (record.getUnknownFields().hasField(field)) {
                            throw new ServingException(
                                    Code.UNIMPLEMENTED,
                                    "Unsupported log_type for warmup: " + field
                                            + (field == SESSION_RUN_LOG
                                                    ? " (session_run_log)"
                                                    : " (predict_streamed_log)"));
                        }
                    }
                    // A record that logs nothing is skipped, as TensorFlow Serving skips it.
                }
            }
        } catch (RuntimeException e) {
            ServingException cause = ErrorMapping.toServingException(e);
            throw new ServingException(
                    cause.code(), "warm-up request " + number + " of " + file + " failed: " + cause.getMessage(), e);
        }
    }
}
