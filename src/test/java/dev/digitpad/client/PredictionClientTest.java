package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.contract.VersionLabels;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.ConnectAttempts;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.Interceptors;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against in-process servers whose models differ in keys, shapes and outputs. */
class PredictionClientTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private InProcessServing serve(String model, TestModels.Kind kind, long version, ServerInterceptor... interceptors)
            throws Exception {
        Path base = dir.resolve(model);
        TestModels.writeVersion(base, version, kind);
        ModelManager manager = TestModels.loaded(new ModelManager.ModelConfig(model, base));
        open.add(manager);
        InProcessServing serving = InProcessServing.start(new ServingCore(manager), interceptors);
        open.add(serving);
        return serving;
    }

    private static PredictionClient client(ManagedChannel channel, PredictionClient.Options options) {
        return new PredictionClient(channel, "test-server", options, new MetadataCache());
    }

    @Test
    void probabilitiesFromAKerasStyleModel() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 3);
        float[] image = TestModels.imageWithRow(6, 2f);
        PredictionClient client = client(serving.channel(), PredictionClient.Options.model("mnist"));

        assertThat(client.describe().describe()).isEqualTo("flatten_input [-1,28,28,1] -> dense [-1,10]");
        Prediction p = client.predict(image);

        assertProbabilities(p.probabilities(), TestModels.expectedProbabilities(image, 3));
        assertThat(p.fromLogits()).isFalse();
        assertThat(p.digit()).isEqualTo(6);
        assertThat(p.version()).isEqualTo(3);
        assertThat(p.model()).isEqualTo("mnist");
    }

    @Test
    void logitsModelWithFlatInputIsReshapedAndSoftmaxed() throws Exception {
        InProcessServing serving = serve("flat", TestModels.Kind.LOGITS, 1);
        float[] image = TestModels.imageWithRow(2, 3f);
        PredictionClient client = client(serving.channel(), PredictionClient.Options.model("flat"));

        assertThat(client.describe().describe()).isEqualTo("x [-1,784] -> logits [-1,10]");
        Prediction p = client.predict(image);

        assertThat(p.fromLogits()).isTrue();
        assertProbabilities(p.probabilities(), TestModels.expectedProbabilities(image, 1));
        assertThat(p.digit()).isEqualTo(2);
    }

    @Test
    void batchesAnswerInOrder() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 1);
        List<Prediction> answers = client(serving.channel(), PredictionClient.Options.model("mnist"))
                .predictBatch(List.of(
                        TestModels.imageWithRow(1, 3f),
                        TestModels.imageWithRow(8, 3f),
                        TestModels.imageWithRow(5, 3f)));
        assertThat(answers).extracting(Prediction::digit).containsExactly(1, 8, 5);
    }

    @Test
    void metadataIsAskedForOncePerServerModelAndVersion() throws Exception {
        AtomicInteger metadataCalls = new AtomicInteger();
        InProcessServing serving =
                serve("mnist", TestModels.Kind.MNIST, 1, Interceptors.counting(metadataCalls, "GetModelMetadata"));
        MetadataCache cache = new MetadataCache();
        PredictionClient first =
                new PredictionClient(serving.channel(), "s", PredictionClient.Options.model("mnist"), cache);
        PredictionClient second =
                new PredictionClient(serving.channel(), "s", PredictionClient.Options.model("mnist"), cache);
        first.predict(TestModels.imageWithRow(0, 1f));
        first.predict(TestModels.imageWithRow(1, 1f));
        second.predict(TestModels.imageWithRow(2, 1f));
        assertThat(metadataCalls).hasValue(1);

        new PredictionClient(
                        serving.channel(),
                        "s",
                        new PredictionClient.Options("mnist", VersionChoice.number(1), null, null),
                        cache)
                .predict(TestModels.imageWithRow(2, 1f));
        assertThat(metadataCalls).hasValue(2);
    }

    @Test
    void aModelThatIsNotADigitClassifierIsExplained() throws Exception {
        InProcessServing serving = serve("pairs", TestModels.Kind.TWO_INPUTS, 1);
        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> client(serving.channel(), PredictionClient.Options.model("pairs"))
                        .predict(new float[784]));
        assertThat(e.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e)
                .hasMessageContaining("does not look like a digit classifier")
                .hasMessageContaining("one float input of 784 values per example")
                .hasMessageContaining("a: DT_FLOAT [-1,2]");
    }

    @Test
    void unknownModelNamesTheModel() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 1);
        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> client(serving.channel(), PredictionClient.Options.model("digits"))
                        .predict(new float[784]));
        assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e)
                .hasMessage("test-server has no model named \"digits\". Check the model name: it is the name the"
                        + " server serves the model under (TensorFlow Serving's --model_name, or MODEL_NAME with"
                        + " docker).");
    }

    @Test
    void anUnknownVersionListsTheVersionsThereAre() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 3);
        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> client(
                                serving.channel(),
                                new PredictionClient.Options("mnist", VersionChoice.number(7), null, null))
                        .predict(new float[784]));
        assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e)
                .hasMessage("test-server has no version 7 of model \"mnist\"; it has version 3 (available). Choose one"
                        + " of those, or the latest.");
    }

    /**
     * Versions 1 and 2 of an MNIST-like model, whose answers differ by version, with the labels stable (version 1) and
     * canary (version 2), on an in-process server.
     */
    private InProcessServing serveTwoVersions(ServerInterceptor... interceptors) throws Exception {
        Path base = dir.resolve("mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        TestModels.writeVersion(base, 2, TestModels.Kind.MNIST);
        ModelManager manager = TestModels.loadedWithLabels("mnist", base, Map.of("stable", 1L, "canary", 2L));
        open.add(manager);
        InProcessServing serving = InProcessServing.start(new ServingCore(manager), interceptors);
        open.add(serving);
        return serving;
    }

    private static PredictionClient client(ManagedChannel channel, VersionChoice version) {
        return client(channel, PredictionClient.Options.model("mnist").withVersion(version));
    }

    @Test
    void aLabelOrAVersionNumberChoosesTheVersionThatAnswers() throws Exception {
        InProcessServing serving = serveTwoVersions();
        float[] image = TestModels.imageWithRow(6, 2f);
        MetadataCache cache = new MetadataCache();
        for (var asked : List.of(
                Map.entry(VersionChoice.label("canary"), 2L),
                Map.entry(VersionChoice.label("stable"), 1L),
                Map.entry(VersionChoice.number(1), 1L),
                Map.entry(VersionChoice.LATEST, 2L))) {
            Prediction p = new PredictionClient(
                            serving.channel(),
                            "test-server",
                            PredictionClient.Options.model("mnist").withVersion(asked.getKey()),
                            cache)
                    .predict(image);
            long version = asked.getValue();
            assertThat(p.version()).as("%s", asked.getKey()).isEqualTo(version);
            assertProbabilities(p.probabilities(), TestModels.expectedProbabilities(image, version));
            assertThat(p.label()).isEqualTo(asked.getKey().label());
        }
        assertThat(client(serving.channel(), VersionChoice.label("canary"))
                        .predict(image)
                        .answeredBy())
                .isEqualTo("version 2 (label canary)");
        assertThat(client(serving.channel(), VersionChoice.number(1))
                        .predict(image)
                        .answeredBy())
                .isEqualTo("version 1");
    }

    @Test
    void theVersionsAndLabelsOfTheModelAreListed() throws Exception {
        InProcessServing serving = serveTwoVersions();
        for (VersionChoice asked : List.of(VersionChoice.LATEST, VersionChoice.number(1), VersionChoice.label("x"))) {
            ModelVersions versions = client(serving.channel(), asked).versions();
            assertThat(versions.versions())
                    .as("asked for %s, every version is listed", asked)
                    .containsExactly(
                            new PredictionClient.VersionState(1, "AVAILABLE", ""),
                            new PredictionClient.VersionState(2, "AVAILABLE", ""));
            assertThat(versions.labels()).containsExactly(Map.entry("canary", 2L), Map.entry("stable", 1L));
            assertThat(versions.labelsOf(2)).containsExactly("canary");
            assertThat(versions.describe()).isEqualTo("1 (available, label stable), 2 (available, label canary)");
        }
    }

    /** TensorFlow Serving sends no labels header: the labels are unknown, and a label typed by name still works. */
    @Test
    void withoutTheLabelsHeaderNoLabelsAreListedAndALabelStillWorks() throws Exception {
        InProcessServing serving = serveTwoVersions(Interceptors.withoutHeader(VersionLabels.HEADER));
        ModelVersions versions = client(serving.channel(), VersionChoice.LATEST).versions();
        assertThat(versions.versions())
                .extracting(PredictionClient.VersionState::version)
                .containsExactly(1L, 2L);
        assertThat(versions.labels()).isEmpty();
        assertThat(client(serving.channel(), VersionChoice.label("stable"))
                        .predict(TestModels.imageWithRow(3, 2f))
                        .version())
                .isEqualTo(1);

        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> client(serving.channel(), VersionChoice.label("beta")).predict(new float[784]));
        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e)
                .hasMessage("test-server has no label \"beta\" for model \"mnist\"; it lists no labels, and has"
                        + " versions 1 (available), 2 (available). Check the label, or choose one of those versions or"
                        + " the latest.");
    }

    @Test
    void aLabelsHeaderThatCannotBeReadListsNoLabels() throws Exception {
        InProcessServing serving =
                serveTwoVersions(Interceptors.withHeader(VersionLabels.HEADER, "canary=two,=1,stable"));
        ModelVersions versions = client(serving.channel(), VersionChoice.LATEST).versions();
        assertThat(versions.versions()).hasSize(2);
        assertThat(versions.labels()).isEmpty();
    }

    @Test
    void anUnknownLabelNamesTheLabelsThereAre() throws Exception {
        InProcessServing serving = serveTwoVersions();
        for (Runnable call : List.<Runnable>of(
                () -> client(serving.channel(), VersionChoice.label("beta")).predict(new float[784]),
                () -> client(serving.channel(), VersionChoice.label("beta")).describe())) {
            PredictionException e = catchThrowableOfType(PredictionException.class, call::run);
            assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e)
                    .hasMessage("test-server has no label \"beta\" for model \"mnist\"; its labels are canary (version"
                            + " 2), stable (version 1). Choose one of those, a version, or the latest.");
        }
    }

    @Test
    void aVersionThatIsNotServedListsTheVersionsWithTheirLabels() throws Exception {
        InProcessServing serving = serveTwoVersions();
        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> client(serving.channel(), VersionChoice.number(7)).predict(new float[784]));
        assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e)
                .hasMessage("test-server has no version 7 of model \"mnist\"; it has versions 1 (available, label"
                        + " stable), 2 (available, label canary). Choose one of those, or the latest.");
    }

    @Test
    void aLabelOfAnotherModelIsNoModelOfThatName() throws Exception {
        InProcessServing serving = serveTwoVersions();
        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> client(
                                serving.channel(),
                                PredictionClient.Options.model("digits").withVersion(VersionChoice.label("canary")))
                        .predict(new float[784]));
        assertThat(e).hasMessageStartingWith("test-server has no model named \"digits\".");
    }

    @Test
    void unknownSignatureListsTheOnesThereAre() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 1);
        assertThatThrownBy(() -> client(
                                serving.channel(),
                                new PredictionClient.Options("mnist", VersionChoice.LATEST, "predict_images", null))
                        .predict(new float[784]))
                .hasMessageContaining("has no signature \"predict_images\"; it has [serving_default]");
    }

    @Test
    void deadlineExceededSaysWhichDeadline() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 1, Interceptors.delaying("Predict", 2_000));
        PredictionClient client = client(
                serving.channel(),
                new PredictionClient.Options("mnist", VersionChoice.LATEST, null, Duration.ofMillis(200)));
        PredictionException e = catchThrowableOfType(PredictionException.class, () -> client.predict(new float[784]));
        assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e)
                .hasMessage("test-server did not answer within the deadline of 200 ms. The server may be busy or the"
                        + " network slow; try again, or allow a longer deadline.");
    }

    @Test
    void noServerAtTheAddressAsksWhetherItIsRunning() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServerAddress address = ServerAddress.parse("127.0.0.1:" + port);
        ManagedChannel channel = Channels.open(address, TlsOptions.PLAINTEXT);
        try {
            PredictionException e = catchThrowableOfType(
                    PredictionException.class,
                    () -> new PredictionClient(
                                    channel,
                                    address.display(),
                                    PredictionClient.Options.model("mnist"),
                                    new MetadataCache())
                            .predict(new float[784]));
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e)
                    .hasMessage(
                            "Nothing is answering at 127.0.0.1:" + port + ". Start the server, or check the address.");
        } finally {
            Channels.close(channel, 5);
        }
    }

    @Test
    void aHostNameThatDoesNotResolveIsSaidToBeUnknown() {
        ServerAddress address = ServerAddress.parse("no-such-host.invalid:8500");
        ManagedChannel channel = Channels.open(address, TlsOptions.PLAINTEXT);
        try {
            PredictionException e = catchThrowableOfType(
                    PredictionException.class,
                    () -> new PredictionClient(
                                    channel,
                                    address.display(),
                                    PredictionClient.Options.model("mnist"),
                                    new MetadataCache())
                            .predict(new float[784]));
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e)
                    .hasMessage("The host name of no-such-host.invalid:8500 is not known: it does not resolve to any"
                            + " machine. Check the address for a typo.");
        } finally {
            Channels.close(channel, 5);
        }
    }

    /**
     * A server on a port is stopped for long enough that gRPC's reconnect back-off has grown past 2 s, then started
     * again on the same port: the very next call is answered, not failed until gRPC's next attempt.
     */
    @Test
    void theFirstCallAfterTheServerIsBackIsAnswered() throws Exception {
        Path base = dir.resolve("mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        ModelManager manager = TestModels.loaded(new ModelManager.ModelConfig("mnist", base));
        open.add(manager);
        ServingCore core = new ServingCore(manager);
        ModelServer server = ModelServer.start(core, loopback(0));
        int port = server.grpcPort();
        ServerAddress address = ServerAddress.parse("127.0.0.1:" + port);
        ManagedChannel channel = Channels.open(address, TlsOptions.PLAINTEXT);
        open.add(() -> Channels.close(channel, 5));
        PredictionClient client = new PredictionClient(
                channel, address.display(), PredictionClient.Options.model("mnist"), new MetadataCache());
        float[] image = TestModels.imageWithRow(4, 2f);
        assertThat(client.predict(image).digit()).isEqualTo(4);

        server.close();
        PredictionException down = catchThrowableOfType(PredictionException.class, () -> client.predict(image));
        assertThat(down.code()).isEqualTo(Status.Code.UNAVAILABLE);
        try (ConnectAttempts attempts = ConnectAttempts.hold(port)) {
            // gRPC's own attempts, further and further apart: once two came 2.5 s apart, the next is over 2.5 s away.
            attempts.awaitGap(Duration.ofMillis(2500), Duration.ofSeconds(90));
        }
        ModelServer again = ModelServer.start(core, loopback(port));
        open.add(again);

        assertThat(client.predict(image).digit())
                .as("the first call after the server is back")
                .isEqualTo(4);
    }

    private static ModelServer.Options loopback(int port) {
        return new ModelServer.Options(
                ModelServer.Options.LOOPBACK,
                port,
                0,
                ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                Duration.ofSeconds(10));
    }

    @Test
    void invalidArgumentCarriesTheServersMessage() throws Exception {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name)
                .addService(new PredictionServiceGrpc.PredictionServiceImplBase() {
                    @Override
                    public void getModelMetadata(
                            dev.digitpad.protocol.serving.GetModelMetadataRequest request,
                            StreamObserver<dev.digitpad.protocol.serving.GetModelMetadataResponse> observer) {
                        observer.onError(Status.INVALID_ARGUMENT
                                .withDescription("input \"x\": wrong shape")
                                .asRuntimeException());
                    }

                    @Override
                    public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
                        observer.onError(Status.INTERNAL.asRuntimeException());
                    }
                })
                .build()
                .start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try {
            assertThatThrownBy(() ->
                            client(channel, PredictionClient.Options.model("m")).predict(new float[784]))
                    .hasMessage("test-server refused the request: input \"x\": wrong shape");
        } finally {
            channel.shutdownNow();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerStillLoadingItsModelIsSaidToAnswerButNotBeReady() throws Exception {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name)
                .addService(new PredictionServiceGrpc.PredictionServiceImplBase() {
                    @Override
                    public void getModelMetadata(
                            dev.digitpad.protocol.serving.GetModelMetadataRequest request,
                            StreamObserver<dev.digitpad.protocol.serving.GetModelMetadataResponse> observer) {
                        observer.onError(Status.UNAVAILABLE
                                .withDescription("Model \"m\" is still loading (version 2); try again shortly.")
                                .asRuntimeException());
                    }
                })
                .build()
                .start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try {
            PredictionException e = catchThrowableOfType(
                    PredictionException.class,
                    () -> client(channel, PredictionClient.Options.model("m")).predict(new float[784]));
            assertThat(e.getMessage())
                    .isEqualTo("test-server answers, but cannot predict yet: Model \"m\" is still loading (version 2);"
                            + " try again shortly.");
            assertThat(e.unreachable()).as("not ready is part of an outage").isTrue();
        } finally {
            channel.shutdownNow();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void grpcsOwnWordsForALostConnectionAreNotTakenForTheServers() {
        assertThat(ClientErrors.sentByServer("io exception")).isFalse();
        assertThat(ClientErrors.sentByServer("Network closed for unknown reason"))
                .isFalse();
        assertThat(ClientErrors.sentByServer("Connection closed after GOAWAY. HTTP/2 error code: NO_ERROR"))
                .isFalse();
        assertThat(ClientErrors.sentByServer(null)).isFalse();
        assertThat(ClientErrors.sentByServer("Model \"mnist\" is still loading"))
                .isTrue();
    }

    @Test
    void statusReportsVersionsAndStates() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 4);
        assertThat(client(serving.channel(), PredictionClient.Options.model("mnist"))
                        .status())
                .containsExactly(new PredictionClient.VersionState(4, "AVAILABLE", ""));
    }

    static void assertProbabilities(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int k = 0; k < expected.length; k++) {
            assertThat((double) actual[k]).as("probability of %d", k).isCloseTo(expected[k], within(1e-5));
        }
    }
}
