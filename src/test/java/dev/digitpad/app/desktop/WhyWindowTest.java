package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.stroke;
import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.server.GrpcServices;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.HeldCalls;
import dev.digitpad.testing.TestModels;
import dev.digitpad.ui.ImshowView;
import dev.digitpad.ui.PredictionResult;
import dev.digitpad.ui.ServerSettings;
import dev.digitpad.ui.ServerViewModel;
import dev.digitpad.ui.Settings;
import dev.digitpad.ui.WhyViewModel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * View &gt; Why in the whole window, against a network server whose map calls (the Predict calls of more than one
 * image) the test can hold: the overlay toggles, a click on a digit shows that digit's map, and a new stroke cancels a
 * map being worked out, so that it never reaches the screen.
 */
class WhyWindowTest extends WholeWindow {
    @TempDir
    static Path models;

    private static ModelManager manager;
    private static Server server;
    /** Holds the calls of more than one image: the map's, never the prediction's. */
    private static final HeldCalls MAP_CALLS = new HeldCalls(
            "Predict",
            r -> ((PredictRequest) r)
                            .getInputsMap()
                            .values()
                            .iterator()
                            .next()
                            .getTensorShape()
                            .getDim(0)
                            .getSize()
                    > 1);

    @BeforeAll
    static void serve() throws Exception {
        TestModels.writeVersion(models.resolve("mnist"), 1, TestModels.Kind.MNIST);
        manager = TestModels.loaded(new ModelManager.ModelConfig("mnist", models.resolve("mnist")));
        server = new GrpcServices(new ServingCore(manager))
                .addTo(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .intercept(MAP_CALLS)
                .build()
                .start();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        MAP_CALLS.release();
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (manager != null) {
            manager.close();
        }
    }

    /** The window starts connected to the test's server: its settings say so before it opens. */
    @Override
    void beforeOpening(Stage stage) {
        ServerSettings remote = ServerSettings.EMBEDDED.withAddress("127.0.0.1:" + server.getPort());
        remote = new ServerSettings(
                false, remote.address(), remote.model(), remote.signature(), false, "", "", "", remote.version());
        new JsonSettingsStore(dir.resolve("settings.json"))
                .save(new Settings(remote, 22, true, Settings.Theme.LIGHT, 0.6, false, "", null, false));
    }

    @AfterEach
    void letCallsGo() {
        MAP_CALLS.release();
    }

    private WhyViewModel why() {
        return desktop.viewModel().why();
    }

    private PredictionResult shownResult() {
        return desktop.viewModel().prediction().resultProperty().get();
    }

    /** Draws a stroke and waits until its answer is on screen. */
    private void drawAndAwaitAnswer(FxRobot robot, double... xy) throws TimeoutException {
        stroke(robot, xy);
        waitFor(() -> shownResult().drawing()
                        == desktop.viewModel().pad().drawingProperty().get()
                && shownResult().prediction().isPresent());
    }

    private void connected() throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
    }

    @Test
    void theWhyOverlayTogglesAndAClickedDigitShowsItsMap(FxRobot robot) throws TimeoutException {
        connected();
        drawAndAwaitAnswer(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        ImshowView imshow = robot.lookup("#imshow").queryAs(ImshowView.class);
        assertThat(imshow.overlayProperty().get()).isNull();

        robot.clickOn("View");
        robot.clickOn("Why (occlusion map)");
        waitFor(() -> imshow.overlayProperty().get() != null);
        WhyViewModel.Shown shown = why().shownProperty().get();
        int top = shownResult().prediction().orElseThrow().digit();
        assertThat(shown.digit()).isEqualTo(top);
        assertThat(shown.tensor()).isSameAs(shownResult().tensor().orElseThrow());
        assertThat(imshow.overlayProperty().get()).containsExactly(shown.all().of(top));
        Label status = robot.lookup("#why-status").queryAs(Label.class);
        assertThat(status.isVisible()).isTrue();
        assertThat(status.getText()).startsWith("Why " + top + ": red for it, blue against · ");
        assertThat(desktop.viewModel().settings().why()).isTrue();

        // Another digit's map, from the same calls.
        int other = top == 1 ? 2 : 1;
        robot.clickOn("#percent-" + other);
        waitFor(() -> why().shownProperty().get().digit() == other);
        assertThat(why().shownProperty().get().all()).isSameAs(shown.all());
        assertThat(imshow.overlayProperty().get()).containsExactly(shown.all().of(other));
        assertThat(status.getText()).startsWith("Why " + other + ":");

        robot.clickOn("View");
        robot.clickOn("Why (occlusion map)");
        waitFor(() -> imshow.overlayProperty().get() == null);
        assertThat(status.isVisible()).isFalse();
        assertThat(desktop.viewModel().settings().why()).isFalse();
    }

    @Test
    void aNewStrokeCancelsAMapBeingWorkedOutAndItsMapNeverShows(FxRobot robot) throws TimeoutException {
        connected();
        List<WhyViewModel.Shown> everShown = new CopyOnWriteArrayList<>();
        robot.interact(() -> {
            why().enabledProperty().set(true);
            why().shownProperty().addListener((o, a, s) -> {
                if (s != null) {
                    everShown.add(s);
                }
            });
        });
        MAP_CALLS.hold();
        drawAndAwaitAnswer(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        PredictionResult first = shownResult();
        // The answer is on screen while its map's first call waits at the server (and no other was cancelled).
        waitFor(() -> MAP_CALLS.held() >= 1 && MAP_CALLS.cancelled() == MAP_CALLS.held() - 1);
        assertThat(why().workingProperty().get()).isTrue();
        int heldForTheFirst = MAP_CALLS.held();

        drawAndAwaitAnswer(robot, 0.5, 0.15, 0.5, 0.9);
        // The client cancelled the held call of the first drawing's map; the second drawing's map now waits.
        waitFor(() -> MAP_CALLS.held() > heldForTheFirst && MAP_CALLS.cancelled() == MAP_CALLS.held() - 1);
        assertThat(MAP_CALLS.cancelled()).isGreaterThanOrEqualTo(heldForTheFirst);
        PredictionResult second = shownResult();
        assertThat(second.drawing()).isNotSameAs(first.drawing());
        assertThat(why().shownProperty().get()).isNull();

        MAP_CALLS.release();
        waitFor(() -> why().shownProperty().get() != null);
        assertThat(why().shownProperty().get().tensor())
                .isSameAs(second.tensor().orElseThrow());
        assertThat(everShown)
                .allSatisfy(s -> assertThat(s.tensor()).isSameAs(second.tensor().orElseThrow()));
        ImshowView imshow = robot.lookup("#imshow").queryAs(ImshowView.class);
        assertThat(imshow.dataProperty().get()).isSameAs(second.tensor().orElseThrow());
        assertThat(imshow.overlayProperty().get()).isNotNull();
    }
}
