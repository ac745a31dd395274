package dev.digitpad.server;

import static dev.digitpad.testing.TfExamples.bias;
import static dev.digitpad.testing.TfExamples.classify;
import static dev.digitpad.testing.TfExamples.list;
import static dev.digitpad.testing.TfExamples.regress;
import static dev.digitpad.testing.TfExamples.spec;
import static dev.digitpad.testing.TfExamples.withContext;
import static dev.digitpad.testing.TfExamples.x;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.digitpad.inference.Lease;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import dev.digitpad.inference.VersionStatus;
import dev.digitpad.protocol.serving.ClassifyLog;
import dev.digitpad.protocol.serving.InferenceTask;
import dev.digitpad.protocol.serving.MultiInferenceLog;
import dev.digitpad.protocol.serving.MultiInferenceRequest;
import dev.digitpad.protocol.serving.PredictLog;
import dev.digitpad.protocol.serving.PredictionLog;
import dev.digitpad.protocol.serving.RegressLog;
import dev.digitpad.testing.CallRecorder;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Examples;
import dev.digitpad.testing.TestModels.Kind;
import dev.digitpad.testing.TfRecordWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/**
 * TensorFlow Serving's warm-up file, {@code assets.extra/tf_serving_warmup_requests}, in a {@link ServingStack}: each
 * logged request is run on the new version before it is served; a broken file or a failing request fails that version
 * with the file and record in its reason, and the previous version keeps serving; a version without the file loads as
 * before.
 */
class WarmupReplayTest {
    private static final String MODEL = "examples";

    @TempDir
    Path dir;

    private final AtomicReference<ServingStack> stack = new AtomicReference<>();
    /** Each run any version of the model is asked for, with the version served at that moment (0 for none). */
    private final CallRecorder recorder = new CallRecorder(this::servedVersion);

    private Path base;

    @BeforeEach
    void serveVersionOne() throws Exception {
        base = dir.resolve(MODEL);
        TestModels.writeVersion(base, 1, Kind.EXAMPLES);
        stack.set(ServingStack.start(ServingStack.Options.of(
                List.of(new ModelConfig(MODEL, base)), recorder.around(ServableLoader.savedModels()))));
        stack.get().models().pollNow();
        assertThat(servedVersion()).isEqualTo(1L);
    }

    @AfterEach
    void stop() {
        if (stack.get() != null) {
            stack.get().close();
        }
    }

    private long servedVersion() {
        ServingStack s = stack.get();
        if (s == null) {
            return 0;
        }
        try (Lease lease = s.models().acquire(MODEL, OptionalLong.empty())) {
            return lease.version();
        } catch (ServingException e) {
            return 0;
        }
    }

    private List<CallRecorder.Call> callsOn(long version) {
        return recorder.calls().stream().filter(c -> c.version() == version).toList();
    }

    /** Writes version 2 with the given warm-up file, and looks for it. */
    private Path loadVersionTwo(byte[] warmupFile) throws Exception {
        Path v2 = TestModels.writeVersion(base, 2, Kind.EXAMPLES);
        Path file = TfRecordWriter.writeWarmupBytes(v2, warmupFile);
        stack.get().models().pollNow();
        return file;
    }

    private ServingException failureOfVersionTwo() {
        VersionStatus status =
                stack.get().models().status(MODEL, OptionalLong.of(2)).getFirst();
        assertThat(status.error()).as("version 2 failed to load").isPresent();
        return status.error().orElseThrow();
    }

    private static PredictionLog predictLog(float x) {
        return PredictionLog.newBuilder()
                .setPredictLog(PredictLog.newBuilder()
                        .setRequest(Tensors.predict(
                                Tensors.spec("any name"),
                                Map.of(Examples.PREDICT_INPUT, Tensors.floatVal(new long[] {1}, x)))))
                .build();
    }

