package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.VersionPolicy;
import dev.digitpad.protocol.serving.FileSystemStoragePathSourceConfig.ServableVersionPolicy;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.GetModelStatusResponse;
import dev.digitpad.protocol.serving.ModelConfigList;
import dev.digitpad.protocol.serving.ModelServerConfig;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.ReloadConfigRequest;
import dev.digitpad.testing.FakeServable;
import dev.digitpad.testing.FakeVersions;
import dev.digitpad.testing.Tensors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several models, versions and labels over both front ends of a real stack, as TensorFlow Serving's clients use them:
 * Predict and metadata by label, status that ignores labels, HandleReloadConfigRequest, and reloads and label moves
 * under load that fail no call.
 */
class MultiModelServingTest {
    private static final ModelServer.Options LOOPBACK_ANY_PORTS = new ModelServer.Options(
            ModelServer.Options.LOOPBACK, 0, -1, ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(30));
    private static final int CALLERS = 8;

    @TempDir
    Path dir;

    private final FakeVersions loader = new FakeVersions();
    private final HttpClient http = HttpClient.newHttpClient();
    private ServingStack stack;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (stack != null) {
            stack.close();
        }
    }

    private void serve(Map<String, Map<String, Long>> labels, ModelConfig... models) throws Exception {
        stack = ServingStack.start(ServingStack.Options.of(List.of(models), loader)
                .withLabels(labels)
                .withNetwork(LOOPBACK_ANY_PORTS)
                .loadingFirst("Fix the test."));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", stack.grpcPort())
                .usePlaintext()
                .build();
    }

    private PredictionServiceGrpc.PredictionServiceBlockingStub prediction() {
        return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private ModelServiceGrpc.ModelServiceBlockingStub modelService() {
        return ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static ModelSpec labelled(String model, String label) {
        return ModelSpec.newBuilder().setName(model).setVersionLabel(label).build();
    }

    private long answeredBy(ModelSpec spec) {
        PredictRequest request = Tensors.predict(spec, FakeServable.rows(1, 1f, true));
        return prediction().predict(request).getModelSpec().getVersion().getValue();
    }

    private static VersionPolicy specific(long... versions) {
        TreeSet<Long> set = new TreeSet<>();
        for (long v : versions) {
            set.add(v);
        }
        return new VersionPolicy.Specific(set);
    }

    private static ServableVersionPolicy specificProto(long... versions) {
        ServableVersionPolicy.Specific.Builder specific = ServableVersionPolicy.Specific.newBuilder();
        for (long v : versions) {
            specific.addVersions(v);
        }
        return ServableVersionPolicy.newBuilder().setSpecific(specific).build();
    }

    private static dev.digitpad.protocol.serving.ModelConfig model(String name, Path base) {
        return dev.digitpad.protocol.serving.ModelConfig.newBuilder()
                .setName(name)
                .setBasePath(base.toString())
                .setModelPlatform("tensorflow")
                .build();
    }

    private static ReloadConfigRequest reload(dev.digitpad.protocol.serving.ModelConfig... models) {
        return ReloadConfigRequest.newBuilder()
                .setConfig(ModelServerConfig.newBuilder()
                        .setModelConfigList(ModelConfigList.newBuilder().addAllConfig(List.of(models))))
                .build();
    }

    private HttpResponse<String> rest(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + stack.restPort().orElseThrow() + path));
        request = body == null
                ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void predictAndMetadataGoToTheVersionALabelNamesOnGrpcAndRest() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1, 2, 3);
        serve(Map.of("m", Map.of("stable", 2L, "canary", 3L)), new ModelConfig("m", base, new VersionPolicy.All()));

        assertThat(answeredBy(labelled("m", "stable"))).isEqualTo(2);
        assertThat(answeredBy(labelled("m", "canary"))).isEqualTo(3);
        assertThat(answeredBy(ModelSpec.newBuilder().setName("m").build())).isEqualTo(3);
        assertThat(prediction()
                        .getModelMetadata(GetModelMetadataRequest.newBuilder()
                                .setModelSpec(labelled("m", "stable"))
                                .addMetadataField("signature_def")
                                .build())
                        .getModelSpec()
                        .getVersion()
                        .getValue())
                .isEqualTo(2);

        HttpResponse<String> predicted =
                rest("POST", "/v1/models/m/labels/stable:predict", "{\"instances\": [[1, 2]]}");
        assertThat(predicted.statusCode()).isEqualTo(200);
        assertThat(json(predicted).at("/predictions/0/0").asDouble()).isEqualTo(2.0);
        HttpResponse<String> metadata = rest("GET", "/v1/models/m/labels/canary/metadata", null);
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(json(metadata).at("/model_spec/version").asText()).isEqualTo("3");
        HttpResponse<String> unknown = rest("POST", "/v1/models/m/labels/beta:predict", "{\"instances\": [[1, 2]]}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("error").asText()).isEqualTo("Unrecognized servable version label: beta");
    }

    @Test
    void statusIgnoresTheLabelAndListsEveryVersionWithTheLabelsInAHeader() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1, 2);
        serve(
                Map.of("m", Map.of("stable", 1L, "new ones/ünï", 2L)),
                new ModelConfig("m", base, new VersionPolicy.All()));
        AtomicReference<Metadata> headers = new AtomicReference<>();

        GetModelStatusResponse status = modelService()
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
                .getModelStatus(GetModelStatusRequest.newBuilder()
                        .setModelSpec(labelled("m", "whatever"))
                        .build());

        assertThat(status.getModelVersionStatusList())
                .extracting(ModelVersionStatus::getVersion)
                .containsExactly(2L, 1L);
        assertThat(VersionLabelsHeader.decode(headers.get().get(VersionLabelsHeader.KEY)))
                .containsExactly(Map.entry("new ones/ünï", 2L), Map.entry("stable", 1L));
        HttpResponse<String> rest = rest("GET", "/v1/models/m/labels/whatever", null);
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(json(rest).get("model_version_status")).hasSize(2);
    }

    @Test
    void aReloadWithoutAModelListIsInvalidAsInTensorFlowServing() throws Exception {
        serve(Map.of(), new ModelConfig("m", FakeVersions.write(dir.resolve("m"), 1)));

        Status empty =
                statusOf(() -> modelService().handleReloadConfigRequest(ReloadConfigRequest.getDefaultInstance()));
        Status relative =
                statusOf(() -> modelService().handleReloadConfigRequest(reload(model("m", Path.of("models/m")))));

        assertThat(empty.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(empty.getDescription())
                .startsWith("ServerModelConfig type not supported by HandleReloadConfigRequest. Only ModelConfigList is"
                        + " currently supported");
        assertThat(relative.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(relative.getDescription())
                .startsWith("Expected model m to have an absolute path or URI; got base_path()=models/m");
        assertThat(answeredBy(ModelSpec.newBuilder().setName("m").build())).isEqualTo(1);
    }

    @Test
    void reloadingUnderLoadFailsNoCallToAModelThatStays() throws Exception {
        Path stays = FakeVersions.write(dir.resolve("stays"), 1);
        Path goes = FakeVersions.write(dir.resolve("goes"), 1);
        Path comes = FakeVersions.write(dir.resolve("comes"), 5);
        serve(Map.of(), new ModelConfig("stays", stays), new ModelConfig("goes", goes));
        Load load = new Load(
                CALLERS,
                () -> answeredBy(ModelSpec.newBuilder().setName("stays").build()));
        load.awaitAnswers(CALLERS * 20);

        modelService().handleReloadConfigRequest(reload(model("stays", stays), model("comes", comes)));
        long answeredBeforeReload = load.answers.get();
        load.awaitAnswers(answeredBeforeReload + CALLERS * 20);
        load.stop();

        assertThat(load.failures).isEmpty();
        assertThat(answeredBy(ModelSpec.newBuilder().setName("comes").build())).isEqualTo(5);
        assertThat(statusOf(() -> answeredBy(
                                ModelSpec.newBuilder().setName("goes").build()))
                        .getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(loader.events()).contains("load comes 5", "close goes 1").doesNotContain("close stays 1");
    }

    @Test
    void movingALabelFromTwoToThreeUnderLoadFailsNoCallAndMovesTheAnswers() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 2, 3);
        serve(Map.of("m", Map.of("canary", 2L)), new ModelConfig("m", base, specific(2, 3)));
        ConcurrentLinkedQueue<Long> beforeTheReload = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> afterTheMove = new ConcurrentLinkedQueue<>();
        AtomicBoolean reloading = new AtomicBoolean();
        AtomicBoolean moved = new AtomicBoolean();
        Load load = new Load(CALLERS, () -> {
            boolean startedAfterMove = moved.get();
            long version = answeredBy(labelled("m", "canary"));
            if (startedAfterMove) {
                afterTheMove.add(version);
            } else if (!reloading.get()) {
                beforeTheReload.add(version);
            }
            return version;
        });
        load.awaitAnswers(CALLERS * 20);

        dev.digitpad.protocol.serving.ModelConfig m = model("m", base).toBuilder()
                .setModelVersionPolicy(specificProto(2, 3))
                .putVersionLabels("canary", 3)
                .build();
        reloading.set(true);
        modelService().handleReloadConfigRequest(reload(m));
        moved.set(true);
        load.awaitAnswers(load.answers.get() + CALLERS * 20);
        load.stop();

        assertThat(load.failures).isEmpty();
        assertThat(beforeTheReload).isNotEmpty().containsOnly(2L);
        assertThat(afterTheMove).isNotEmpty().containsOnly(3L);
    }

    /** Callers that call until stopped, counting answers and keeping failures. */
    private static final class Load {
        final AtomicLong answers = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> callers = new ArrayList<>();

        interface Call {
            long call();
        }

        Load(int callers, Call call) {
            for (int i = 0; i < callers; i++) {
                this.callers.add(Thread.ofPlatform().name("caller-" + i).start(() -> {
                    while (!stop.get()) {
                        try {
                            call.call();
                            answers.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
        }

        void awaitAnswers(long count) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answers.get() < count && failures.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : callers) {
                t.join(30_000);
            }
        }
    }
}
