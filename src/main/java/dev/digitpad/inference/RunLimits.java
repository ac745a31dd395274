package dev.digitpad.inference;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What bounds one model run: the caller's deadline (as a {@link System#nanoTime()} instant, if any) and
 * whether the caller has already gone away, in which case the run is skipped.
 */
public record RunLimits(Optional<Long> deadlineNanos, BooleanSupplier cancelled) {

    public static final RunLimits NONE = new RunLimits(Optional.empty(), () -> false);

    public RunLimits {
        deadlineNanos = deadlineNanos == null ? Optional.empty() : deadlineNanos;
        cancelled = cancelled == null ? () -> false : cancelled;
    }

    /** Limits for a call that must finish within {@code timeout} from now. */
    public static RunLimits within(Duration timeout) {
        return new RunLimits(Optional.of(System.nanoTime() + timeout.toNanos()), () -> false);
    }

    /** The time left before the deadline, measured now; empty without a deadline. */
    public Optional<Duration> timeLeft() {
        return deadlineNanos.map(d -> Duration.ofNanos(d - System.nanoTime()));
    }
}
