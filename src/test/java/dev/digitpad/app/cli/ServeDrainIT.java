package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops new calls, lets the call in flight finish, unloads the model and exits 0, logging each step. */
class ServeDrainIT {

    @TempDir
    Path work;

    @Test
    void sigtermDrainsTheCallInFlightAndExitsZero() throws Exception {
        Path base = work.resolve("slow");
        TestModels.writeVersion(base, 1, TestModels.Kind.SLOW);
        try (ServedProcess server = ServedProcess.start(
                work,
                Map.of(),
                "--model_name=slow",
                "--model_base_path=" + base,
                "--rest_api_port=0",
                "--drain_seconds=60")) {
            server.awaitServing(Duration.ofSeconds(120));
            ManagedChannel channel = server.channel();
            float[] x = new float[TestModels.SLOW_SIDE * TestModels.SLOW_SIDE];
            java.util.Arrays.fill(x, 0.001f);
            CompletableFuture<PredictResponse> inFlight =
                    CompletableFuture.supplyAsync(() -> PredictionServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(120, TimeUnit.SECONDS)
                            .predict(Tensors.predict(
                                    Tensors.spec("slow"),
                                    Map.of(
                                            "x",
                                            Tensors.floatContent(
                                                    new long[] {TestModels.SLOW_SIDE, TestModels.SLOW_SIDE}, x)))));
            Thread.sleep(300); // the run takes over a second; the log below proves it was in flight

            assertThat(server.terminate(Duration.ofSeconds(90)))
                    .as(server.log())
                    .isZero();

            PredictResponse answer = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(answer.getOutputsOrThrow("y").getFloatValCount()).isEqualTo(1);
            assertThat(server.log())
                    .contains("Received SIGTERM")
                    .contains("no longer accepting calls; draining 1 in flight")
                    .contains("Front ends stopped")
                    .doesNotContain("cancelling them")
                    .contains("Model \"slow\": version 1 unloaded")
                    .contains("Stopped");
        }
    }
}
