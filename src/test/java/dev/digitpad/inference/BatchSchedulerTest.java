package dev.digitpad.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.digitpad.testing.FakeServable;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * The batch scheduler's rules, on a servable whose runs the test watches and holds: how batches form, when they
 * run, how they are split back, and how a full queue, a deadline and a cancellation are answered.
 */
class BatchSchedulerTest {
    private static final String SIG = Servable.DEFAULT_SIGNATURE;

    private BatchScheduler scheduler;
    private FakeServable fake;
    private Servable batched;

    private void start(int maxBatchSize, long timeoutMicros, int maxEnqueued, int threads) {
        scheduler = new BatchScheduler(new BatchingOptions(maxBatchSize, timeoutMicros, maxEnqueued, threads));
        fake = new FakeServable();
        batched = scheduler.batching((model, version, dir) -> fake).load("fake", 1, Path.of("unused"));
    }

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.release();
        }
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private CompletableFuture<Map<String, TensorProto>> send(int rows, float value, boolean content, RunLimits limits) {
        return batched.predictAsync(SIG, FakeServable.rows(rows, value, content), List.of(), limits);
    }

    private static ServingException failure(CompletableFuture<?> future) throws Exception {
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        assertThat(e).as("the request failed").isNotNull();
        assertThat(e.getCause()).isInstanceOf(ServingException.class);
        return (ServingException) e.getCause();
    }

    @Test
    void requestsOfMixedSizesAndEncodingsRunAsOneBatchAndEachGetsItsOwnRows() throws Exception {
        start(6, 5_000_000, 10, 1); // a timeout far away: the batch runs because it is full

        var one = send(1, 10, true, RunLimits.NONE);
        var two = send(2, 20, false, RunLimits.NONE);
        var three = send(3, 30, true, RunLimits.NONE);

        assertThat(floats(one)).containsExactly(11, 11);
        assertThat(floats(two)).containsExactly(21, 21, 21, 21);
        assertThat(floats(three)).containsExactly(31, 31, 31, 31, 31, 31);
        assertThat(Tensors.dims(three.get().get("y"))).containsExactly(3, FakeServable.WIDTH);
        assertThat(fake.runs()).hasSize(1);
        assertThat(fake.runs().getFirst()).containsExactly(10, 10, 20, 20, 20, 20, 30, 30, 30, 30, 30, 30);
        assertThat(scheduler.stats()).isEqualTo(new BatchScheduler.Stats(1, 3, 6, 0));
    }

    private static float[] floats(CompletableFuture<Map<String, TensorProto>> answer) throws Exception {
        return Tensors.floats(answer.get(30, TimeUnit.SECONDS).get("y"));
    }

    @Test
    void theTimeoutRunsAPartialBatch() throws Exception {
        start(32, 300_000, 10, 1);
        long sent = System.nanoTime();

        var a = send(1, 1, true, RunLimits.NONE);
        var b = send(2, 2, false, RunLimits.NONE);
        var c = send(1, 3, true, RunLimits.NONE);

        assertThat(floats(a)).containsExactly(2, 2);
        assertThat(floats(b)).containsExactly(3, 3, 3, 3);
        assertThat(floats(c)).containsExactly(4, 4);
        // One batch of 4 rows, far from full, run once the 300 ms after its first request had passed.
        assertThat(fake.runs()).hasSize(1);
        assertThat(fake.runs().getFirst()).hasSize(4 * FakeServable.WIDTH);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aRequestThatDoesNotFitClosesTheBatchAndOpensTheNext() throws Exception {
        start(4, 5_000_000, 10, 1);

        var first = send(3, 1, true, RunLimits.NONE);
        var second = send(2, 2, true, RunLimits.NONE); // 3 + 2 > 4: the first batch is closed and runs
        var third = send(2, 3, false, RunLimits.NONE); // fills the second batch: it runs too

        assertThat(floats(first)).containsExactly(2, 2, 2, 2, 2, 2);
        assertThat(floats(second)).containsExactly(3, 3, 3, 3);
        assertThat(floats(third)).containsExactly(4, 4, 4, 4);
        assertThat(fake.runs()).hasSize(2);
        assertThat(scheduler.stats().rows()).isEqualTo(7);
    }

    @Test
    void aFullQueueIsRefusedAtOnceWithUnavailable() throws Exception {
        start(1, 0, 1, 1);
        var held = send(1, FakeServable.HOLD, true, RunLimits.NONE);
        fake.awaitHolding(); // the only batch thread is busy
        var queued = send(1, 5, true, RunLimits.NONE); // the one batch the queue may hold

        var refused = send(1, 6, true, RunLimits.NONE);

        // Answered before anything ran: the thread is still held.
        assertThat(refused).isCompletedExceptionally();
        ServingException e = failure(refused);
        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(e.getMessage()).contains("is full").contains("max_enqueued_batches");
        assertThat(held).isNotDone();
        assertThat(scheduler.stats().refused()).isEqualTo(1);

        fake.release();
        assertThat(floats(held)).containsExactly(0, 0);
        assertThat(floats(queued)).containsExactly(6, 6);
        assertThat(fake.runs()).hasSize(2);
    }

    @Test
    void aRequestWhoseDeadlinePassesWhileQueuedIsAnsweredDeadlineExceededAndNotRun() throws Exception {
        start(1, 0, 10, 1);
        var held = send(1, FakeServable.HOLD, true, RunLimits.NONE);
        fake.awaitHolding();

        var late = send(1, 7, true, RunLimits.within(Duration.ofMillis(200)));

        ServingException e = failure(late); // at its deadline, while the thread is still held
        assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("was not run");
        assertThat(held).isNotDone();
        fake.release();
        held.get(30, TimeUnit.SECONDS);
        scheduler.close();
        assertThat(fake.runs()).hasSize(1).noneMatch(run -> run[0] == 7);
    }

    @Test
    void aRequestWhoseCallerWentAwayWhileQueuedIsNotRun() throws Exception {
        start(1, 0, 10, 1);
        var held = send(1, FakeServable.HOLD, true, RunLimits.NONE);
        fake.awaitHolding();
        AtomicBoolean gone = new AtomicBoolean();
        var abandoned = send(1, 8, true, new RunLimits(Optional.empty(), gone::get));
        gone.set(true);

        fake.release();

        assertThat(failure(abandoned).code()).isEqualTo(Code.CANCELLED);
        held.get(30, TimeUnit.SECONDS);
        assertThat(fake.runs()).hasSize(1).noneMatch(run -> run[0] == 8);
    }

    @Test
    void aRequestLargerThanMaxBatchSizeIsRefused() throws Exception {
        start(4, 0, 10, 1);

        ServingException e = failure(send(5, 1, true, RunLimits.NONE));

        assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("Task size 5 is larger than maximum input batch size 4");
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void aBadRequestFailsAloneBeforeItIsQueued() throws Exception {
        start(4, 5_000_000, 10, 1);
        Map<String, TensorProto> wrongShape = Map.of("x", Tensors.floatVal(new long[] {1, 3}, 1, 2, 3));

        ServingException e = failure(batched.predictAsync(SIG, wrongShape, List.of(), RunLimits.NONE));

        assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("\"x\"").contains("[-1,2]");
        assertThat(scheduler.stats().requests()).isZero();
    }

    @Test
    void aSignatureWithoutABatchDimensionRunsAtOnceOnItsOwn() throws Exception {
        scheduler = new BatchScheduler(new BatchingOptions(8, 5_000_000, 10, 1));
        fake = new FakeServable();
        SignatureDef fixed = FakeServable.signature().toBuilder()
                .putInputs(
                        "x",
                        FakeServable.signature().getInputsOrThrow("x").toBuilder()
                                .setTensorShape(Tensors.shape(1, 2))
                                .build())
                .build();
        Servable fixedShape = new Servable() {
            @Override
            public Map<String, SignatureDef> signatures() {
                return Map.of(SIG, fixed);
            }

            @Override
            public Map<String, TensorProto> predict(
                    String k, Map<String, TensorProto> in, List<String> f, RunLimits l) {
                return fake.predict(k, in, f, l);
            }

            @Override
            public void close() {}
        };
        batched = scheduler.batching((m, v, d) -> fixedShape).load("fixed", 1, Path.of("unused"));

        var answer = batched.predictAsync(SIG, FakeServable.rows(1, 4, true), List.of(), RunLimits.NONE);

        assertThat(answer).isCompleted(); // run on the calling thread, not held for the 5 s timeout
        assertThat(floats(answer)).containsExactly(5, 5);
        assertThat(scheduler.stats().batches()).isZero();
    }

    @Test
    void stringTensorsAreJoinedAndSplitLikeAnyOther(@TempDir Path dir) throws Exception {
        Path version = TestModels.writeVersion(dir, 1, TestModels.Kind.STRINGS);
        scheduler = new BatchScheduler(new BatchingOptions(4, 5_000_000, 10, 1));
        try (SavedModelServable model = SavedModelServable.load(version)) {
            batched = scheduler.batching((m, v, d) -> model).load("strings", 1, version);

            var first = batched.predictAsync(SIG, Map.of("text", strings(2, "a", "bb")), List.of(), RunLimits.NONE);
            // One value standing for both rows, as TensorFlow allows.
            var second = batched.predictAsync(SIG, Map.of("text", strings(2, "ccc")), List.of(), RunLimits.NONE);

            Map<String, TensorProto> one = first.get(30, TimeUnit.SECONDS);
            Map<String, TensorProto> two = second.get(30, TimeUnit.SECONDS);
            assertThat(one.get("text_bytes").getStringValList())
                    .containsExactly(ByteString.copyFromUtf8("a"), ByteString.copyFromUtf8("bb"));
            assertThat(one.get("length").getIntValList()).containsExactly(1, 2);
            assertThat(two.get("echo").getStringValList())
                    .containsExactly(ByteString.copyFromUtf8("ccc"), ByteString.copyFromUtf8("ccc"));
            assertThat(Tensors.dims(two.get("echo"))).containsExactly(2);
            assertThat(two.get("length").getIntValList()).containsExactly(3, 3);
            assertThat(model.runCount()).isEqualTo(1);
            assertThat(scheduler.stats()).isEqualTo(new BatchScheduler.Stats(1, 2, 4, 0));
        }
    }

    private static TensorProto strings(long rows, String... values) {
        TensorProto.Builder t = TensorProto.newBuilder()
                .setDtype(org.tensorflow.proto.DataType.DT_STRING)
                .setTensorShape(Tensors.shape(rows));
        for (String v : values) {
            t.addStringVal(ByteString.copyFromUtf8(v));
        }
        return t.build();
    }

    @Test
    void closingRefusesWhatIsStillQueued() throws Exception {
        start(8, 60_000_000, 10, 1);
        var waiting = send(1, 1, true, RunLimits.NONE);

        scheduler.close();

        ServingException e = failure(waiting);
        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(e.getMessage()).contains("shutting down");
        assertThat(failure(send(1, 1, true, RunLimits.NONE)).code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void concurrentCallersAllGetTheirOwnAnswers() throws Exception {
        start(16, 2_000, 100, 2);
        int threads = 8;
        int perThread = 50;
        List<java.util.concurrent.Future<Integer>> callers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                callers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int rows = 1 + (id + i) % 3;
                        float value = id * 1000 + i;
                        Map<String, TensorProto> answer = batched.predict(
                                SIG,
                                FakeServable.rows(rows, value, i % 2 == 0),
                                List.of(),
                                RunLimits.within(Duration.ofSeconds(30)));
                        float[] y = Tensors.floats(answer.get("y"));
                        assertThat(y)
                                .as("caller %d, request %d", id, i)
                                .hasSize(rows * FakeServable.WIDTH)
                                .containsOnly(value + 1);
                    }
                    return perThread;
                }));
            }
            for (var caller : callers) {
                assertThat(caller.get(60, TimeUnit.SECONDS)).isEqualTo(perThread);
            }
        }

        BatchScheduler.Stats stats = scheduler.stats();
        assertThat(stats.requests()).isEqualTo(threads * perThread);
        assertThat(stats.batches()).as("some requests shared a batch").isLessThan(stats.requests());
    }
}
