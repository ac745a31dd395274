package dev.digitpad.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.testing.FakeServable;
import dev.digitpad.testing.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * The bound on a version's runs: calls beyond it wait first come first served, a full queue is refused at once,
 * a waiting call whose deadline passes or whose caller goes away leaves unrun, and the bound holds for batches
 * and across a hot swap.
 */
class RunAdmissionTest {
    private static final String SIG = Servable.DEFAULT_SIGNATURE;

    @TempDir
    Path base;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<FakeServable> fakes = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        fakes.forEach(FakeServable::release);
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private RunAdmission admission(int maxConcurrentRuns, int maxQueuedRuns) {
        RunAdmission admission = new RunAdmission(new RunAdmission.Options(maxConcurrentRuns, maxQueuedRuns));
        toClose.add(admission);
        return admission;
    }

    private RunGate gate(int maxConcurrentRuns, int maxQueuedRuns) {
        return admission(maxConcurrentRuns, maxQueuedRuns).gate("model \"m\" version 1");
    }

    /** A loader of fakes, one per version, that the test can hold and release. */
    private ServableLoader fakeLoader() {
        return (model, version, dir) -> {
            FakeServable fake = new FakeServable();
            fakes.add(fake);
            return fake;
        };
    }

    private static ServingException failure(CompletableFuture<?> future) throws Exception {
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        assertThat(e).as("the call failed").isNotNull();
        assertThat(e.getCause()).isInstanceOf(ServingException.class);
        return (ServingException) e.getCause();
    }

    /** Limits whose caller goes away when the test says so. */
    private static final class Caller {
        private final AtomicBoolean gone = new AtomicBoolean();
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

        RunLimits limits() {
            return new RunLimits(Optional.empty(), gone::get, listeners::add);
        }

        void goAway() {
            gone.set(true);
            listeners.forEach(Runnable::run);
        }
    }

    @Test
    void aCallWithASlotFreeRunsAtOnceOnTheCallersThread() throws Exception {
        RunGate gate = gate(1, 0);

        CompletableFuture<Thread> ranOn = gate.submit(RunLimits.NONE, Thread::currentThread, () -> {});

        assertThat(ranOn).isCompletedWithValue(Thread.currentThread());
        assertThat(gate.running()).isZero();
    }

    @Test
    void aGateAnswersBrieflyOnlyWhenIdleAndItsRunsHaveBeenBrief() throws Exception {
        RunGate gate = gate(2, 4);
        long brief = Servable.BRIEF_RUN_NANOS;
        assertThat(gate.idleWithBriefRuns(brief))
                .as("before any run: not known")
                .isFalse();

        gate.submit(RunLimits.NONE, () -> 1, () -> {}).join();
        assertThat(gate.idleWithBriefRuns(brief)).as("after a brief run").isTrue();

        var holding = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> gate.submit(
                        RunLimits.NONE,
                        () -> {
                            holding.countDown();
                            await(release);
                            try {
                                Thread.sleep(50); // a run of 50 ms at least: slow, whatever the machine
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return 2;
                        },
                        () -> {})
                .join());
        await(holding);
        assertThat(gate.idleWithBriefRuns(brief)).as("while a run is going on").isFalse();
        release.countDown();
        held.get(30, TimeUnit.SECONDS);
        // The held run was long: one such run is enough to say no.
        assertThat(gate.idleWithBriefRuns(brief)).as("after a slow run").isFalse();

        for (int i = 0; i < 40; i++) {
            gate.submit(RunLimits.NONE, () -> 1, () -> {}).join();
        }
        assertThat(gate.idleWithBriefRuns(brief))
                .as("after many brief runs again")
                .isTrue();
    }

    @Test
    void aLargeRequestIsNeverCountedBrief() throws Exception {
        RunGate gate = gate(1, 0);
        gate.submit(RunLimits.NONE, () -> 1, () -> {}).join();
        AdmittedServable servable = new AdmittedServable(new FakeServable(), gate);

        assertThat(servable.answersBrieflyNow(3 * 1024))
                .as("a 28x28 float image")
                .isTrue();
        assertThat(servable.answersBrieflyNow(AdmittedServable.BRIEF_INPUT_BYTES + 1))
                .isFalse();
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not reached within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void callsBeyondTheBoundWaitAndRunFirstComeFirstServed() throws Exception {
        RunGate gate = gate(1, 10);
        assertThat(gate.tryAcquire()).as("the test holds the only slot").isTrue();
        List<String> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            calls.add(gate.submit(
                    RunLimits.NONE,
                    () -> {
                        order.add(name);
                        return name;
                    },
                    () -> {}));
        }
        assertThat(gate.queued()).isEqualTo(4);
        assertThat(order).as("nothing runs while the slot is held").isEmpty();
        assertThat(gate.tryAcquire())
                .as("a second taker does not jump the queue")
                .isFalse();

        gate.release();

        for (CompletableFuture<String> call : calls) {
            call.get(30, TimeUnit.SECONDS);
        }
        assertThat(order).containsExactly("a", "b", "c", "d");
        assertThat(gate.running()).isZero();
        assertThat(gate.stats()).isEqualTo(new RunGate.Stats(1, 4, 0, 0, 0));
    }

