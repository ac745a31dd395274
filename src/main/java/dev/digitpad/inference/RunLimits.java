package dev.digitpad.inference;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What bounds one model run: the caller's deadline (as a {@link System#nanoTime()} instant, if any) and
 * whether the caller has already gone away, in which case the run is skipped.
 *
 * @param cancelled whether the caller has gone away, asked before a run starts
 * @param onCancel registers an action to run once the caller goes away (at once if it already has; it may also
 *     run when the call has simply ended), so that a call waiting for its turn can be dropped then rather than
 *     when its turn comes; the default never runs the action
 */
public record RunLimits(Optional<Long> deadlineNanos, BooleanSupplier cancelled, Consumer<Runnable> onCancel) {

    public static final RunLimits NONE = new RunLimits(Optional.empty(), () -> false);

    public RunLimits {
        deadlineNanos = deadlineNanos == null ? Optional.empty() : deadlineNanos;
        cancelled = cancelled == null ? () -> false : cancelled;
        onCancel = onCancel == null ? action -> {} : onCancel;
    }

    /** Limits whose cancellation can only be asked, not listened to. */
    public RunLimits(Optional<Long> deadlineNanos, BooleanSupplier cancelled) {
        this(deadlineNanos, cancelled, null);
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
