package dev.digitpad.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The JIT compilers' activity, from a compilation time and a clock the test moves. */
class JitActivityTest {
    private final AtomicLong compileMillis = new AtomicLong(5_000);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final JitActivity jit = new JitActivity(compileMillis::get, nanos::get);

    private void pass(long millis, long compiledMillis) {
        nanos.addAndGet(millis * 1_000_000L);
        compileMillis.addAndGet(compiledMillis);
    }

    @Test
    void busyWhileTheCompilersWorkMoreThanAShareOfTheTimeSinceTheLastLook() {
        pass(1000, 300);
        assertThat(jit.getAsBoolean()).as("300 ms of compiling in a second").isTrue();
        pass(1000, 60);
        assertThat(jit.getAsBoolean()).as("60 ms in a second").isTrue();
        pass(1000, 40);
        assertThat(jit.getAsBoolean()).as("40 ms in a second").isFalse();
        pass(1000, 0);
        assertThat(jit.getAsBoolean()).as("nothing compiled").isFalse();
    }

    @Test
    void eachLookCoversOnlyTheTimeSinceThePreviousOne() {
        // 2 s of compiling in the first 10 s was busy then, and says nothing about the quiet second after it.
        pass(10_000, 2_000);
        assertThat(jit.getAsBoolean()).isTrue();
        pass(1000, 10);
        assertThat(jit.getAsBoolean()).isFalse();
        // The same 100 ms is busy in one second and quiet in four.
        pass(1000, 100);
        assertThat(jit.getAsBoolean()).isTrue();
        pass(4000, 100);
        assertThat(jit.getAsBoolean()).isFalse();
    }

    @Test
    void noTimeSinceTheLastLookIsQuiet() {
        compileMillis.addAndGet(500);
        assertThat(jit.getAsBoolean()).isFalse();
    }
}
