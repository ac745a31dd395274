package dev.digitpad.server;

import dev.digitpad.contract.VersionLabels;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells a GetModelStatus caller the model's version labels, which TensorFlow Serving's answer has no field for: in the
 * response header {@value #NAME}, in the form {@link VersionLabels} writes and reads. A client of TensorFlow Serving ignores the header; DigitPad's own client shows the labels. Another server
 * sends no header, and its labels are then unknown to the client (a typed label still works).
 */
public final class VersionLabelsHeader implements ServerInterceptor {
    public static final String NAME = VersionLabels.HEADER;
    public static final Metadata.Key<String> KEY = Metadata.Key.of(NAME, Metadata.ASCII_STRING_MARSHALLER);

    private final ModelManager models;

    VersionLabelsHeader(ModelManager models) {
        this.models = models;
    }

    /** The header's value for these labels (see {@link VersionLabels}). */
    public static String encode(Map<String, Long> labels) {
        return VersionLabels.encode(labels);
    }

    /**
     * The labels in a header's value, sorted by label.
     *
     * @throws IllegalArgumentException if the value is not in the header's form
     */
    public static SortedMap<String, Long> decode(String value) {
        return VersionLabels.decode(value);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        AtomicReference<String> model = new AtomicReference<>("");
        ServerCall<Q, R> labelled = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                Map<String, Long> labels = models.labels(model.get());
                if (!labels.isEmpty()) {
                    responseHeaders.put(KEY, encode(labels));
                }
                super.sendHeaders(responseHeaders);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                next.startCall(labelled, headers)) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof GetModelStatusRequest request) {
                    model.set(request.getModelSpec().getName());
                }
                super.onMessage(message);
            }
        };
    }
}
