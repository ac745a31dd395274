package dev.digitpad.testing;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

public final class GrpcAssertions {
    private GrpcAssertions() {}

    /** The status a call failed with; fails the test if the call succeeds. */
    public static Status statusOf(ThrowingCallable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
        if (e == null) {
            throw new AssertionError("expected the call to fail with a gRPC status, but it succeeded");
        }
        return e.getStatus();
    }
}
