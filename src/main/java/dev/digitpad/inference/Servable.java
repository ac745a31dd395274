package dev.digitpad.inference;

import dev.digitpad.contract.ModelContract;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/**
 * One loaded version of a model. Implementations are safe for concurrent {@link #predict} calls.
 * {@link #close()} is called once, after the last in-flight call has finished.
 */
public interface Servable extends AutoCloseable {

    /** The signature a request without a signature name calls: {@link ModelContract#DEFAULT_SIGNATURE}. */
    String DEFAULT_SIGNATURE = ModelContract.DEFAULT_SIGNATURE;

    /** The model's signatures by key, as found in its MetaGraphDef. */
    Map<String, SignatureDef> signatures();

    /**
     * The signature a call names: the one lookup behind every front end and every servable.
     *
     * @throws ServingException FAILED_PRECONDITION, worded as TensorFlow Serving words it, if there is no such signature
     */
    default SignatureDef signature(String signatureKey) {
        SignatureDef signature = signatures().get(signatureKey);
        if (signature == null) {
            throw ServingException.failedPrecondition("Serving signature key \"" + signatureKey + "\" not found.");
        }
        return signature;
    }

    /**
     * Runs one signature.
     *
     * @param signatureKey a key of {@link #signatures()}
     * @param inputs one tensor per input key of the signature, already checked by the caller or not:
     *     implementations check them again against the signature before running anything
     * @param outputFilter the output keys to return, or empty for all of them
     * @throws ServingException with INVALID_ARGUMENT, FAILED_PRECONDITION, DEADLINE_EXCEEDED, CANCELLED or
     *     INTERNAL
     */
    Map<String, TensorProto> predict(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits);

    /**
     * Runs one signature, answering through a future: the same as {@link #predict}, which this default
     * calls on the calling thread. A servable that queues work (batching) answers once the work is done,
     * without holding the calling thread meanwhile. Failures complete the future; nothing is thrown.
     */
    default CompletableFuture<Map<String, TensorProto>> predictAsync(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
        try {
            return CompletableFuture.completedFuture(predict(signatureKey, inputs, outputFilter, limits));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether {@link #predictAsync} called now with a request of {@code inputBytes} would hand back its future within
     * about {@link #BRIEF_RUN_NANOS}: its run would start at once and, going by the runs so far, end that soon. A front
     * end may then call it on a thread that must stay responsive (a network thread), and hand it to a worker
     * otherwise. False unless the servable knows.
     */
    default boolean answersBrieflyNow(long inputBytes) {
        return false;
    }

    /** What {@link #answersBrieflyNow} counts as brief: 1 ms. */
    long BRIEF_RUN_NANOS = 1_000_000;

    @Override
    void close();
}
