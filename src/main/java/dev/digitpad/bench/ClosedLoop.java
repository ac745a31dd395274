package dev.digitpad.bench;

import dev.digitpad.client.RestPredict;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load, shared by {@code digitpad benchmark} and {@code digitpad loadtest}: each of N clients
 * makes its next call as soon as its previous one has answered, for a fixed time after a warm-up. Every
 * call's latency goes into an HdrHistogram; every failure is counted by kind, with its first message, and
 * never left out of the figures.
 */
public final class ClosedLoop {
    private ClosedLoop() {}

    /** One call; it throws if the call failed or its answer is wrong. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    /** A failure that says what kind it is, for the error counts (an HTTP status, say). */
    interface KindedFailure {
        String kind();
    }

    /** Failures of one kind: how many, in the warm-up and in the measurement, and the first one's message. */
    record ErrorKind(String kind, long warmup, long measured, String example) {}

    /**
     * The figures of one measurement.
     *
     * @param what what was measured
     * @param concurrency calls in flight
     * @param calls calls that succeeded during the measurement
     * @param errors calls that failed during the measurement
     * @param seconds the measurement's length, from its start until its last call answered
     * @param warmupSeconds the warm-up's length before it
     * @param latency the latencies of the successful calls, in nanoseconds
     * @param errorKinds failures by kind, warm-up included
     */
    public record Figures(
            String what,
            int concurrency,
            long calls,
            long errors,
            double seconds,
            double warmupSeconds,
            Histogram latency,
            List<ErrorKind> errorKinds) {

        /** A percentile of the successful calls' latency, in microseconds; NaN if none succeeded. */
        public double percentileMicros(double p) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1000.0;
        }

        double percentileMillis(double p) {
            return percentileMicros(p) / 1000.0;
        }

        /** Successful calls per second. */
        public double perSecond() {
            return seconds <= 0 ? 0 : calls / seconds;
        }

        /** Failures in the warm-up and the measurement together. */
        public long allErrors() {
            return errorKinds.stream().mapToLong(k -> k.warmup() + k.measured()).sum();
        }
    }

    /**
     * How long a warm-up lasts: at least {@code least}; then, while {@code busy} says that the process is still
     * settling (see {@link JitActivity}), one {@code slice} more at a time, as long as that ends within {@code most}.
     */
    public record Warmup(Duration least, Duration most, Duration slice, BooleanSupplier busy) {
        public Warmup {
            if (least.isNegative() || most.compareTo(least) < 0 || !slice.isPositive()) {
                throw new IllegalArgumentException("a warm-up needs 0 <= least <= most and a positive slice, got "
                        + least + ", " + most + ", " + slice);
            }
        }

        /** Exactly {@code length}. */
        static Warmup fixed(Duration length) {
            return new Warmup(length, length, SLICE, () -> false);
        }

        /** At least {@code least}, then on while this JVM's JIT compilers are busy, up to {@code most} in all. */
        public static Warmup untilJitQuiet(Duration least, Duration most) {
            return new Warmup(least, most, SLICE, JitActivity.ofThisJvm());
        }

        /** A second: long enough to see whether the compilers are still at work. */
        static final Duration SLICE = Duration.ofSeconds(1);
    }

    /** Runs {@code concurrency} clients for {@code warmup}, then measures them for {@code length}. */
    static Figures measure(String what, int concurrency, Duration warmup, Duration length, IntFunction<Call> calls)
            throws InterruptedException {
        return measure(what, concurrency, Warmup.fixed(warmup), length, calls);
    }

    /**
     * Runs {@code concurrency} clients for as long as {@code warmup} says, then measures them for {@code length}.
     *
     * @param calls makes client {@code i}'s call; each client has its own
     */
    public static Figures measure(String what, int concurrency, Warmup warmup, Duration length, IntFunction<Call> calls)
            throws InterruptedException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                concurrency, Thread.ofPlatform().name("load-", 0).daemon().factory());
        Tally tally = new Tally();
        try {
            List<Call> clients = new ArrayList<>(concurrency);
            for (int i = 0; i < concurrency; i++) {
                clients.add(calls.apply(i));
            }
            long warmupStarted = System.nanoTime();
            if (!warmup.least().isZero()) {
                run(pool, clients, warmup.least(), tally, true);
            }
            while (System.nanoTime() - warmupStarted + warmup.slice().toNanos()
                            <= warmup.most().toNanos()
                    && warmup.busy().getAsBoolean()) {
                run(pool, clients, warmup.slice(), tally, true);
            }
            long started = System.nanoTime();
            Histogram latency = run(pool, clients, length, tally, false);
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Figures(
                    what,
                    concurrency,
                    latency.getTotalCount(),
                    tally.measured(),
                    seconds,
                    (started - warmupStarted) / 1e9,
                    latency,
                    tally.kinds());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Histogram run(ExecutorService pool, List<Call> clients, Duration length, Tally tally, boolean warmup)
            throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        List<Future<Histogram>> futures = new ArrayList<>();
        for (Call call : clients) {
            futures.add(pool.submit(() -> {
                Histogram mine = new Histogram(3);
                long now = System.nanoTime();
                while (now - end < 0) {
                    try {
                        call.run();
                        long done = System.nanoTime();
                        mine.recordValue(Math.max(1, done - now));
                        now = done;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw e;
                    } catch (Exception e) {
                        tally.add(e, warmup);
                        now = System.nanoTime();
                    }
                }
                return mine;
            }));
        }
        Histogram all = new Histogram(3);
        for (Future<Histogram> f : futures) {
            try {
                all.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(
                        "a load client failed outside its calls: " + e.getCause(), e.getCause());
            }
        }
        return all;
    }

    /** The kind of a failure, as counted: "gRPC UNAVAILABLE", "HTTP 503", "not JSON", or the exception's class. */
    static String kindOf(Throwable e) {
        if (e instanceof StatusRuntimeException s) {
            return "gRPC " + s.getStatus().getCode();
        }
        if (e instanceof KindedFailure k) {
            return k.kind();
        }
        if (e instanceof RestPredict.RestException r) {
            return r.kind();
        }
        return e.getClass().getSimpleName();
    }

    private static String messageOf(Throwable e) {
        if (e instanceof StatusRuntimeException s) {
            return String.valueOf(s.getStatus().getDescription());
        }
        return String.valueOf(e.getMessage());
    }

    /** Failures counted from many threads. */
    private static final class Tally {
        private final Map<String, LongAdder[]> counts = new ConcurrentHashMap<>();
        private final Map<String, String> examples = new ConcurrentHashMap<>();

        void add(Throwable e, boolean warmup) {
            String kind = kindOf(e);
            counts.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder()})[warmup ? 0 : 1]
                    .increment();
            examples.putIfAbsent(kind, messageOf(e));
        }

        long measured() {
            return counts.values().stream().mapToLong(c -> c[1].sum()).sum();
        }

        List<ErrorKind> kinds() {
            Map<String, ErrorKind> out = new LinkedHashMap<>();
            counts.keySet().stream()
                    .sorted()
                    .forEach(kind -> out.put(
                            kind,
                            new ErrorKind(
                                    kind, counts.get(kind)[0].sum(), counts.get(kind)[1].sum(), examples.get(kind))));
            return List.copyOf(out.values());
        }
    }
}
