package dev.digitpad.testing;

import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/**
 * Puts a recorder in front of every servable a loader makes: each run a servable is asked for is recorded with the
 * version it ran on and what {@code observer} said at that moment (which version was being served, say), then passed on
 * unchanged.
 */
public final class CallRecorder {
    /** One run asked of a servable. */
    public record Call(long version, String signature, Map<String, TensorProto> inputs, Object observed) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Supplier<?> observer;

    public CallRecorder(Supplier<?> observer) {
        this.observer = observer;
    }

    /** Every run asked so far, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public ServableLoader around(ServableLoader loader) {
        return (model, version, dir) -> new Recording(loader.load(model, version, dir), version);
    }

    private final class Recording implements Servable {
        private final Servable inner;
        private final long version;

        Recording(Servable inner, long version) {
            this.inner = inner;
            this.version = version;
        }

        private void record(String signature, Map<String, TensorProto> inputs) {
            calls.add(new Call(version, signature, Map.copyOf(inputs), observer.get()));
        }

        @Override
        public Map<String, SignatureDef> signatures() {
            return inner.signatures();
        }

        @Override
        public Map<String, TensorProto> predict(
                String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
            record(signatureKey, inputs);
            return inner.predict(signatureKey, inputs, outputFilter, limits);
        }

        @Override
        public CompletableFuture<Map<String, TensorProto>> predictAsync(
                String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
            record(signatureKey, inputs);
            return inner.predictAsync(signatureKey, inputs, outputFilter, limits);
        }

        @Override
        public boolean answersBrieflyNow(long inputBytes) {
            return inner.answersBrieflyNow(inputBytes);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
