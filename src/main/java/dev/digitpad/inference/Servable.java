package dev.digitpad.inference;

import java.util.List;
import java.util.Map;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/**
 * One loaded version of a model. Implementations are safe for concurrent {@link #predict} calls.
 * {@link #close()} is called once, after the last in-flight call has finished.
 */
public interface Servable extends AutoCloseable {

    String DEFAULT_SIGNATURE = "serving_default";

    /** The model's signatures by key, as found in its MetaGraphDef. */
    Map<String, SignatureDef> signatures();

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

    @Override
    void close();
}
