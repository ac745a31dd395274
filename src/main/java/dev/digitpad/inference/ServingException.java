package dev.digitpad.inference;

import java.util.Objects;
import org.tensorflow.proto.error.Code;

/**
 * A failure with one of TensorFlow's canonical error codes and a message meant for the caller.
 * The front ends translate the code once, at the edge, into a gRPC status or an HTTP status.
 */
public class ServingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Code code;

    public ServingException(Code code, String message) {
        this(code, message, null);
    }

    public ServingException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    public static ServingException invalidArgument(String message) {
        return new ServingException(Code.INVALID_ARGUMENT, message);
    }

    public static ServingException notFound(String message) {
        return new ServingException(Code.NOT_FOUND, message);
    }

    public static ServingException failedPrecondition(String message) {
        return new ServingException(Code.FAILED_PRECONDITION, message);
    }
}
