package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.GetModelStatusResponse;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.server.GrpcServices;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health of the connection in use, through the window's view models, against the shipped model on an in-process
 * server that the test stops and starts again under the same name, as a remote server is killed and restarted.
 * Background work runs at once on the test's thread; what comes back for the UI thread is queued and run by
 * {@link #settle()}, as the FX thread would.
 */
class ConnectionHealthTest {
    static ModelManager models;
    static ServingCore core;

    @BeforeAll
    static void load() {
        models = TestModels.loaded(new ModelManager.ModelConfig("mnist", Path.of("assets/models/mnist")));
        core = new ServingCore(models);
    }

    @AfterAll
    static void unload() {
        models.close();
    }

    private final String name = InProcessServerBuilder.generateName();
    private final AtomicBoolean refusePredict = new AtomicBoolean();
    /** While set, the server acts as one restarted but still loading its model: status LOADING, no predictions. */
    private final AtomicBoolean loading = new AtomicBoolean();

    private final ConcurrentLinkedQueue<Runnable> ui = new ConcurrentLinkedQueue<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private Server server;

    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, ui::add);
    private final PadViewModel pad = new PadViewModel(scheduler);
    private final PredictionViewModel prediction = new PredictionViewModel(scheduler);
    private final ServerViewModel serverVm = new ServerViewModel(this::open, Runnable::run, ui::add);
    private final MainViewModel vm = new MainViewModel(scheduler, pad, prediction, serverVm, Runnable::run, ui::add);
    private final List<Problem> problems = new ArrayList<>();

    @BeforeEach
    void connect() throws IOException {
        vm.problemProperty().addListener((o, a, p) -> {
            if (p != null) {
                problems.add(p);
            }
        });
        start();
        serverVm.embeddedProperty().set(false);
        serverVm.addressProperty().set("127.0.0.1:8500");
        serverVm.connect();
        settle();
        assertThat(serverVm.stateTextProperty().get()).isEqualTo("Connected to 127.0.0.1:8500");
    }

    @AfterEach
    void stop() throws InterruptedException {
        serverVm.close();
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Starts (again) the server, under the test's name; while {@link #refusePredict}, it refuses predictions. */
    private void start() throws IOException {
        ServerInterceptor refusing = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String method = call.getMethodDescriptor().getBareMethodName();
                if (loading.get() && method.equals("GetModelStatus")) {
                    @SuppressWarnings("unchecked")
                    ServerCall<Q, GetModelStatusResponse> status = (ServerCall<Q, GetModelStatusResponse>) call;
                    status.sendHeaders(new Metadata());
                    status.sendMessage(GetModelStatusResponse.newBuilder()
                            .addModelVersionStatus(ModelVersionStatus.newBuilder()
                                    .setVersion(2)
                                    .setState(ModelVersionStatus.State.LOADING))
                            .build());
                    status.close(Status.OK, new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                if (loading.get() && !method.equals("GetModelStatus")) {
                    call.close(
                            Status.UNAVAILABLE.withDescription("Model \"mnist\" is still loading (version 2)"),
                            new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                if (refusePredict.get() && method.equals("Predict")) {
                    call.close(Status.RESOURCE_EXHAUSTED.withDescription("too many requests"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        server = new GrpcServices(core)
                .addTo(InProcessServerBuilder.forName(name).intercept(refusing))
                .build()
                .start();
    }

    private void kill() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A session over a channel of its own to the test's server, named by the settings' address. */
    private ServerSession open(ServerSettings s) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        channels.add(channel);
        PredictionClient client = new PredictionClient(
                channel, s.address(), PredictionClient.Options.model(s.model()), new MetadataCache());
        return new ServerSession() {
            @Override
            public String name() {
                return s.address();
            }

            @Override
            public PredictionClient client() {
                return client;
            }

            @Override
            public void close() {
                channel.shutdownNow();
            }
        };
    }

    /** Runs what came back for the UI thread, until nothing more comes. */
    private void settle() {
        for (Runnable r; (r = ui.poll()) != null; ) {
            r.run();
        }
    }

    /**
     * Draws a 7 on a clear pad, as the mouse would, predicts it (Enter: live prediction is off, so that each 7 is one
     * call), and lets everything it started finish.
     */
    private void drawSeven() {
        pad.liveProperty().set(false);
        pad.clear();
        pad.beginStroke(60, 50);
        pad.extendStroke(140, 50);
        pad.extendStroke(220, 50);
        pad.extendStroke(175, 150);
        pad.extendStroke(130, 250);
        pad.endStroke();
        pad.predictNow();
        settle();
    }

    @Test
    void anUnreachableServerIsOneProblemPerOutageAndAnAnswerEndsIt() throws Exception {
        drawSeven();
        assertThat(prediction.headlineProperty().get()).isEqualTo("7");
        assertThat(problems).isEmpty();

        kill();
        drawSeven();
        drawSeven();
        drawSeven();
        assertThat(problems)
                .as("one problem for the outage, not one per failed call")
                .hasSize(1);
        assertThat(problems.get(0).title()).isEqualTo("127.0.0.1:8500 unreachable");
        assertThat(serverVm.stateTextProperty().get())
                .matches("127\\.0\\.0\\.1:8500 unreachable since \\d\\d:\\d\\d:\\d\\d");
        assertThat(health().stateProperty().get()).isEqualTo(ConnectionHealth.State.UNREACHABLE);
        assertThat(serverVm.stateTextProperty().get())
                .endsWith(ConnectionHealth.time(health().sinceProperty().get()));
        assertThat(prediction.resultProperty().get().prediction()).isEmpty();

        start();
        drawSeven();
        assertThat(prediction.headlineProperty().get())
                .as("the first stroke after the server is back is answered")
                .isEqualTo("7");
        assertThat(serverVm.stateTextProperty().get()).isEqualTo("Connected to 127.0.0.1:8500");
        assertThat(health().stateProperty().get()).isEqualTo(ConnectionHealth.State.ANSWERING);
        assertThat(health().sinceProperty().get()).isNull();
        assertThat(problems).hasSize(1);

        kill();
        drawSeven();
        drawSeven();
        assertThat(problems).as("a second outage is told once more").hasSize(2);
    }

    private ConnectionHealth health() {
        return serverVm.health();
    }

    @Test
    void aServerBackButStillLoadingItsModelIsTheSameOutageUntilItAnswers() throws Exception {
        kill();
        drawSeven();
        assertThat(problems).hasSize(1);

        loading.set(true);
        start();
        serverVm.retryNow(); // the check finds the server, but no version of the model ready
        settle();
        assertThat(health().stateProperty().get())
                .as("a model still loading does not end the outage")
                .isNotEqualTo(ConnectionHealth.State.ANSWERING);
        drawSeven(); // refused while loading: still the same outage, no second notification
        assertThat(problems).hasSize(1);
        assertThat(prediction.headlineProperty().get()).isNotEqualTo("7");

        loading.set(false);
        drawSeven();
        assertThat(health().stateProperty().get()).isEqualTo(ConnectionHealth.State.ANSWERING);
        assertThat(prediction.headlineProperty().get()).isEqualTo("7");
        assertThat(problems).hasSize(1);
    }

    @Test
    void retryNowReconnectsWhileTheCheckRunsAndPredictsTheDrawingOnceTheServerIsBack() throws Exception {
        kill();
        drawSeven();
        assertThat(problems).hasSize(1);
        String outage = serverVm.stateTextProperty().get();

        serverVm.retryNow(); // the check's outcome comes back through the UI thread, still queued
        assertThat(health().stateProperty().get()).isEqualTo(ConnectionHealth.State.RECONNECTING);
        assertThat(serverVm.stateTextProperty().get()).isEqualTo("Reconnecting to 127.0.0.1:8500…");
        settle();
        assertThat(serverVm.stateTextProperty().get())
                .as("still down: the same outage, since the same time")
                .isEqualTo(outage);
        assertThat(problems).hasSize(1);

        start();
        serverVm.retryNow();
        settle();
        assertThat(health().stateProperty().get()).isEqualTo(ConnectionHealth.State.ANSWERING);
        assertThat(prediction.headlineProperty().get())
                .as("the drawing on the pad is predicted again, without a new stroke")
                .isEqualTo("7");
        assertThat(problems).hasSize(1);
    }

    @Test
    void whenTheChannelConnectsAgainByItselfTheServerIsCheckedAndTheDrawingPredicted() throws Exception {
        kill();
        drawSeven();
        assertThat(health().stateProperty().get()).isEqualTo(ConnectionHealth.State.UNREACHABLE);

        start(); // no stroke, no Retry now: gRPC's own reconnect, with its back-off, finds the server
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (health().stateProperty().get() != ConnectionHealth.State.ANSWERING && System.nanoTime() < end) {
            Thread.sleep(50);
            settle();
        }
        assertThat(health().stateProperty().get()).isEqualTo(ConnectionHealth.State.ANSWERING);
        assertThat(serverVm.stateTextProperty().get()).isEqualTo("Connected to 127.0.0.1:8500");
        assertThat(prediction.headlineProperty().get()).isEqualTo("7");
        assertThat(problems).hasSize(1);
    }

    @Test
    void theSameFailureOfAnAnsweringServerIsReportedOnceUntilAnAnswer() {
        refusePredict.set(true);
        drawSeven();
        drawSeven();
        drawSeven();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message()).contains("too many requests");
        assertThat(serverVm.stateTextProperty().get())
                .as("the server answers, if with an error")
                .isEqualTo("Connected to 127.0.0.1:8500");

        refusePredict.set(false);
        drawSeven();
        assertThat(prediction.headlineProperty().get()).isEqualTo("7");
        refusePredict.set(true);
        drawSeven();
        assertThat(problems).as("after an answer, the failure is news again").hasSize(2);
    }
}
