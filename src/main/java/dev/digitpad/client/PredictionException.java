package dev.digitpad.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A failed call, with a message a person can act on: what happened and what to do next. The gRPC status
 * code is kept for programs, and the gRPC status itself for logs ({@link #technical()}); the message never carries a
 * stack trace or gRPC's own wording.
 */
public final class PredictionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;
    private final boolean unreachable;

    /**
     * @param unreachable whether the server could not be reached at all (no connection, or none in time), as opposed
     *     to a server that answered with an error
     */
    public PredictionException(Status.Code code, String message, Throwable cause, boolean unreachable) {
        super(message, cause);
        this.code = code;
        this.unreachable = unreachable;
    }

    /** A failure that is about reachability if, and only if, its code is {@code UNAVAILABLE}. */
    public PredictionException(Status.Code code, String message, Throwable cause) {
        this(code, message, cause, code == Status.Code.UNAVAILABLE);
    }

    public PredictionException(Status.Code code, String message) {
        this(code, message, null);
    }

    /** A server that answers but cannot predict yet (its model is still loading): part of an outage, not its end. */
    public static PredictionException notReady(String message) {
        return new PredictionException(Status.Code.UNAVAILABLE, message, null, true);
    }

    public Status.Code code() {
        return code;
    }

    /**
     * Whether the server could not be reached (nothing listening, no route, a failed TLS handshake, no connection
     * within the deadline): it says nothing about the model or the request, and may pass once the server is back.
     */
    public boolean unreachable() {
        return unreachable;
    }

    /**
     * The failure as gRPC reported it, for logs: the status code, gRPC's description and the deepest cause, e.g.
     * {@code UNAVAILABLE: io exception [ConnectException: Connection refused]}.
     */
    public String technical() {
        StringBuilder s = new StringBuilder();
        if (getCause() instanceof StatusRuntimeException e) {
            s.append(e.getStatus().getCode());
            if (e.getStatus().getDescription() != null) {
                s.append(": ")
                        .append(e.getStatus()
                                .getDescription()
                                .lines()
                                .findFirst()
                                .orElse(""));
            }
        } else {
            s.append(code);
        }
        Throwable root = getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && !(root instanceof StatusRuntimeException)) {
            s.append(" [")
                    .append(root.getClass().getSimpleName())
                    .append(": ")
                    .append(root.getMessage())
                    .append(']');
        }
        return s.toString();
    }
}
