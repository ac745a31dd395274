package dev.digitpad.server;

import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.predictImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import dev.digitpad.testing.Tensors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment as users do it: the server polls the base path in the background while clients call it over
 * gRPC; a new version dropped into the base path takes over with no failed call.
 */
class HotSwapOverGrpcTest {
    @TempDir
    Path base;

    private ModelManager manager;
    private InProcessServing grpc;

    @AfterEach
    void stop() throws Exception {
        try {
            if (grpc != null) {
                grpc.close();
            }
        } finally {
            if (manager != null) {
                manager.close();
            }
        }
    }

    @Test
    void aNewVersionFoundByPollingTakesOverWithoutAFailedCall() throws Exception {
        TestModels.writeVersion(base, 1, Kind.MNIST);
        manager = new ModelManager(List.of(new ModelConfig("mnist", base)), ServableLoader.savedModels(), Duration.ofMillis(50));
        manager.start();
        assertThat(manager.awaitAvailable(Duration.ofSeconds(60))).isTrue();
        grpc = InProcessServing.start(new ServingCore(manager));

        int threads = 4;
        CountDownLatch allSawV1 = new CountDownLatch(threads);
        CountDownLatch allSawV2 = new CountDownLatch(threads);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            float[] image = TestModels.imageWithRow(t + 3, 2f);
            callers.add(Thread.ofPlatform().name("grpc-caller-" + t).start(() -> {
                boolean sawV1 = false;
                int v2 = 0;
                long last = 0;
                while (!stop.get() && failures.size() < 20) {
                    try {
                        PredictResponse response = grpc.prediction().withDeadlineAfter(30, TimeUnit.SECONDS)
                                .predict(predictImages("mnist", image));
                        long version = response.getModelSpec().getVersion().getValue();
                        assertThat(version).as("versions only move forward").isGreaterThanOrEqualTo(last);
                        last = version;
                        float[] p = floats(response.getOutputsOrThrow("dense"));
                        double[] expected = TestModels.expectedProbabilities(image, version);
                        for (int k = 0; k < TestModels.CLASSES; k++) {
                            assertThat((double) p[k]).isCloseTo(expected[k], within(1e-5));
                        }
                        if (version == 1 && !sawV1) {
                            sawV1 = true;
                            allSawV1.countDown();
                        } else if (version == 2 && ++v2 == 10) {
                            allSawV2.countDown();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }));
        }
        try {
            assertThat(allSawV1.await(60, TimeUnit.SECONDS)).isTrue();
            TestModels.writeVersion(base, 2, Kind.MNIST); // exported into a hidden directory, then moved into place
            assertThat(allSawV2.await(120, TimeUnit.SECONDS)).as("every caller was answered by version 2").isTrue();
        } finally {
            stop.set(true);
            for (Thread t : callers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }

        assertThat(failures).isEmpty();
        List<ModelVersionStatus> statuses = grpc.models().getModelStatus(
                GetModelStatusRequest.newBuilder().setModelSpec(Tensors.spec("mnist")).build()).getModelVersionStatusList();
        assertThat(statuses).extracting(ModelVersionStatus::getVersion, ModelVersionStatus::getState).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, ModelVersionStatus.State.AVAILABLE),
                org.assertj.core.groups.Tuple.tuple(1L, ModelVersionStatus.State.END));
    }
}
