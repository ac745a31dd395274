package dev.digitpad.testing;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/** The CPU time this test process uses, TensorFlow's native threads included: whether work is still going on. */
public final class ProcessCpu {
    private ProcessCpu() {}

    /** CPU time used by this process so far, all threads, TensorFlow's native ones included. */
    public static long nanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Waits until this process uses less than a quarter of a core over half a second. */
    public static void awaitQuiet() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            long before = nanos();
            Thread.sleep(500);
            if (nanos() - before < TimeUnit.MILLISECONDS.toNanos(125)) {
                return;
            }
        }
        throw new AssertionError("the process stayed busy for a minute before the test began");
    }

    /** The cores this process keeps busy, on average, over the next {@code millis} milliseconds. */
    public static double coresOver(long millis) throws InterruptedException {
        long before = nanos();
        Thread.sleep(millis);
        return (nanos() - before) / (millis * 1e6);
    }
}