    @Test
    void aFullQueueIsRefusedAtOnceWithUnavailable() throws Exception {
        RunGate gate = gate(1, 2);
        assertThat(gate.tryAcquire()).isTrue();
        AtomicBoolean refusedRan = new AtomicBoolean();
        var first = gate.submit(RunLimits.NONE, () -> "first", () -> {});
        var second = gate.submit(RunLimits.NONE, () -> "second", () -> {});

        var third = gate.submit(
                RunLimits.NONE,
                () -> {
                    refusedRan.set(true);
                    return "third";
                },
                () -> {});

        assertThat(third).isCompletedExceptionally();
        ServingException e = failure(third);
        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(e.getMessage())
                .isEqualTo("The server is overloaded: model \"m\" version 1 is already running 1 calls"
                        + " and 2 more are waiting (--max_concurrent_runs, --max_queued_runs). Retry with backoff, or give the"
                        + " server more replicas or a faster model.");
        gate.release();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(refusedRan).isFalse();
        assertThat(gate.stats().refused()).isEqualTo(1);
    }

    @Test
    void aQueueOfZeroRefusesEveryCallThatFindsNoSlot() throws Exception {
        RunGate gate = gate(1, 0);
        assertThat(gate.tryAcquire()).isTrue();

        assertThat(failure(gate.submit(RunLimits.NONE, () -> "x", () -> {})).code())
                .isEqualTo(Code.UNAVAILABLE);
    }

    @Test
    void aWaitingCallWhoseCallerGoesAwayLeavesTheQueueAtOnceAndIsNeverRun() throws Exception {
        RunGate gate = gate(1, 1);
        assertThat(gate.tryAcquire()).isTrue();
        Caller caller = new Caller();
        AtomicBoolean ran = new AtomicBoolean();
        var call = gate.submit(
                caller.limits(),
                () -> {
                    ran.set(true);
                    return "ran";
                },
                () -> {});

        caller.goAway();

        ServingException e = failure(call);
        assertThat(e.code()).isEqualTo(Code.CANCELLED);
        assertThat(e.getMessage())
                .startsWith("the caller went away while the call waited")
                .endsWith(" for model \"m\" version 1 to be free; it was not run");
        assertThat(gate.queued()).as("its place is free again").isZero();
        var next = gate.submit(RunLimits.NONE, () -> "next", () -> {});
        gate.release();
        assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo("next");
        assertThat(ran).isFalse();
        assertThat(gate.stats().cancelled()).isEqualTo(1);
    }

    @Test
    void aCallWhoseCallerHasGoneBeforeItWouldWaitIsNotQueued() throws Exception {
        RunGate gate = gate(1, 1);
        assertThat(gate.tryAcquire()).isTrue();
        RunLimits gone = new RunLimits(Optional.empty(), () -> true); // cannot be listened to, only asked

        assertThat(failure(gate.submit(gone, () -> "ran", () -> {})).code()).isEqualTo(Code.CANCELLED);
        assertThat(gate.queued()).isZero();
    }

    @Test
    void aWaitingCallWhoseDeadlinePassesIsDeadlineExceededAndNeverRun() throws Exception {
        RunGate gate = gate(1, 4);
        assertThat(gate.tryAcquire()).isTrue();
        AtomicBoolean ran = new AtomicBoolean();

        var call = gate.submit(
                RunLimits.within(Duration.ofMillis(50)),
                () -> {
                    ran.set(true);
                    return "ran";
                },
                () -> {});

        ServingException e = failure(call); // answered at its deadline, while the slot is still held
        assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
        assertThat(e.getMessage())
                .startsWith("the deadline passed while the call waited ")
                .contains(" for model \"m\" version 1 to be free (1 calls were running); it was not run.");
        assertThat(gate.queued()).isZero();
        gate.release();
        assertThat(gate.submit(RunLimits.NONE, () -> "next", () -> {}).get(30, TimeUnit.SECONDS))
                .isEqualTo("next");
        assertThat(ran).isFalse();
        assertThat(gate.stats().expired()).isEqualTo(1);
    }

    @Test
    void aBadRequestFailsAtOnceInsteadOfWaitingForItsTurn() throws Exception {
        ServableLoader loader = admission(1, 4).limiting(fakeLoader());
        Servable servable = loader.load("fake", 1, base);
        toClose.add(servable);
        var held = CompletableFuture.supplyAsync(
                () -> servable.predict(SIG, FakeServable.rows(1, FakeServable.HOLD, true), List.of(), RunLimits.NONE));
        fakes.getFirst().awaitHolding();

        var bad = servable.predictAsync(
                SIG, Map.of("x", Tensors.floatVal(new long[] {1, 3}, 1, 2, 3)), List.of(), RunLimits.NONE);

        assertThat(bad).isCompletedExceptionally();
        assertThat(failure(bad).code()).isEqualTo(Code.INVALID_ARGUMENT);
        fakes.getFirst().release();
        assertThat(Tensors.floats(held.get(30, TimeUnit.SECONDS).get("y"))).containsExactly(0, 0);
    }