    private static byte[] frame(PredictionLog... records) {
        List<byte[]> bytes = new ArrayList<>();
        for (PredictionLog r : records) {
            bytes.add(r.toByteArray());
        }
        return TfRecordWriter.frame(bytes);
    }

    @Test
    void everyLoggedRequestRunsOnTheNewVersionBeforeItIsServed() throws Exception {
        PredictionLog classifyLog = PredictionLog.newBuilder()
                .setClassifyLog(ClassifyLog.newBuilder()
                        .setRequest(classify(spec(MODEL, Examples.CLASSIFY), list(x(1f), x(2f)))))
                .build();
        PredictionLog regressLog = PredictionLog.newBuilder()
                .setRegressLog(RegressLog.newBuilder()
                        .setRequest(regress(spec(MODEL, Examples.REGRESS), withContext(bias(1f), x(3f)))))
                .build();
        PredictionLog multiLog = PredictionLog.newBuilder()
                .setMultiInferenceLog(MultiInferenceLog.newBuilder()
                        .setRequest(MultiInferenceRequest.newBuilder()
                                .addTasks(InferenceTask.newBuilder()
                                        .setModelSpec(spec(MODEL, Examples.REGRESS))
                                        .setMethodName(ExampleInference.REGRESS_METHOD))
                                .addTasks(InferenceTask.newBuilder()
                                        .setModelSpec(spec(MODEL, Examples.CLASSIFY))
                                        .setMethodName(ExampleInference.CLASSIFY_METHOD))
                                .setInput(list(x(4f)))))
                .build();

        Path file = loadVersionTwo(frame(classifyLog, regressLog, predictLog(5f), multiLog));

        assertThat(servedVersion()).isEqualTo(2L);
        List<CallRecorder.Call> calls = callsOn(2);
        assertThat(calls)
                .extracting(CallRecorder.Call::signature)
                .containsExactly(
                        Examples.CLASSIFY, Examples.REGRESS, TestModels.SIGNATURE, Examples.REGRESS, Examples.CLASSIFY);
        assertThat(calls)
                .as("version 1 was still the one served while version 2 warmed up")
                .extracting(CallRecorder.Call::observed)
                .containsOnly(1L);
        assertThat(calls.getFirst().inputs().get(ExampleInference.INPUTS).getStringValList())
                .containsExactly(x(1f).toByteString(), x(2f).toByteString());
        assertThat(stack.get().core().metrics().scrape())
                .contains(ServingMetrics.WARMUP_RECORDS + "{model_path=\""
                        + file.getParent().getParent() + "\",status=\"OK\"} 4")
                .contains(ServingMetrics.WARMUP_LATENCY + "_count{model_path=\""
                        + file.getParent().getParent() + "\",status=\"OK\"} 1");
    }

    @Test
    void aVersionWithoutTheFileLoadsWithoutRunningAnything() throws Exception {
        TestModels.writeVersion(base, 2, Kind.EXAMPLES);
        stack.get().models().pollNow();

        assertThat(servedVersion()).isEqualTo(2L);
        assertThat(recorder.calls()).isEmpty();
        assertThat(stack.get().core().metrics().scrape()).doesNotContain("model_path=\"" + base.resolve("2"));
    }

    @Test
    void aRecordWhoseDataDoesNotMatchItsChecksumFailsTheVersionAndSaysWhichRecord() throws Exception {
        byte[] bytes = frame(predictLog(1f), predictLog(2f), predictLog(3f));
        int second = TfRecordWriter.HEADER_BYTES
                + predictLog(1f).getSerializedSize()
                + TfRecordWriter.FOOTER_BYTES
                + TfRecordWriter.HEADER_BYTES;
        bytes[second + 3] ^= 0x10;

        Path file = loadVersionTwo(bytes);

        ServingException failure = failureOfVersionTwo();
        assertThat(failure.code()).isEqualTo(Code.DATA_LOSS);
        assertThat(failure.getMessage())
                .contains("record 2 of " + file)
                .contains("corrupted")
                .contains("TFRecord");
        assertThat(servedVersion()).as("version 1 keeps serving").isEqualTo(1L);
        assertThat(callsOn(2))
                .as("the record before the broken one was replayed")
                .hasSize(1);
    }

