package dev.digitpad.testing;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicInteger;

/** Server interceptors that tests put in front of DigitPad's services, to see or slow down the calls a client makes. */
public final class Interceptors {
    private Interceptors() {}

    /** Counts calls to one method, by its bare name ({@code "Predict"}). */
    public static ServerInterceptor counting(AtomicInteger count, String method) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                if (call.getMethodDescriptor().getBareMethodName().equals(method)) {
                    count.incrementAndGet();
                }
                return next.startCall(call, h);
            }
        };
    }

    /** Holds one method's calls for a while before handling them, like an overloaded server. */
    public static ServerInterceptor delaying(String method, long millis) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                ServerCall.Listener<Q> listener = next.startCall(call, h);
                if (!call.getMethodDescriptor().getBareMethodName().equals(method)) {
                    return listener;
                }
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                    @Override
                    public void onHalfClose() {
                        try {
                            Thread.sleep(millis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        super.onHalfClose();
                    }
                };
            }
        };
    }

    /**
     * Sends every answer without the response header {@code name}, as a server that has never heard of it would (for
     * DigitPad's own headers: TensorFlow Serving). Put in front of the services, it sees their headers last.
     */
    public static ServerInterceptor withoutHeader(String name) {
        return rewritingHeader(name, java.util.Optional.empty());
    }

    /** Sends every answer with the response header {@code name} set to {@code value}, whatever the services said. */
    public static ServerInterceptor withHeader(String name, String value) {
        return rewritingHeader(name, java.util.Optional.of(value));
    }

    private static ServerInterceptor rewritingHeader(String name, java.util.Optional<String> value) {
        Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                return next.startCall(
                        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                            @Override
                            public void sendHeaders(Metadata headers) {
                                headers.removeAll(key);
                                value.ifPresent(v -> headers.put(key, v));
                                super.sendHeaders(headers);
                            }
                        },
                        h);
            }
        };
    }
}