    @Test
    void unloadingRefusesTheCallsStillWaiting() throws Exception {
        RunGate gate = gate(1, 4);
        assertThat(gate.tryAcquire()).isTrue();
        var waiting = gate.submit(RunLimits.NONE, () -> "ran", () -> {});

        gate.close();

        ServingException e = failure(waiting);
        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(e.getMessage()).startsWith("model \"m\" version 1 was unloaded before the call ran; retry");
        assertThat(failure(gate.submit(RunLimits.NONE, () -> "ran", () -> {})).code())
                .isEqualTo(Code.UNAVAILABLE);
    }

    /**
     * With batching, a batch takes a run slot of its version before it runs and otherwise waits in its batch queue:
     * while version 1's only slot is held, its next batch stays queued although a batch thread is free, and that
     * thread runs version 2's batch, queued later, meanwhile.
     */
    @Test
    void aBatchRunsOnlyWithARunSlotOfItsVersion() throws Exception {
        BatchScheduler scheduler = new BatchScheduler(new BatchingOptions(1, 0, 10, 2));
        toClose.add(scheduler);
        ServableLoader loader = scheduler.batching(admission(1, 4).limiting(fakeLoader()));
        Servable v1 = loader.load("fake", 1, base);
        Servable v2 = loader.load("fake", 2, base);
        toClose.add(v1);
        toClose.add(v2);
        var held = v1.predictAsync(SIG, FakeServable.rows(1, FakeServable.HOLD, true), List.of(), RunLimits.NONE);
        fakes.get(0).awaitHolding();

        var second = v1.predictAsync(SIG, FakeServable.rows(1, 5, true), List.of(), RunLimits.NONE);
        var other = v2.predictAsync(SIG, FakeServable.rows(1, 7, true), List.of(), RunLimits.NONE);

        assertThat(Tensors.floats(other.get(30, TimeUnit.SECONDS).get("y"))).containsExactly(8, 8);
        assertThat(second).as("version 1's second batch waits for its slot").isNotDone();
        assertThat(scheduler.queuedRequests()).isEqualTo(1);
        assertThat(fakes.get(0).runs()).hasSize(1);
        fakes.get(0).release();
        assertThat(Tensors.floats(second.get(30, TimeUnit.SECONDS).get("y"))).containsExactly(6, 6);
        assertThat(Tensors.floats(held.get(30, TimeUnit.SECONDS).get("y"))).containsExactly(0, 0);
    }

    /**
     * Each version has its own bound, and a call waiting on the old version keeps it loaded (through its lease)
     * until it has run there; meanwhile new calls go to the new version and run at once.
     */
    @Test
    void eachVersionHasItsOwnBoundAndAWaitingCallKeepsItsVersionUntilItRan() throws Exception {
        for (long v : new long[] {1}) {
            Files.createDirectories(base.resolve(v + ""));
            Files.writeString(base.resolve(v + "/saved_model.pb"), "unused");
        }
        ModelManager manager = new ModelManager(
                List.of(new ModelConfig("fake", base)), admission(1, 4).limiting(fakeLoader()), Duration.ZERO);
        toClose.add(manager);
        manager.pollNow();
        Map<String, CompletableFuture<Map<String, TensorProto>>> calls = new ConcurrentHashMap<>();
        Lease heldLease = manager.acquire("fake", OptionalLong.empty());
        calls.put(
                "held",
                CompletableFuture.supplyAsync(() -> heldLease
                        .servable()
                        .predict(SIG, FakeServable.rows(1, FakeServable.HOLD, true), List.of(), RunLimits.NONE)));
        fakes.get(0).awaitHolding();
        Lease waitingLease = manager.acquire("fake", OptionalLong.empty());
        calls.put(
                "waiting",
                waitingLease.servable().predictAsync(SIG, FakeServable.rows(1, 3, true), List.of(), RunLimits.NONE));
        calls.get("waiting").whenComplete((r, e) -> waitingLease.close());
        calls.get("held").whenComplete((r, e) -> heldLease.close());

        Files.createDirectories(base.resolve("2"));
        Files.writeString(base.resolve("2/saved_model.pb"), "unused");
        manager.pollNow();
        try (Lease v2 = manager.acquire("fake", OptionalLong.empty())) {
            assertThat(v2.version()).isEqualTo(2);
            assertThat(Tensors.floats(v2.servable()
                            .predict(SIG, FakeServable.rows(1, 9, true), List.of(), RunLimits.NONE)
                            .get("y")))
                    .as("version 2 answers at once, though version 1 is full")
                    .containsExactly(10, 10);
        }
        assertThat(calls.get("waiting")).isNotDone();
        fakes.get(0).release();

        assertThat(Tensors.floats(calls.get("waiting").get(30, TimeUnit.SECONDS).get("y")))
                .containsExactly(4, 4);
        assertThat(fakes.get(0).runs())
                .as("version 1 ran the call that waited for it")
                .hasSize(2);
        assertThat(fakes.get(1).runs()).hasSize(1);
    }
}
