package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static dev.digitpad.testing.Tensors.floatVal;
import static dev.digitpad.testing.Tensors.predict;
import static dev.digitpad.testing.Tensors.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServingException;
import dev.digitpad.testing.InProcessServing;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * What a client sees when a servable fails in ways DigitPad did not foresee, and health with several models.
 * Uses a stand-in servable, so no TensorFlow is involved.
 */
class UnexpectedFailuresTest {
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

    private static Servable failingWith(Supplier<RuntimeException> failure) {
        SignatureDef signature = SignatureDef.newBuilder()
                .putInputs(
                        "x",
                        TensorInfo.newBuilder()
                                .setName("x:0")
                                .setDtype(DataType.DT_FLOAT)
                                .build())
                .putOutputs(
                        "y",
                        TensorInfo.newBuilder()
                                .setName("y:0")
                                .setDtype(DataType.DT_FLOAT)
                                .build())
                .build();
        return new Servable() {
            @Override
            public Map<String, SignatureDef> signatures() {
                return Map.of(DEFAULT_SIGNATURE, signature);
            }

            @Override
            public Map<String, TensorProto> predict(
                    String key, Map<String, TensorProto> inputs, List<String> filter, RunLimits limits) {
                throw failure.get();
            }

            @Override
            public void close() {}
        };
    }

    private void serve(Servable servable, String... models) throws Exception {
        List<ModelConfig> configs = new java.util.ArrayList<>();
        for (String model : models) {
            Path dir = base.resolve(model);
            configs.add(new ModelConfig(model, dir));
        }
        Files.createDirectories(base.resolve(models[0]).resolve("1"));
        Files.writeString(base.resolve(models[0]).resolve("1/saved_model.pb"), "read by the stand-in loader only");
        manager = new ModelManager(configs, (model, version, dir) -> servable, Duration.ZERO);
        manager.pollNow();
        grpc = InProcessServing.start(new ServingCore(manager));
    }

    private Status predictX(String model) {
        return statusOf(() ->
                grpc.prediction().predict(predict(spec(model), Map.of("x", floatVal(new long[] {1}, 1f)))));
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorWithAnIdAndNoDetails() throws Exception {
        serve(failingWith(() -> new IllegalStateException("secret detail from /srv/models")), "m");

        Status status = predictX("m");

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .matches("internal error in DigitPad's server \\[[0-9a-f]{8}\\]; see the server log")
                .doesNotContain("secret")
                .doesNotContain("IllegalStateException");
    }

    @Test
    void aServingExceptionKeepsItsCodeAndMessage() throws Exception {
        serve(failingWith(() -> new ServingException(Code.RESOURCE_EXHAUSTED, "out of memory for this batch")), "m");

        Status status = predictX("m");

        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).isEqualTo("out of memory for this batch");
    }

    @Test
    void healthIsServingOnlyWhenEveryModelIsAvailable() throws Exception {
        serve(failingWith(IllegalStateException::new), "ready", "empty");

        ServingStatus overall =
                grpc.health().check(HealthCheckRequest.getDefaultInstance()).getStatus();

        assertThat(manager.isAvailable("ready")).isTrue();
        assertThat(manager.isAvailable("empty")).isFalse();
        assertThat(overall).isEqualTo(ServingStatus.NOT_SERVING);
    }
}
