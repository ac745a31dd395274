package dev.digitpad.inference;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.tensorflow.proto.TensorProto;

/**
 * A servable whose calls may wait in a queue (for a batch, or for a run slot) before they run: {@link #predictAsync}
 * is what it does, and {@link #predict} waits for that answer on the calling thread.
 */
interface QueueingServable extends Servable {
    @Override
    CompletableFuture<Map<String, TensorProto>> predictAsync(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits);

    @Override
    default Map<String, TensorProto> predict(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
        return Futures.join(predictAsync(signatureKey, inputs, outputFilter, limits));
    }
}
