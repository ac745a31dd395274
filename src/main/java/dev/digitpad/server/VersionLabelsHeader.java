package dev.digitpad.server;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Tells a GetModelStatus caller the model's version labels, which TensorFlow Serving's answer has no field for: in the
 * response header {@value #NAME}, as {@code label=version} pairs separated by commas, each label percent-encoded
 * (UTF-8). A client of TensorFlow Serving ignores the header; DigitPad's own client shows the labels. Another server
 * sends no header, and its labels are then unknown to the client (a typed label still works).
 */
public final class VersionLabelsHeader implements ServerInterceptor {
    public static final String NAME = "digitpad-version-labels";
    public static final Metadata.Key<String> KEY = Metadata.Key.of(NAME, Metadata.ASCII_STRING_MARSHALLER);

    private final ModelManager models;

    VersionLabelsHeader(ModelManager models) {
        this.models = models;
    }

    /** The header's value for these labels. */
    public static String encode(Map<String, Long> labels) {
        return new TreeMap<>(labels)
                .entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + e.getValue())
                        .collect(Collectors.joining(","));
    }

    /**
     * The labels in a header's value, sorted by label.
     *
     * @throws IllegalArgumentException if the value is not in the header's form
     */
    public static SortedMap<String, Long> decode(String value) {
        SortedMap<String, Long> labels = new TreeMap<>();
        if (value.isEmpty()) {
            return labels;
        }
        for (String pair : value.split(",", -1)) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a label=version pair: \"" + pair + "\"");
            }
            try {
                labels.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        Long.parseLong(pair.substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a version number in \"" + pair + "\"", e);
            }
        }
        return labels;
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
