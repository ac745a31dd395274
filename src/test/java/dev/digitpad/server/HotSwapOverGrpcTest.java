package dev.digitpad.server;

import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.predictImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment as users do it: the server polls the base path in the background while eight clients call it over
 * gRPC on a real loopback socket; a new version dropped into the base path takes over, the old one is deleted from
 * it, and no call fails.
 */
class HotSwapOverGrpcTest {
    @TempDir
    Path base;

    private ModelManager manager;
    private ModelServer server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws Exception {
        try {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            if (server != null) {
                server.close();
            }
        } finally {
            if (manager != null) {
                manager.close();
            }
        }
    }

    @Test
    void aNewVersionTakesOverAndTheOldOneIsDeletedUnderEightCallersWithoutAFailedCall() throws Exception {
        Path v1 = TestModels.writeVersion(base, 1, Kind.MNIST);
        manager = new ModelManager(
                List.of(new ModelConfig("mnist", base)), ServableLoader.savedModels(), Duration.ofMillis(50));
        manager.start();
        assertThat(manager.awaitAvailable(Duration.ofSeconds(60))).isTrue();
        server = ModelServer.start(
                new ServingCore(manager),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        0,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30)));
        channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                .usePlaintext()
                .build();
        PredictionServiceGrpc.PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel);

        int threads = 8;
        int callsAfterDeletion = 50;
        CountDownLatch allDoneAfterDeletion = new CountDownLatch(threads);
        AtomicLong deleted = new AtomicLong(Long.MAX_VALUE);
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
                int afterDeletion = 0;
                long last = 0;
                while (!stop.get() && failures.size() < 20) {
                    try {
                        long started = System.nanoTime();
                        PredictResponse response =
                                stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(predictImages("mnist", image));
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
                        if (version == 2 && started > deleted.get() && ++afterDeletion == callsAfterDeletion) {
                            allDoneAfterDeletion.countDown();
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
            // Deleted at once, as a deployer who replaces the folder does: version 1 may still be serving, and must
            // keep serving from memory until version 2 is loaded and warm.
            TestModels.deleteVersion(v1);
            deleted.set(System.nanoTime());
            assertThat(allSawV2.await(120, TimeUnit.SECONDS))
                    .as("every caller was answered by version 2")
                    .isTrue();
            assertThat(allDoneAfterDeletion.await(120, TimeUnit.SECONDS))
                    .as("every caller got %d answers from version 2 after version 1 was deleted", callsAfterDeletion)
                    .isTrue();
        } finally {
            stop.set(true);
            for (Thread t : callers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }

        assertThat(failures).isEmpty();
        List<ModelVersionStatus> statuses = ModelServiceGrpc.newBlockingStub(channel)
                .getModelStatus(GetModelStatusRequest.newBuilder()
                        .setModelSpec(Tensors.spec("mnist"))
                        .build())
                .getModelVersionStatusList();
        assertThat(statuses)
                .extracting(ModelVersionStatus::getVersion, ModelVersionStatus::getState)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2L, ModelVersionStatus.State.AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple(1L, ModelVersionStatus.State.END));
    }
}
