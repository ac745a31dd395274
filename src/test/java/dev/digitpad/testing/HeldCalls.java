package dev.digitpad.testing;

import io.grpc.Context;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A server interceptor that, once told to {@link #hold()}, holds the calls of one method whose request matches until
 * {@link #release()}: a server whose answers a test decides when to send. It counts the calls it held and those of them
 * that the client cancelled while held (seen on the call's context, at once, while the call waits).
 */
public final class HeldCalls implements ServerInterceptor {
    private final String method;
    private final Predicate<Object> which;
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();

    /**
     * @param method the bare method name, e.g. {@code "Predict"}
     * @param which the requests to hold, as parsed (the request message itself, unwrapped from DigitPad's server's
     *     own wrapper)
     */
    public HeldCalls(String method, Predicate<Object> which) {
        this.method = method;
        this.which = which;
    }

    /** From now on, holds the matching calls until {@link #release()}. */
    public void hold() {
        release = new CountDownLatch(1);
    }

    /** Lets the held calls go on, and the later ones pass. */
    public void release() {
        release.countDown();
    }

    /** The calls held so far. */
    public int held() {
        return held.get();
    }

    /** The held calls that their client cancelled while they were held. */
    public int cancelled() {
        return cancelled.get();
    }

    /**
     * The request in a message as DigitPad's server passes it on: its services receive each parsed request in a
     * record beside the failure to parse it ({@code UnparsableRequests}), so the request is that record's first
     * component; any other message is the request itself.
     */
    private static Object request(Object message) {
        if (!(message instanceof Record record)) {
            return message;
        }
        try {
            var accessor = record.getClass().getRecordComponents()[0].getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read the request in " + record.getClass(), e);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (!call.getMethodDescriptor().getBareMethodName().equals(method)) {
            return listener;
        }
        Context context = Context.current();
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean matches;

            @Override
            public void onMessage(Q message) {
                matches = which.test(request(message));
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                CountDownLatch latch = release;
                if (matches && latch.getCount() > 0) {
                    held.incrementAndGet();
                    AtomicBoolean waiting = new AtomicBoolean(true);
                    // The context also ends when a call completes; only an end while held is the client's cancel.
                    context.addListener(
                            c -> {
                                if (waiting.get()) {
                                    cancelled.incrementAndGet();
                                }
                            },
                            Runnable::run);
                    try {
                        if (!latch.await(60, TimeUnit.SECONDS)) {
                            throw new AssertionError("a held call was not released within 60 s");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        waiting.set(false);
                    }
                }
                super.onHalfClose();
            }
        };
    }
}
