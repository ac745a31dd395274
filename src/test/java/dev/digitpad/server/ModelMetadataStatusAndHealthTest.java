package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static dev.digitpad.testing.Tensors.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.GetModelMetadataResponse;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.GetModelStatusResponse;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.protocol.serving.ModelVersionStatus.State;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.SignatureDefMap;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.error.Code;

/** GetModelMetadata, GetModelStatus through a model's life cycle, and gRPC health checking. */
class ModelMetadataStatusAndHealthTest {
    @TempDir
    Path base;

    private ModelManager manager;
    private InProcessServing grpc;

    @BeforeEach
    void start() throws Exception {
        manager =
                new ModelManager(List.of(new ModelConfig("mnist", base)), ServableLoader.savedModels(), Duration.ZERO);
        grpc = InProcessServing.start(new ServingCore(manager));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            grpc.close();
        } finally {
            manager.close();
        }
    }

    private void serve(long version) throws Exception {
        TestModels.writeVersion(base, version, Kind.MNIST);
        manager.pollNow();
    }

    private static List<Long> dims(TensorShapeProto shape) {
        return shape.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
    }

    private GetModelStatusResponse status(ModelSpec spec) {
        return grpc.models()
                .getModelStatus(
                        GetModelStatusRequest.newBuilder().setModelSpec(spec).build());
    }

    private ServingStatus health(String service) {
        return grpc.health()
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    // ---- GetModelMetadata ----

    @Test
    void metadataHoldsTheSignatureDefMapAsAnAny() throws Exception {
        serve(1);

        GetModelMetadataResponse response = grpc.prediction()
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("mnist"))
                        .addMetadataField("signature_def")
                        .build());

        assertThat(response.getModelSpec().getName()).isEqualTo("mnist");
        assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(1);
        assertThat(response.getMetadataMap()).containsOnlyKeys("signature_def");
        Any any = response.getMetadataOrThrow("signature_def");
        assertThat(any.getTypeUrl()).isEqualTo("type.googleapis.com/tensorflow.serving.SignatureDefMap");
        SignatureDefMap map = any.unpack(SignatureDefMap.class);
        assertThat(map.getSignatureDefMap()).containsKey("serving_default");
        SignatureDef signature = map.getSignatureDefOrThrow("serving_default");
        assertThat(signature.getMethodName()).isEqualTo("tensorflow/serving/predict");
        assertThat(signature.getInputsMap()).containsOnlyKeys("flatten_input");
        TensorInfo input = signature.getInputsOrThrow("flatten_input");
        assertThat(input.getDtype()).isEqualTo(DataType.DT_FLOAT);
        assertThat(dims(input.getTensorShape())).containsExactly(-1L, 28L, 28L, 1L);
        assertThat(input.getName()).isNotEmpty();
        assertThat(signature.getOutputsMap()).containsOnlyKeys("dense");
        TensorInfo output = signature.getOutputsOrThrow("dense");
        assertThat(output.getDtype()).isEqualTo(DataType.DT_FLOAT);
        assertThat(dims(output.getTensorShape())).containsExactly(-1L, 10L);
    }

    @Test
    void metadataWithoutAMetadataFieldIsInvalid() throws Exception {
        serve(1);

        Status status = statusOf(() -> grpc.prediction()
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("mnist"))
                        .build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("metadata_field").contains("signature_def");
    }

    @Test
    void anUnsupportedMetadataFieldIsInvalid() throws Exception {
        serve(1);

        Status status = statusOf(() -> grpc.prediction()
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("mnist"))
                        .addMetadataField("graph_def")
                        .build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("graph_def");
    }

    @Test
    void metadataOfAnUnknownModelIsNotFound() throws Exception {
        serve(1);

        Status status = statusOf(() -> grpc.prediction()
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("nope"))
                        .addMetadataField("signature_def")
                        .build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("Servable not found for request: Latest(nope)");
    }

    @Test
    void metadataForAnExplicitVersionAnswersOnlyForTheServedOne() throws Exception {
        serve(1);
        serve(2);

        GetModelMetadataResponse v2 = grpc.prediction()
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("mnist", 2))
                        .addMetadataField("signature_def")
                        .build());
        Status v1 = statusOf(() -> grpc.prediction()
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("mnist", 1))
                        .addMetadataField("signature_def")
                        .build()));

        assertThat(v2.getModelSpec().getVersion().getValue()).isEqualTo(2);
        assertThat(v1.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(v1.getDescription()).isEqualTo("Servable not found for request: Specific(mnist, 1)");
    }

    @Test
    void callsBeforeAnyVersionIsLoadedAreUnavailableAndSayWhereToPutOne() throws Exception {
        manager.pollNow(); // the base path is empty

        Status metadata = statusOf(() -> grpc.prediction()
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec("mnist"))
                        .addMetadataField("signature_def")
                        .build()));
        Status predict =
                statusOf(() -> grpc.prediction().predict(Tensors.predictImages("mnist", new float[TestModels.PIXELS])));

        for (Status status : List.of(metadata, predict)) {
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).contains(base.toString());
        }
    }

    // ---- GetModelStatus ----

    @Test
    void theServedVersionIsAvailableWithAnOkStatus() throws Exception {
        serve(1);

        GetModelStatusResponse response = status(spec("mnist"));

        assertThat(response.getModelVersionStatusList()).hasSize(1);
        ModelVersionStatus v1 = response.getModelVersionStatus(0);
        assertThat(v1.getVersion()).isEqualTo(1);
        assertThat(v1.getState()).isEqualTo(State.AVAILABLE);
        assertThat(v1.getStatus().getErrorCode()).isEqualTo(Code.OK);
        assertThat(v1.getStatus().getErrorMessage()).isEmpty();
    }

    @Test
    void afterASwapTheOldVersionHasEnded() throws Exception {
        serve(1);
        serve(2);

        GetModelStatusResponse response = status(spec("mnist"));

        assertThat(response.getModelVersionStatusList())
                .extracting(ModelVersionStatus::getVersion, ModelVersionStatus::getState)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2L, State.AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple(1L, State.END));
        assertThat(response.getModelVersionStatusList())
                .allSatisfy(s -> assertThat(s.getStatus().getErrorCode()).isEqualTo(Code.OK));
        assertThat(status(spec("mnist", 1)).getModelVersionStatusList())
                .singleElement()
                .extracting(ModelVersionStatus::getState)
                .isEqualTo(State.END);
    }

    @Test
    void aVersionThatFailedToLoadHasEndedWithItsError() throws Exception {
        serve(2);
        Path garbage = TestModels.writeGarbageVersion(base, 3);
        manager.pollNow();

        ModelVersionStatus v3 = status(spec("mnist", 3)).getModelVersionStatus(0);
        assertThat(v3.getState()).isEqualTo(State.END);
        assertThat(v3.getStatus().getErrorCode()).isNotEqualTo(Code.OK);
        assertThat(v3.getStatus().getErrorMessage()).contains(garbage.toString());
        ModelVersionStatus v2 = status(spec("mnist", 2)).getModelVersionStatus(0);
        assertThat(v2.getState()).isEqualTo(State.AVAILABLE);
        assertThat(v2.getStatus().getErrorCode()).isEqualTo(Code.OK);
    }

    @Test
    void statusOfAnUnknownModelOrVersionIsNotFound() throws Exception {
        serve(1);

        Status model = statusOf(() -> status(spec("nope")));
        Status version = statusOf(() -> status(spec("mnist", 9)));
        Status noName = statusOf(() -> status(spec("")));

        assertThat(model.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(model.getDescription()).contains("nope");
        assertThat(version.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(version.getDescription()).contains("9").contains("mnist");
        assertThat(noName.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noName.getDescription()).isEqualTo("ModelSpec has no name specified.");
    }

    @Test
    void statusWithAVersionLabelIgnoresTheLabelAsTensorFlowServingDoes() throws Exception {
        serve(1);

        GetModelStatusResponse response =
                status(spec("mnist").toBuilder().setVersionLabel("canary").build());

        assertThat(response.getModelVersionStatusList()).singleElement().satisfies(v -> {
            assertThat(v.getVersion()).isEqualTo(1);
            assertThat(v.getState()).isEqualTo(ModelVersionStatus.State.AVAILABLE);
        });
    }

    // ---- health ----

    @Test
    void healthIsNotServingUntilAVersionIsLoaded() throws Exception {
        manager.pollNow(); // the base path is empty

        assertThat(health("")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(health(PredictionServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(health(ModelServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);

        serve(1);

        assertThat(health("")).isEqualTo(ServingStatus.SERVING);
        assertThat(health(PredictionServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
        assertThat(health(ModelServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void healthIsNotServingOnceTheServerEntersShutdown() throws Exception {
        serve(1);
        assertThat(health("")).isEqualTo(ServingStatus.SERVING);

        grpc.services().enterShutdown();

        assertThat(health("")).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void healthIsNotServingAfterTheManagerCloses() throws Exception {
        serve(1);

        manager.close();

        assertThat(health("")).isEqualTo(ServingStatus.NOT_SERVING);
    }
}
