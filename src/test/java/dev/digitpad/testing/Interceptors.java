package dev.digitpad.testing;

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
}
