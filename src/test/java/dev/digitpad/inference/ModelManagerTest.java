package dev.digitpad.inference;

import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.images;
import static dev.digitpad.testing.Tensors.predictImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/**
 * The version life cycle as TensorFlow Serving users rely on it: the latest numeric version is served, a new
 * one is swapped in with no failed call, the old one is unloaded only after its last call, a broken version
 * leaves the current one serving, and odd directories are skipped.
 */
class ModelManagerTest {
    @TempDir
    Path base;

    private ModelManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private ModelManager manager(Path basePath) {
        manager = new ModelManager(
                List.of(new ModelConfig("mnist", basePath)), ServableLoader.savedModels(), Duration.ZERO);
        return manager;
    }

    private long servedVersion() {
        try (Lease lease = manager.acquire("mnist", OptionalLong.empty())) {
            return lease.version();
        }
    }

    private VersionStatus status(long version) {
        List<VersionStatus> statuses = manager.status("mnist", OptionalLong.of(version));
        assertThat(statuses).hasSize(1);
        return statuses.get(0);
    }

    private static void assertAnswer(float[] probabilities, float[] image, long version) {
        double[] expected = TestModels.expectedProbabilities(image, version);
        assertThat(probabilities).hasSize(TestModels.CLASSES);
        for (int k = 0; k < TestModels.CLASSES; k++) {
            assertThat((double) probabilities[k])
                    .as("class %d of version %d", k, version)
                    .isCloseTo(expected[k], within(1e-5));
        }
    }

