package dev.digitpad.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.bench.ClosedLoop.Warmup;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closed-loop load with calls the test makes up: how long the warm-up lasts, and what is counted where. */
class ClosedLoopTest {
    private static final Duration SLICE = Duration.ofMillis(50);

    private static ClosedLoop.Call sleeping(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            Thread.sleep(1);
        };
    }

    @Test
    void theWarmUpGoesOnASliceAtATimeWhileBusySaysSo() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        // Busy at the first two looks, quiet at the third.
        Warmup warmup =
                new Warmup(Duration.ofMillis(100), Duration.ofSeconds(10), SLICE, () -> looks.incrementAndGet() <= 2);

        Figures figures = ClosedLoop.measure("made up", 2, warmup, Duration.ofMillis(100), client -> sleeping(calls));

        assertThat(looks).hasValue(3);
        // 100 ms, then two slices of 50 ms; the clients finish their calls in flight, a few ms each.
        assertThat(figures.warmupSeconds()).isBetween(0.2, 0.2 + 0.15);
        assertThat(figures.calls()).isPositive().isLessThan(calls.get());
        assertThat(figures.allErrors()).isZero();
    }

    @Test
    void aWarmUpThatStaysBusyEndsWithinItsLongest() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Warmup warmup = new Warmup(Duration.ofMillis(100), Duration.ofMillis(300), SLICE, () -> true);

        Figures figures = ClosedLoop.measure("made up", 1, warmup, Duration.ofMillis(50), client -> sleeping(calls));

        assertThat(figures.warmupSeconds()).isBetween(0.25, 0.3 + 0.1);
    }

    @Test
    void aFixedWarmUpNeverAsks() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        Figures figures = ClosedLoop.measure(
                "made up", 1, Duration.ofMillis(100), Duration.ofMillis(50), client -> sleeping(calls));

        assertThat(figures.warmupSeconds()).isBetween(0.1, 0.1 + 0.1);
    }

    @Test
    void failuresInTheWarmUpAreCountedAsWarmUpFailures() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Warmup warmup = new Warmup(Duration.ofMillis(50), Duration.ofMillis(50), SLICE, () -> true);

        Figures figures = ClosedLoop.measure("made up", 1, warmup, Duration.ZERO, client -> () -> {
            calls.incrementAndGet();
            Thread.sleep(1);
            throw new IllegalStateException("refused");
        });

        assertThat(figures.calls()).isZero();
        assertThat(figures.errors()).isZero();
        assertThat(figures.errorKinds()).singleElement().satisfies(k -> {
            assertThat(k.warmup()).isEqualTo(calls.get());
            assertThat(k.measured()).isZero();
            assertThat(k.example()).contains("refused");
        });
        assertThat(figures.allErrors()).isEqualTo(calls.get());
    }

    @Test
    void aWarmUpLongestBelowItsLeastIsRefused() {
        assertThatThrownBy(() -> new Warmup(Duration.ofSeconds(2), Duration.ofSeconds(1), SLICE, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("least <= most");
    }
}
