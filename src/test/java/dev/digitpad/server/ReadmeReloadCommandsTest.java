package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.ReloadConfigRequest;
import dev.digitpad.testing.FakeServable;
import dev.digitpad.testing.FakeVersions;
import dev.digitpad.testing.Reflection;
import dev.digitpad.testing.Tensors;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code grpcurl} reload requests, parsed as grpcurl sends them (the protobuf JSON mapping of the
 * method's request type, which reflection gives it) and run in the README's order: the canary moves from version 2 to
 * 3 as the README says.
 */
class ReadmeReloadCommandsTest {
    private static final Pattern GRPCURL = Pattern.compile(
            "grpcurl -plaintext -d '([^']*)' localhost:8500 tensorflow\\.serving\\.ModelService/(\\w+)");

    @TempDir
    Path dir;

    private record Command(String json, String method) {}

    private static List<Command> readmeCommands() throws Exception {
        Matcher m = GRPCURL.matcher(Files.readString(Path.of("README.md")));
        List<Command> commands = new java.util.ArrayList<>();
        while (m.find()) {
            commands.add(new Command(m.group(1), m.group(2)));
        }
        return commands;
    }

    @Test
    void theCanaryMovesAsTheReadmeSays() throws Exception {
        Path base = FakeVersions.write(dir.resolve("mnist"), 2);
        List<Command> commands = readmeCommands();
        List<ReloadConfigRequest> reloads = new java.util.ArrayList<>();
        for (Command c : commands) {
            if (c.method().equals("HandleReloadConfigRequest")) {
                ReloadConfigRequest.Builder request = ReloadConfigRequest.newBuilder();
                JsonFormat.parser().merge(c.json().replace("/models/mnist", base.toString()), request);
                reloads.add(request.build());
            } else {
                assertThat(c.method()).isEqualTo("GetModelStatus");
                JsonFormat.parser().merge(c.json(), GetModelStatusRequest.newBuilder());
            }
        }
        assertThat(reloads).as("the reload, and the canary's four reloads").hasSize(5);

        try (ServingStack stack =
                ServingStack.start(ServingStack.Options.of(List.of(new ModelConfig("mnist", base)), new FakeVersions())
                        .withInProcess()
                        .loadingFirst("Fix the test."))) {
            ModelServiceGrpc.ModelServiceBlockingStub models =
                    ModelServiceGrpc.newBlockingStub(stack.inProcessChannel());
            PredictionServiceGrpc.PredictionServiceBlockingStub predictions =
                    PredictionServiceGrpc.newBlockingStub(stack.inProcessChannel());
            java.util.function.Function<String, Long> label = l -> predictions
                    .predict(Tensors.predict(
                            ModelSpec.newBuilder()
                                    .setName("mnist")
                                    .setVersionLabel(l)
                                    .build(),
                            FakeServable.rows(1, 0f, true)))
                    .getModelSpec()
                    .getVersion()
                    .getValue();

            assertThat(Reflection.methods(
                            stack.inProcessChannel(), "tensorflow.serving.ModelService", Duration.ofSeconds(30)))
                    .as("what grpcurl finds through reflection")
                    .containsExactly("GetModelStatus", "HandleReloadConfigRequest");
            models.handleReloadConfigRequest(reloads.get(0));
            assertThat(label.apply("stable")).isEqualTo(2);

            FakeVersions.write(base, 3); // step 1: version 3 is copied in
            models.handleReloadConfigRequest(reloads.get(1));
            assertThat(stack.models().availableVersions("mnist")).containsExactly(2L, 3L);
            models.handleReloadConfigRequest(reloads.get(2));
            assertThat(label.apply("canary")).isEqualTo(3);
            assertThat(label.apply("stable")).isEqualTo(2);

            models.handleReloadConfigRequest(reloads.get(3));
            assertThat(label.apply("stable")).isEqualTo(3);
            models.handleReloadConfigRequest(reloads.get(4));
            assertThat(stack.models().availableVersions("mnist")).containsExactly(3L);
            assertThat(statusOf(() -> label.apply("canary")).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
    }

    @Test
    void labellingAVersionBeforeItServesIsRefusedAsTheReadmeWarns() throws Exception {
        Path base = FakeVersions.write(dir.resolve("mnist"), 2);
        ReloadConfigRequest.Builder canaryFirst = ReloadConfigRequest.newBuilder();
        JsonFormat.parser()
                .merge(readmeCommands().get(2).json().replace("/models/mnist", base.toString()), canaryFirst);
        FakeVersions.write(base, 3);

        try (ServingStack stack = ServingStack.start(ServingStack.Options.of(
                        List.of(new ModelConfig("mnist", base, dev.digitpad.inference.VersionPolicy.latest())),
                        new FakeVersions())
                .withInProcess()
                .loadingFirst("Fix the test."))) {
            // latest serves 3 only: the README's step 3 straight away names 2 as stable, which is not served
            Status refused = statusOf(() -> ModelServiceGrpc.newBlockingStub(stack.inProcessChannel())
                    .handleReloadConfigRequest(canaryFirst.build()));

            assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getDescription()).startsWith("Request to assign label to version 2 of model mnist");
            assertThat(stack.models().availableVersions("mnist")).containsExactly(3L);
        }
    }
}