    @Test
    void hotSwapUnderLoadFailsNoCallAndMovesEveryNewCallToTheNewVersion() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base).pollNow();
        ServingCore core = new ServingCore(manager);

        int threads = 4;
        int v2AnswersPerThread = 20;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean swapped = new AtomicBoolean();
        CountDownLatch allAnsweredByV1 = new CountDownLatch(threads);
        CountDownLatch allAnsweredByV2 = new CountDownLatch(threads);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong v1Answers = new AtomicLong();
        AtomicLong v2Answers = new AtomicLong();
        AtomicLong v1AnswersToCallsStartedAfterSwap = new AtomicLong();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            float[] image = TestModels.imageWithRow(t, 1f + t);
            callers.add(Thread.ofPlatform().name("caller-" + t).start(() -> {
                boolean firstV1 = true;
                int fromV2 = 0;
                while (!stop.get()) {
                    boolean startedAfterSwap = swapped.get();
                    try {
                        PredictResponse response = core.predict(predictImages("mnist", image), RunLimits.NONE);
                        long version = response.getModelSpec().getVersion().getValue();
                        assertAnswer(floats(response.getOutputsOrThrow("dense")), image, version);
                        if (version == 1) {
                            v1Answers.incrementAndGet();
                            if (startedAfterSwap) {
                                v1AnswersToCallsStartedAfterSwap.incrementAndGet();
                            }
                            if (firstV1) {
                                firstV1 = false;
                                allAnsweredByV1.countDown();
                            }
                        } else if (version == 2) {
                            v2Answers.incrementAndGet();
                            if (++fromV2 == v2AnswersPerThread) {
                                allAnsweredByV2.countDown();
                            }
                        } else {
                            throw new AssertionError("answered by unexpected version " + version);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                        if (failures.size() > 20) {
                            return;
                        }
                    }
                }
            }));
        }
        try {
            assertThat(allAnsweredByV1.await(60, TimeUnit.SECONDS))
                    .as("every caller got an answer from version 1")
                    .isTrue();

            TestModels.writeVersion(base, 2, Kind.MNIST);
            manager.pollNow();
            swapped.set(true);

            assertThat(allAnsweredByV2.await(60, TimeUnit.SECONDS))
                    .as("every caller moved to version 2")
                    .isTrue();
        } finally {
            stop.set(true);
            for (Thread t : callers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }

        assertThat(failures).isEmpty();
        assertThat(v1Answers.get()).isPositive();
        assertThat(v2Answers.get()).isGreaterThanOrEqualTo((long) threads * v2AnswersPerThread);
        assertThat(v1AnswersToCallsStartedAfterSwap.get())
                .as("calls that started after the swap but got version 1")
                .isZero();
        assertThat(status(2).state()).isEqualTo(VersionState.AVAILABLE);
        assertThat(status(1).state()).isEqualTo(VersionState.END);
        assertThat(status(1).error()).isEmpty();
    }

    @Test
    void theOldVersionEndsOnlyAfterItsLastLeaseCloses() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base).pollNow();
        float[] image = TestModels.imageWithRow(4, 2f);

        try (Lease held = manager.acquire("mnist", OptionalLong.empty())) {
            assertThat(held.version()).isEqualTo(1);

            TestModels.writeVersion(base, 2, Kind.MNIST);
            manager.pollNow();

            assertThat(servedVersion()).isEqualTo(2);
            assertThat(status(2).state()).isEqualTo(VersionState.AVAILABLE);
            assertThat(status(1).state()).isEqualTo(VersionState.UNLOADING);
            // The held version still answers, with its own values.
            Map<String, org.tensorflow.proto.TensorProto> out = held.servable()
                    .predict(
                            Servable.DEFAULT_SIGNATURE,
                            Map.of("flatten_input", images(image)),
                            List.of(),
                            RunLimits.NONE);
            assertAnswer(floats(out.get("dense")), image, 1);
        }

        assertThat(status(1).state()).isEqualTo(VersionState.END);
        assertThat(status(1).error()).isEmpty();
    }

    @Test
    void aVersionThatFailsToLoadLeavesTheCurrentOneServing() throws Exception {
        TestModels.writeVersion(base, 2, Kind.MNIST);
        manager(base).pollNow();

        Path broken = TestModels.writeGarbageVersion(base, 3);
        manager.pollNow();

        assertThat(servedVersion()).isEqualTo(2);
        assertThat(manager.isAvailable("mnist")).isTrue();
        assertThat(status(2).state()).isEqualTo(VersionState.AVAILABLE);
        VersionStatus v3 = status(3);
        assertThat(v3.state()).isEqualTo(VersionState.END);
        assertThat(v3.error()).hasValueSatisfying(e -> {
            assertThat(e.code()).isNotEqualTo(Code.OK);
            assertThat(e.getMessage()).contains(broken.toString());
        });

        manager.pollNow(); // the same broken files are not loaded again, and change nothing

        assertThat(servedVersion()).isEqualTo(2);
        assertThat(status(3).state()).isEqualTo(VersionState.END);
    }

    @Test
    void aFailedVersionIsRetriedOnceItsFilesChange() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base).pollNow();
        Path broken = TestModels.writeGarbageVersion(base, 2);
        manager.pollNow();
        assertThat(status(2).error()).isPresent();

        // The deployer replaces the broken version with a good one.
        TestModels.deleteVersion(broken);
        TestModels.writeVersion(base, 2, Kind.MNIST);
        manager.pollNow();

        assertThat(servedVersion()).isEqualTo(2);
        assertThat(status(2).state()).isEqualTo(VersionState.AVAILABLE);
        assertThat(status(2).error()).isEmpty();
        assertThat(status(1).state()).isEqualTo(VersionState.END);
    }

    @Test
    void aHigherGoodVersionReplacesTheCurrentOneAfterAFailedOne() throws Exception {
        TestModels.writeVersion(base, 2, Kind.MNIST);
        manager(base).pollNow();
        TestModels.writeGarbageVersion(base, 3);
        manager.pollNow();

        TestModels.writeVersion(base, 4, Kind.MNIST);
        manager.pollNow();

        assertThat(servedVersion()).isEqualTo(4);
        assertThat(status(3).state()).isEqualTo(VersionState.END);
        assertThat(status(3).error()).isPresent();
        assertThat(status(2).state()).isEqualTo(VersionState.END);
    }

    @Test
    void aLoaderThatThrowsAnythingIsRecordedAsAFailedLoad() throws Exception {
        Files.createDirectories(base.resolve("1"));
        Files.writeString(base.resolve("1/saved_model.pb"), "unused");
        manager = new ModelManager(
                List.of(new ModelConfig("mnist", base)),
                (model, version, dir) -> {
                    throw new IllegalStateException("disk on fire");
                },
                Duration.ZERO);

        manager.pollNow();

        VersionStatus v1 = status(1);
        assertThat(v1.state()).isEqualTo(VersionState.END);
        assertThat(v1.error()).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo(Code.UNKNOWN);
            assertThat(e.getMessage()).contains("disk on fire");
        });
        ServingException e =
                catchThrowableOfType(ServingException.class, () -> manager.acquire("mnist", OptionalLong.empty()));
        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    }

    @Test
    void nonNumericAndIncompleteDirectoriesAreSkipped() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        TestModels.export(base.resolve("tmp"), 9, Kind.MNIST); // a real SavedModel, but not a version
        TestModels.export(base.resolve("v2"), 9, Kind.MNIST);
        Files.createDirectories(base.resolve("5")); // a version still being copied: no saved_model.pb yet
        Files.writeString(base.resolve("7"), "a file, not a directory");

        manager(base).pollNow();

        assertThat(servedVersion()).isEqualTo(1);
        assertThat(manager.status("mnist", OptionalLong.empty()))
                .extracting(VersionStatus::version)
                .containsExactly(1L);
        assertThat(status(1).state()).isEqualTo(VersionState.AVAILABLE);
    }

    @Test
    void anUnknownModelIsNotFound() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base).pollNow();

        ServingException latest =
                catchThrowableOfType(ServingException.class, () -> manager.acquire("nope", OptionalLong.empty()));
        ServingException specific =
                catchThrowableOfType(ServingException.class, () -> manager.acquire("nope", OptionalLong.of(3)));
        ServingException status =
                catchThrowableOfType(ServingException.class, () -> manager.status("nope", OptionalLong.empty()));

        assertThat(latest.code()).isEqualTo(Code.NOT_FOUND);
        assertThat(latest.getMessage()).isEqualTo("Servable not found for request: Latest(nope)");
        assertThat(specific.code()).isEqualTo(Code.NOT_FOUND);
        assertThat(specific.getMessage()).isEqualTo("Servable not found for request: Specific(nope, 3)");
        assertThat(status.code()).isEqualTo(Code.NOT_FOUND);
        assertThat(manager.isAvailable("nope")).isFalse();
    }

    @Test
    void aBasePathWithoutVersionsIsUnavailableAndSaysWhereToPutOne() throws Exception {
        manager(base).pollNow();

        ServingException e =
                catchThrowableOfType(ServingException.class, () -> manager.acquire("mnist", OptionalLong.empty()));

        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(e.getMessage()).contains(base.toString());
        assertThat(manager.isAvailable("mnist")).isFalse();
    }

    @Test
    void aMissingBasePathIsUnavailableAndNamed() throws Exception {
        Path missing = base.resolve("not-there-yet");
        manager(missing).pollNow();

        ServingException e =
                catchThrowableOfType(ServingException.class, () -> manager.acquire("mnist", OptionalLong.empty()));

        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(e.getMessage()).contains(missing.toString());

        TestModels.writeVersion(missing, 1, Kind.MNIST); // the base path appears later
        manager.pollNow();

        assertThat(servedVersion()).isEqualTo(1);
    }

    @Test
    void startLoadsInTheBackgroundAndTellsListeners() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base);
        CountDownLatch available = new CountDownLatch(1);
        manager.addListener((model, isAvailable) -> {
            if (model.equals("mnist") && isAvailable) {
                available.countDown();
            }
        });

        manager.start();

        assertThat(manager.awaitAvailable(Duration.ofSeconds(60))).isTrue();
        assertThat(available.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(servedVersion()).isEqualTo(1);
    }

    @Test
    void closeUnloadsAfterTheLastCallAndTellsListeners() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base).pollNow();
        List<Boolean> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        manager.addListener((model, isAvailable) -> changes.add(isAvailable));

        try (Lease held = manager.acquire("mnist", OptionalLong.empty())) {
            manager.close();

            assertThat(changes).containsExactly(false);
            assertThat(manager.isAvailable("mnist")).isFalse();
            assertThat(status(1).state()).isEqualTo(VersionState.UNLOADING);
            ServingException e =
                    catchThrowableOfType(ServingException.class, () -> manager.acquire("mnist", OptionalLong.empty()));
            assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
            assertThat(held.servable().signatures()).containsKey(Servable.DEFAULT_SIGNATURE);
        }

        assertThat(status(1).state()).isEqualTo(VersionState.END);
    }

    @Test
    void rollingBackToAnOlderVersionWhileItsPreviousCopyStillDrainsKeepsItAvailable() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base).pollNow();

        try (Lease oldCopyOfV1 = manager.acquire("mnist", OptionalLong.empty())) {
            Path v2 = TestModels.writeVersion(base, 2, Kind.MNIST);
            manager.pollNow();
            assertThat(servedVersion()).isEqualTo(2);

            // Version 2 turns out bad: the deployer removes it, and the server goes back to version 1.
            TestModels.deleteVersion(v2);
            manager.pollNow();
            assertThat(servedVersion()).isEqualTo(1);
            assertThat(oldCopyOfV1.version()).isEqualTo(1);
        } // the last call on the first copy of version 1 ends; the second copy keeps serving

        assertThat(servedVersion()).isEqualTo(1);
        assertThat(status(1).state()).isEqualTo(VersionState.AVAILABLE);
        assertThat(status(2).state()).isEqualTo(VersionState.END);
    }

    @Test
    void whileTheFirstVersionLoadsTheModelIsUnavailableAndSaysSo() throws Exception {
        Files.createDirectories(base.resolve("1"));
        Files.writeString(base.resolve("1/saved_model.pb"), "unused by the fake loader");
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ServableLoader real = ServableLoader.savedModels();
        Path realDir = TestModels.writeVersion(base.resolveSibling(base.getFileName() + "-real"), 1, Kind.MNIST);
        manager = new ModelManager(
                List.of(new ModelConfig("mnist", base)),
                (model, version, dir) -> {
                    loading.countDown();
                    try {
                        finish.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return real.load(model, version, realDir);
                },
                Duration.ZERO);
        Thread poller = Thread.ofPlatform().start(manager::pollNow);
        try {
            assertThat(loading.await(60, TimeUnit.SECONDS)).isTrue();

            assertThat(status(1).state()).isEqualTo(VersionState.LOADING);
            ServingException e =
                    catchThrowableOfType(ServingException.class, () -> manager.acquire("mnist", OptionalLong.empty()));
            assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
            assertThat(e.getMessage()).contains("still loading").contains("1");
        } finally {
            finish.countDown();
            poller.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(status(1).state()).isEqualTo(VersionState.AVAILABLE);
        assertThat(servedVersion()).isEqualTo(1);
    }

    @Test
    void removingEveryVersionUnloadsTheModel() throws Exception {
        Path v1 = TestModels.writeVersion(base, 1, Kind.MNIST);
        manager(base).pollNow();

        TestModels.deleteVersion(v1);
        manager.pollNow();

        assertThat(manager.isAvailable("mnist")).isFalse();
        assertThat(status(1).state()).isEqualTo(VersionState.END);
        ServingException e =
                catchThrowableOfType(ServingException.class, () -> manager.acquire("mnist", OptionalLong.empty()));
        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(e.getMessage()).contains(base.toString());
    }

    @Test
    void aConfigurationWithoutModelsOrWithADuplicateNameIsRejected() {
        ServableLoader loader = ServableLoader.savedModels();

        assertThat(catchThrowableOfType(
                        IllegalArgumentException.class, () -> new ModelManager(List.of(), loader, Duration.ZERO)))
                .isNotNull();
        assertThat(catchThrowableOfType(
                        IllegalArgumentException.class,
                        () -> new ModelManager(
                                List.of(
                                        new ModelConfig("mnist", base),
                                        new ModelConfig("mnist", base.resolve("other"))),
                                loader,
                                Duration.ZERO)))
                .hasMessageContaining("mnist");
    }

    @Test
    void aLoaderThatThrowsAnErrorDoesNotStopPolling() throws Exception {
        Files.createDirectories(base.resolve("1"));
        Files.writeString(base.resolve("1/saved_model.pb"), "needs a class that is missing");
        Path realV2 = TestModels.writeVersion(base.resolveSibling(base.getFileName() + "-real"), 2, Kind.MNIST);
        CountDownLatch firstAttempt = new CountDownLatch(1);
        ServableLoader real = ServableLoader.savedModels();
        manager = new ModelManager(
                List.of(new ModelConfig("mnist", base)),
                (model, version, dir) -> {
                    if (version == 1) {
                        firstAttempt.countDown();
                        throw new NoClassDefFoundError("org/example/MissingOp");
                    }
                    return real.load(model, version, dir);
                },
                Duration.ofMillis(20));

        manager.start();
        assertThat(firstAttempt.await(60, TimeUnit.SECONDS)).isTrue();
        Files.move(realV2, base.resolve("2"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        assertThat(manager.awaitAvailable(Duration.ofSeconds(30)))
                .as("version 2 was found by a later poll")
                .isTrue();
        assertThat(servedVersion()).isEqualTo(2);
        VersionStatus v1 = status(1);
        assertThat(v1.state()).isEqualTo(VersionState.END);
        assertThat(v1.error())
                .hasValueSatisfying(e -> assertThat(e.getMessage()).contains("MissingOp"));
    }
}
