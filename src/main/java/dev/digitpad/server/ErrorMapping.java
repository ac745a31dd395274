package dev.digitpad.server;

import dev.digitpad.inference.ServingException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.error.Code;

/**
 * The one place where failures become what a client sees: a gRPC status or an HTTP status, each with a
 * message. Unexpected exceptions are logged with their stack trace and reach the client only as an
 * INTERNAL error with an id to find them in the log; no stack trace ever leaves the server.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    /** TensorFlow Serving cuts error messages at this length. */
    static final int MAX_MESSAGE_LENGTH = 1024;

    private ErrorMapping() {}

    /** The failure as a {@link ServingException}, logging anything unexpected. */
    public static ServingException toServingException(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause(); // a failure that reached the front end through a future
        }
        if (t instanceof ServingException e) {
            if (e.code() == Code.INTERNAL || e.code() == Code.UNKNOWN) {
                log.error("Model run failed: {}", e.getMessage(), e);
            }
            return e;
        }
        if (t instanceof StatusRuntimeException e) {
            return new ServingException(
                    Code.forNumber(e.getStatus().getCode().value()),
                    e.getStatus().getDescription());
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        log.error("Unexpected failure [{}]", id, t);
        return new ServingException(
                Code.INTERNAL, "internal error in DigitPad's server [" + id + "]; see the server log");
    }

    /** The canonical code a failure will be answered with, without logging anything. */
    public static Code codeOf(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ServingException e) {
            return e.code();
        }
        if (t instanceof StatusRuntimeException e) {
            return Code.forNumber(e.getStatus().getCode().value());
        }
        return Code.INTERNAL;
    }

    public static Status grpcStatus(Throwable t) {
        ServingException e = toServingException(t);
        return Status.fromCodeValue(e.code().getNumber()).withDescription(truncate(e.getMessage()));
    }

    /**
     * A request message that is not a valid protobuf message of the method's request type (as parsed by the
     * method's marshaller, whose failure is {@code failure}): INVALID_ARGUMENT, saying so and why. Without this,
     * grpc-java answers UNKNOWN "Application error processing RPC".
     */
    public static Status unparsable(String method, Throwable failure) {
        Throwable why =
                failure instanceof StatusRuntimeException && failure.getCause() != null ? failure.getCause() : failure;
        String reason = why.getMessage() == null ? "" : " (" + why.getMessage().strip() + ")";
        log.debug("Unparsable request to {}", method, failure);
        return Status.INVALID_ARGUMENT.withDescription(truncate("The request to " + method
                + " is not a valid protobuf message of the method's request type" + reason
                + "; check that the client uses TensorFlow Serving's .proto files."));
    }

    /** TensorFlow Serving's HTTP status for an error code. */
    public static int httpStatus(Code code) {
        return switch (code) {
            case OK -> 200;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case UNAVAILABLE -> 503;
            case RESOURCE_EXHAUSTED -> 429;
            case DEADLINE_EXCEEDED -> 504;
            case UNIMPLEMENTED -> 501;
            case PERMISSION_DENIED -> 403;
            case UNAUTHENTICATED -> 401;
            default -> 500;
        };
    }

    static String truncate(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
    }
}
