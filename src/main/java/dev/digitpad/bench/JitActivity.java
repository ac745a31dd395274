package dev.digitpad.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether HotSpot's JIT compilers are still at work, from the compilation time the JVM reports. A warm-up that ends
 * while they are measures code that is about to be replaced: with the shipped model at one call in flight, the load
 * test's first gRPC case measured a p50 of 0.55-0.61 ms after a 2 s warm-up and 0.45-0.47 ms after 10 s, and the
 * compilers took about 15 s of that load to fall quiet.
 *
 * <p>Each call looks at the time since the one before (or since this was made): the compilers are busy if they
 * compiled for more than {@link #QUIET_SHARE} of that time. Compilation running on several compiler threads at once
 * counts once per thread.
 */
final class JitActivity implements BooleanSupplier {
    /** Compiling for less than this share of one core is quiet: 50 ms in a second. */
    static final double QUIET_SHARE = 0.05;

    private final LongSupplier compileMillis;
    private final LongSupplier nanoTime;
    private long lastMillis;
    private long lastNanos;

    /**
     * @param compileMillis the compilers' total time so far, in milliseconds
     * @param nanoTime the clock
     */
    JitActivity(LongSupplier compileMillis, LongSupplier nanoTime) {
        this.compileMillis = compileMillis;
        this.nanoTime = nanoTime;
        this.lastMillis = compileMillis.getAsLong();
        this.lastNanos = nanoTime.getAsLong();
    }

    /** This JVM's compilers; never busy on a JVM that has no JIT or does not time it. */
    static BooleanSupplier ofThisJvm() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return () -> false;
        }
        return new JitActivity(compiler::getTotalCompilationTime, System::nanoTime);
    }

    /** True if the compilers were busy since the last call. */
    @Override
    public boolean getAsBoolean() {
        long millis = compileMillis.getAsLong();
        long nanos = nanoTime.getAsLong();
        double compiled = (millis - lastMillis) * 1e6;
        double elapsed = nanos - lastNanos;
        lastMillis = millis;
        lastNanos = nanos;
        return elapsed > 0 && compiled > QUIET_SHARE * elapsed;
    }
}
