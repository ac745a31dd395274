package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.server.ServingCore;
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
import java.util.OptionalLong;
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
                        new PredictionClient.Options("mnist", OptionalLong.of(1), null, null),
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
                .hasMessage(
                        "The server at test-server has no model \"digits\" (or not that version): Servable not found"
                                + " for request: Latest(digits). Check the model name and version.");
    }

    @Test
    void unknownSignatureListsTheOnesThereAre() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 1);
        assertThatThrownBy(() -> client(
                                serving.channel(),
                                new PredictionClient.Options("mnist", OptionalLong.empty(), "predict_images", null))
                        .predict(new float[784]))
                .hasMessageContaining("has no signature \"predict_images\"; it has [serving_default]");
    }

    @Test
    void deadlineExceededSaysWhichDeadline() throws Exception {
        InProcessServing serving = serve("mnist", TestModels.Kind.MNIST, 1, Interceptors.delaying("Predict", 2_000));
        PredictionClient client = client(
                serving.channel(),
                new PredictionClient.Options("mnist", OptionalLong.empty(), null, Duration.ofMillis(200)));
        PredictionException e = catchThrowableOfType(PredictionException.class, () -> client.predict(new float[784]));
        assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e).hasMessageContaining("did not answer within the deadline of 200 ms");
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
            assertThat(e).hasMessageStartingWith("No server answers at 127.0.0.1:" + port + " — is it running?");
        } finally {
            Channels.close(channel, 5);
        }
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
                    .hasMessage("The server at test-server refused the request: input \"x\": wrong shape");
        } finally {
            channel.shutdownNow();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
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
