package dev.digitpad.inference;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/** A servable whose runs pass through a {@link RunGate}: see {@link RunAdmission}. */
final class AdmittedServable implements QueueingServable {
    private final Servable inner;
    private final RunGate gate;

    AdmittedServable(Servable inner, RunGate gate) {
        this.inner = inner;
        this.gate = gate;
    }

    /** The servable behind the gate, for a caller that already holds a slot of {@link #gate()}. */
    Servable ungated() {
        return inner;
    }

    RunGate gate() {
        return gate;
    }

    @Override
    public Map<String, SignatureDef> signatures() {
        return inner.signatures();
    }

    @Override
    public CompletableFuture<Map<String, TensorProto>> predictAsync(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
        return gate.submit(limits, () -> inner.predict(signatureKey, inputs, outputFilter, limits), () -> {
            // A call that would fail anyway should not wait for its turn first.
            SignatureDef signature = inner.signature(signatureKey);
            TensorChecks.checkInputs(signature, inputs);
            TensorChecks.outputsToFetch(signature, outputFilter);
        });
    }

    /**
     * Brief when the gate is idle and its runs have been brief, for a request no larger than {@link #BRIEF_INPUT_BYTES}:
     * a larger one may hold many examples, and take as many times longer.
     */
    @Override
    public boolean answersBrieflyNow(long inputBytes) {
        return inputBytes <= BRIEF_INPUT_BYTES && gate.idleWithBriefRuns(BRIEF_RUN_NANOS);
    }

    /** 64 KiB: twenty 28x28 float images. */
    static final long BRIEF_INPUT_BYTES = 64 * 1024;

    @Override
    public void close() {
        gate.close();
        inner.close();
    }
}