    @Test
    void aRecordWhoseLengthDoesNotMatchItsChecksumFailsTheVersion() throws Exception {
        byte[] bytes = frame(predictLog(1f));
        bytes[0] ^= 0x01;

        Path file = loadVersionTwo(bytes);

        ServingException failure = failureOfVersionTwo();
        assertThat(failure.code()).isEqualTo(Code.DATA_LOSS);
        assertThat(failure.getMessage()).contains("record 1 of " + file).contains("length");
        assertThat(servedVersion()).isEqualTo(1L);
    }

    @Test
    void aTruncatedFileFailsTheVersionAndSaysWhichRecord() throws Exception {
        byte[] whole = frame(predictLog(1f), predictLog(2f));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);

        Path file = loadVersionTwo(cut);

        ServingException failure = failureOfVersionTwo();
        assertThat(failure.code()).isEqualTo(Code.DATA_LOSS);
        assertThat(failure.getMessage()).contains("record 2 of " + file).contains("truncated");
        assertThat(servedVersion()).isEqualTo(1L);
        assertThat(stack.get().core().metrics().scrape())
                .contains(ServingMetrics.WARMUP_RECORDS + "{model_path=\"" + base.resolve("2")
                        + "\",status=\"DATA_LOSS:");
    }

    @Test
    void aRequestThatFailsFailsTheVersionWithItsReason() throws Exception {
        PredictionLog bad = PredictionLog.newBuilder()
                .setClassifyLog(ClassifyLog.newBuilder().setRequest(classify(spec(MODEL, "nope"), list(x(1f)))))
                .build();

        Path file = loadVersionTwo(frame(predictLog(1f), bad));

        ServingException failure = failureOfVersionTwo();
        assertThat(failure.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(failure.getMessage())
                .isEqualTo("warm-up request 2 of " + file + " failed: No signature was found with the name: nope");
        assertThat(servedVersion()).isEqualTo(1L);
    }

    @Test
    void aLogTypeThatCannotBeReplayedFailsTheVersion() throws Exception {
        // session_run_log, field 5, which DigitPad's PredictionLog does not declare.
        PredictionLog sessionRun = PredictionLog.newBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(
                                5,
                                UnknownFieldSet.Field.newBuilder()
                                        .addLengthDelimited(ByteString.EMPTY)
                                        .build())
                        .build())
                .build();

        loadVersionTwo(frame(sessionRun));

        ServingException failure = failureOfVersionTwo();
        assertThat(failure.code()).isEqualTo(Code.UNIMPLEMENTED);
        assertThat(failure.getMessage()).contains("Unsupported log_type for warmup: 5");
    }

    @Test
    void aRecordThatIsNotAPredictionLogFailsTheVersion() throws Exception {
        Path file = loadVersionTwo(TfRecordWriter.frame(List.of(new byte[] {(byte) 0xff, (byte) 0xff, 0x01})));

        ServingException failure = failureOfVersionTwo();
        assertThat(failure.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(failure.getMessage()).contains("Failed to parse warmup record 1 from " + file);
    }

    @Test
    void moreThanAThousandRecordsFailTheVersion() throws Exception {
        List<byte[]> records =
                new ArrayList<>(Collections.nCopies(1001, predictLog(1f).toByteArray()));

        Path file = loadVersionTwo(TfRecordWriter.frame(records));

        ServingException failure = failureOfVersionTwo();
        assertThat(failure.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(failure.getMessage()).isEqualTo("Number of warmup records exceeds the maximum (1000) at " + file);
        assertThat(callsOn(2)).hasSize(1000);
        assertThat(Files.exists(file)).isTrue();
    }
}
