package dev.digitpad.client;

import io.grpc.Status;

/**
 * A failed call, with a message a person can act on: what happened and what to do next. The gRPC status
 * code is kept for programs; the message never carries a stack trace.
 */
public final class PredictionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;

    public PredictionException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public PredictionException(Status.Code code, String message) {
        this(code, message, null);
    }

    public Status.Code code() {
        return code;
    }
}
