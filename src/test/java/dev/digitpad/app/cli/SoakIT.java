package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long run against {@code bin/digitpad serve} with the shipped model, as its own process, over real loopback
 * gRPC: after a warm-up, 200,000 Predict calls in a row from eight callers, each of which must be answered, and
 * answered right. The server's resident memory (VmRSS) may grow only by {@link #RSS_GROWTH_BOUND} between the end of
 * the warm-up and the end of the run.
 *
 * <p>Every tensor is closed: the {@code :digitpad:native_objects_open} gauge (JavaCPP's count of tensorflow-java's
 * native objects not yet freed) is scraped every {@link #SAMPLE_EVERY} during the run and must stay within
 * {@link #IN_FLIGHT_SLACK} of its value after the warm-up (what the calls in flight hold at that moment), and be
 * back at that value at the end. A tensor left open stays counted until the garbage collector finds it, which under
 * this load takes a second or more: one per call would put thousands on the gauge. (JavaCPP stops counting
 * altogether when its garbage collection is turned off, so that cannot be used to make the count exact.)
 */
class SoakIT {
    static final int WARM_UP_CALLS = 20_000;
    static final int CALLS = 200_000;
    /** Reported while running, to show how memory moves over the run. */
    static final int CALLS_PER_STEP = 20_000;

    static final int CALLERS = 8;
    /**
     * How much the server's resident memory may grow over the 200,000 calls after the warm-up, with the heap touched
     * in full at start. Measured on the 2-core build VM: 4.5 to 17 MiB, most of it in the first 20,000 calls and
     * then under 2 MiB over the rest (code, class metadata). A leak of one
     * 3 KiB input tensor per call would add about 600 MiB.
     */
    static final long RSS_GROWTH_BOUND = 64L << 20;

    static final String HEAP = "512m";
    /** How much the live heap (after a full collection) may grow over the same calls: measured 0.4 MiB (of 13 MiB). */
    static final long LIVE_HEAP_GROWTH_BOUND = 16L << 20;
    /** How often the native object count is read during the run. */
    static final Duration SAMPLE_EVERY = Duration.ofMillis(250);
    /** Native objects the calls in flight may hold at a scrape: measured at most 37 above the baseline. */
    static final long IN_FLIGHT_SLACK = 200;

    private static final Pattern NATIVE_OBJECTS = Pattern.compile("(?m)^:digitpad:native_objects_open (\\d+)$");
    private static final Pattern OK_CALLS =
            Pattern.compile("(?m)^:tensorflow:serving:request_count\\{model_name=\"mnist\",status=\"OK\"} (\\d+)$");

    @TempDir
    Path work;

    @Test
    void twoHundredThousandCallsKeepMemoryFlatAndCloseEveryTensor() throws Exception {
        Path monitoring = Files.writeString(
                work.resolve("monitoring.config"),
                "prometheus_config {\n  enable: true,\n  path: \"/monitoring/prometheus/metrics\"\n}\n");
        // No --model_base_path: the shipped model, as users run it. Looked for once, so nothing loads meanwhile. A
        // fixed
        // heap, touched in full at start: otherwise the heap's own sizing moves RSS by 16 to 130 MiB after the warm-up
        // (measured on the build VM), which says nothing about leaks. RSS growth is then what grows off the heap
        // (TensorFlow's and Netty's native memory, code, class metadata); the heap is checked on its own, as the
        // live data after a full collection.
        try (ServedProcess server = ServedProcess.start(
                work,
                Map.of("DIGITPAD_OPTS", "-Xms" + HEAP + " -Xmx" + HEAP + " -XX:+AlwaysPreTouch"),
                "--file_system_poll_wait_seconds=0",
                "--monitoring_config_file=" + monitoring,
                "--tensorflow_intra_op_parallelism=1",
                "--tensorflow_inter_op_parallelism=1")) {
            server.awaitServing(Duration.ofSeconds(60));
            ManagedChannel channel = server.channel();
            ExecutorService callers = Executors.newFixedThreadPool(
                    CALLERS, Thread.ofPlatform().name("soak-caller-", 0).factory());
            try {
                float[] image = TestModels.imageWithRow(4, 1.5f);
                PredictRequest request = Tensors.predictImages("mnist", image);
                PredictResponse first = PredictionServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .predict(request);
                float[] reference = Tensors.floats(first.getOutputsOrThrow("dense"));
                assertThat(reference).hasSize(TestModels.CLASSES);
                Run run = new Run(
                        channel, request, first.getModelSpec().getVersion().getValue(), reference);

                run.calls(callers, WARM_UP_CALLS);
                assertThat(run.failures).as("failed calls during the warm-up").isEmpty();
                long heapAfterWarmUp = liveHeapBytes(server);
                long rssAfterWarmUp = server.residentBytes();
                long nativeAfterWarmUp = scrape(server, NATIVE_OBJECTS);
                System.out.printf(
                        "soak: after %,d warm-up calls: RSS %.1f MiB, live heap %.1f MiB, %d native objects open%n",
                        WARM_UP_CALLS, mib(rssAfterWarmUp), mib(heapAfterWarmUp), nativeAfterWarmUp);

                long started = System.nanoTime();
                List<Long> rss = new ArrayList<>();
                List<Long> nativeDuringRun = new CopyOnWriteArrayList<>();
                AtomicBoolean running = new AtomicBoolean(true);
                Thread sampler = Thread.ofPlatform().name("soak-native-objects").start(() -> {
                    while (running.get()) {
                        try {
                            nativeDuringRun.add(scrape(server, NATIVE_OBJECTS));
                            Thread.sleep(SAMPLE_EVERY);
                        } catch (Exception e) {
                            return; // noticed below: too few samples
                        }
                    }
                });
                for (int done = 0; done < CALLS; done += CALLS_PER_STEP) {
                    run.calls(callers, CALLS_PER_STEP);
                    rss.add(server.residentBytes());
                    System.out.printf(
                            "soak: %,d calls after the warm-up: RSS %.1f MiB (%+.1f MiB)%n",
                            done + CALLS_PER_STEP, mib(rss.getLast()), mib(rss.getLast() - rssAfterWarmUp));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                running.set(false);
                sampler.join(Duration.ofSeconds(30));
                long nativeAtEnd = scrape(server, NATIVE_OBJECTS);
                long nativeMax = nativeDuringRun.stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(-1);
                long heapGrowth = liveHeapBytes(server) - heapAfterWarmUp;
                long growth = rss.getLast() - rssAfterWarmUp;
                long maxGrowth =
                        rss.stream().mapToLong(r -> r - rssAfterWarmUp).max().orElseThrow();
                System.out.printf(
                        "soak: %,d calls in %.1f s (%,.0f calls/s, %d callers); RSS growth %.1f MiB at the end,"
                                + " %.1f MiB at most (bound %d MiB); native objects open: %d after the warm-up, at most %d"
                                + " in %d samples during the run, %d at the end; live heap growth %.1f MiB (bound %d MiB)%n",
                        CALLS,
                        seconds,
                        CALLS / seconds,
                        CALLERS,
                        mib(growth),
                        mib(maxGrowth),
                        RSS_GROWTH_BOUND >> 20,
                        nativeAfterWarmUp,
                        nativeMax,
                        nativeDuringRun.size(),
                        nativeAtEnd,
                        mib(heapGrowth),
                        LIVE_HEAP_GROWTH_BOUND >> 20);

                assertThat(run.failures)
                        .as("failed calls (first ones; %d in all)", run.failed.get())
                        .isEmpty();
                assertThat(run.failed.get()).isZero();
                assertThat(run.answered.get()).isEqualTo(WARM_UP_CALLS + CALLS);
                assertThat(scrape(server, OK_CALLS))
                        .as("Predict calls the server counted as OK")
                        .isEqualTo(1 + WARM_UP_CALLS + CALLS);
                assertThat(growth)
                        .as("resident memory growth over %,d calls after the warm-up, in bytes", CALLS)
                        .isLessThanOrEqualTo(RSS_GROWTH_BOUND);
                assertThat(heapGrowth)
                        .as("growth of the live heap over %,d calls after the warm-up, in bytes", CALLS)
                        .isLessThanOrEqualTo(LIVE_HEAP_GROWTH_BOUND);
                assertThat(nativeDuringRun)
                        .as("native object counts read during the run")
                        .hasSizeGreaterThan(10)
                        .allSatisfy(n -> assertThat(n)
                                .as("native objects open during the run (baseline %d)", nativeAfterWarmUp)
                                .isLessThanOrEqualTo(nativeAfterWarmUp + IN_FLIGHT_SLACK));
                assertThat(nativeAtEnd)
                        .as("native objects open after the run, against after the warm-up (each call's"
                                + " tensors closed)")
                        .isLessThanOrEqualTo(nativeAfterWarmUp);
                assertThat(server.process.isAlive()).isTrue();
            } finally {
                callers.shutdownNow();
                callers.awaitTermination(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Calls shared out to the callers; every answer is checked against the first one. */
    private static final class Run {
        final PredictionServiceGrpc.PredictionServiceBlockingStub stub;
        final PredictRequest request;
        final long version;
        final float[] reference;
        final AtomicLong answered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        Run(ManagedChannel channel, PredictRequest request, long version, float[] reference) {
            this.stub = PredictionServiceGrpc.newBlockingStub(channel);
            this.request = request;
            this.version = version;
            this.reference = reference;
        }

        /** Makes {@code count} calls over all callers and waits for the last one. */
        void calls(ExecutorService callers, int count) throws Exception {
            AtomicInteger left = new AtomicInteger(count);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                done.add(callers.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        call();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        }

        private void call() {
            try {
                PredictResponse response =
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request);
                assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(version);
                float[] p = Tensors.floats(response.getOutputsOrThrow("dense"));
                assertThat(p).hasSize(reference.length);
                for (int k = 0; k < p.length; k++) {
                    assertThat(p[k]).as("probability of class %d", k).isCloseTo(reference[k], within(1e-6f));
                }
                answered.incrementAndGet();
            } catch (Throwable e) {
                if (failed.incrementAndGet() <= 5) {
                    failures.add(e.toString());
                }
            }
        }
    }

    private static long scrape(ServedProcess server, Pattern series) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + server.restPort + "/monitoring/prometheus/metrics"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Matcher m = series.matcher(response.body());
        assertThat(m.find()).as("%s in%n%s", series, response.body()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The server's live heap: {@code jcmd GC.run} (a full collection), then the used heap from {@code GC.heap_info}. */
    private static long liveHeapBytes(ServedProcess server) throws IOException, InterruptedException {
        jcmd(server, "GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(server, "GC.heap_info"));
        assertThat(used.find()).as("jcmd GC.heap_info names the used heap").isTrue();
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(ServedProcess server, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(server.process.pid()),
                        command)
                .redirectErrorStream(true)
                .start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor()).as("jcmd %s: %s", command, out).isZero();
        return out;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
