package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.headline;
import static dev.digitpad.app.desktop.DesktopAppTest.stroke;
import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.ConnectAttempts;
import dev.digitpad.testing.TestModels;
import dev.digitpad.ui.PredictionResult;
import dev.digitpad.ui.ServerViewModel;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Popup;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The whole window against a real network server on a loopback port, which the test stops and starts again: an
 * outage is one notification and a status bar that says so, the stroke after the server is back is answered, and the
 * Server tab says which server is in use when the form's settings fail.
 */
class ServerOutageWindowTest extends WholeWindow {
    /** Every notification pop-up the window opened, as the person saw them: ControlsFX shows each in a Popup. */
    private final List<Popup> popups = new ArrayList<>();

    private ModelManager models;
    private ServingCore core;
    private final List<ModelServer> servers = new ArrayList<>();

    @Override
    void beforeOpening(Stage stage) {
        Window.getWindows().addListener((ListChangeListener<Window>) change -> {
            while (change.next()) {
                for (Window w : change.getAddedSubList()) {
                    if (w instanceof Popup p && !popups.contains(p)) {
                        popups.add(p);
                    }
                }
            }
        });
    }

    @AfterEach
    void stopServers() {
        servers.forEach(ModelServer::close);
        if (models != null) {
            models.close();
        }
    }

    /** Starts a server of the shipped model, named "digits", on {@code port} of 127.0.0.1 (0: any free port). */
    private ModelServer serve(int port) throws Exception {
        if (models == null) {
            models = TestModels.loaded(new ModelManager.ModelConfig("digits", AppPaths.shippedModel()));
            core = new ServingCore(models);
        }
        ModelServer server = ModelServer.start(
                core,
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        port,
                        0,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(10)));
        servers.add(server);
        return server;
    }

    /** How many notifications have been shown so far. */
    private int notifications(FxRobot robot) {
        int[] n = new int[1];
        robot.interact(() -> n[0] = (int) popups.stream()
                .filter(p -> p.getContent().stream()
                        .anyMatch(c -> c.getStyleClass().contains("notification-bar")
                                || c.lookup(".notification-bar") != null))
                .count());
        return n[0];
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private static String status(FxRobot robot) {
        return robot.lookup("#status").queryAs(StatusBar.class).getText();
    }

    private void connected() throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
    }

    /** Types {@code address} and {@code model} into the Server tab's form for a remote server. */
    private static void fillIn(FxRobot robot, String address, String model) {
        robot.clickOn("Server");
        robot.clickOn("#remote");
        robot.doubleClickOn("#address").eraseText(30).write(address);
        robot.doubleClickOn("#model").eraseText(20).write(model);
    }

    /** Connects the window to {@code address} with model "digits", and waits until it is in use. */
    private static void connectTo(FxRobot robot, String address) throws TimeoutException {
        fillIn(robot, address, "digits");
        robot.clickOn("#connect");
        waitFor(() -> status(robot).equals("Connected to " + address));
    }

    /** Waits until the Server tab has finished connecting (or failing to). */
    private void settledServer() throws TimeoutException {
        var server = desktop.viewModel().server();
        waitFor(() -> !server.busyProperty().get() && server.stateProperty().get() != ServerViewModel.State.CONNECTING);
    }

    /** Clears the pad (the tool bar's Clear) and draws a 7. */
    private static void drawSeven(FxRobot robot) {
        robot.clickOn("#clear");
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
    }

    /** Waits until the drawing on the pad has its result shown and nothing is being predicted; returns it. */
    private PredictionResult settled() throws TimeoutException {
        var vm = desktop.viewModel();
        waitFor(() -> vm.prediction().resultProperty().get().drawing()
                        == vm.pad().drawingProperty().get()
                && !vm.prediction().busyProperty().get());
        return vm.prediction().resultProperty().get();
    }

    @Test
    void anOutageIsOneNotificationAndTheStrokeAfterTheServerIsBackIsAnswered(FxRobot robot) throws Exception {
        connected();
        ModelServer server = serve(0);
        int port = server.grpcPort();
        String address = "127.0.0.1:" + port;
        connectTo(robot, address);
        robot.clickOn("Prediction");
        drawSeven(robot);
        waitFor(() -> headline(robot).equals("7"));
        int before = notifications(robot);

        server.close();
        drawSeven(robot);
        drawSeven(robot);
        assertThat(settled().prediction()).isEmpty();
        assertThat(notifications(robot) - before)
                .as("notifications for one outage, whatever the number of failed calls")
                .isEqualTo(1);
        waitFor(() -> status(robot).startsWith(address + " unreachable since "));
        assertThat(status(robot)).matches("127\\.0\\.0\\.1:\\d+ unreachable since \\d\\d:\\d\\d:\\d\\d");
        assertThat(text(robot, "#status-roundtrip"))
                .as("no round trip is shown as if all were well")
                .isEmpty();

        try (ConnectAttempts attempts = ConnectAttempts.hold(port)) {
            // gRPC's own attempts while the port is held, further and further apart: once two came 2.5 s apart, its
            // next one is over 2.5 s away, longer than the restart and the stroke below take.
            attempts.awaitGap(Duration.ofMillis(2500), Duration.ofSeconds(90));
        }
        serve(port);
        drawSeven(robot);
        PredictionResult after = settled();
        assertThat(after.prediction())
                .as("the first stroke after the server is back is answered")
                .isPresent();
        assertThat(headline(robot)).isEqualTo("7");
        waitFor(() -> status(robot).equals("Connected to " + address));
        assertThat(notifications(robot) - before).isEqualTo(1);
    }

    @Test
    void retryNowIsOfferedDuringAnOutageAndPredictsTheDrawingOnceTheServerIsBack(FxRobot robot) throws Exception {
        connected();
        ModelServer server = serve(0);
        int port = server.grpcPort();
        String address = "127.0.0.1:" + port;
        connectTo(robot, address);
        robot.clickOn("Prediction");
        assertThat(robot.lookup("#retry-now").queryAs(Node.class).isVisible()).isFalse();
        int before = notifications(robot);

        server.close();
        drawSeven(robot);
        waitFor(() -> status(robot).startsWith(address + " unreachable since "));
        String since = status(robot);
        assertThat(robot.lookup("#retry-now").queryAs(Node.class).isVisible()).isTrue();
        // The status bar's link and the Server tab's button do the same; the tab's is not under the notification.
        robot.clickOn("Server");
        assertThat(robot.lookup("#server-retry").queryAs(Node.class).isVisible())
                .isTrue();
        robot.clickOn("#server-retry");
        settled();
        waitFor(() -> !desktop.viewModel().server().busyProperty().get());
        waitFor(() -> status(robot).equals(since));
        assertThat(notifications(robot) - before)
                .as("retrying while the server is still down is the same outage")
                .isEqualTo(1);

        try (ConnectAttempts attempts = ConnectAttempts.hold(port)) {
            // Once gRPC's own attempts came 2.5 s apart, its next one is over 2.5 s away: what answers the drawing
            // before then is Retry now.
            attempts.awaitGap(Duration.ofMillis(2500), Duration.ofSeconds(90));
        }
        serve(port);
        assertThat(robot.lookup("#server-retry").queryAs(Node.class).isVisible())
                .isTrue();
        robot.clickOn("#server-retry");
        robot.clickOn("Prediction");
        waitFor(() -> headline(robot).equals("7"));
        waitFor(() -> status(robot).equals("Connected to " + address));
        assertThat(robot.lookup("#retry-now").queryAs(Node.class).isVisible()).isFalse();
        assertThat(robot.lookup("#server-retry").queryAs(Node.class).isVisible())
                .isFalse();
        assertThat(notifications(robot) - before).isEqualTo(1);
    }

    @Test
    void afterAFailedConnectTheServerTabSaysWhichServerIsInUseAndKeepsTheForm(FxRobot robot) throws Exception {
        connected();
        String address = "127.0.0.1:" + serve(0).grpcPort();
        connectTo(robot, address);
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String nowhere = "127.0.0.1:" + closed;
        robot.doubleClickOn("#address").eraseText(30).write(nowhere);
        robot.clickOn("#connect");
        settledServer();

        assertThat(text(robot, "#server-state"))
                .isEqualTo("Using " + address + " (model digits).\nConnecting to " + nowhere
                        + " (model digits) failed: Nothing is answering at " + nowhere
                        + ". Start the server, or check the address.");
        assertThat(robot.lookup("#address").queryAs(TextField.class).getText())
                .as("the form keeps what was typed")
                .isEqualTo(nowhere);
        assertThat(status(robot)).isEqualTo("Connected to " + address);
    }

    @Test
    void aWrongModelNameIsReportedAsSuch(FxRobot robot) throws Exception {
        connected();
        String address = "127.0.0.1:" + serve(0).grpcPort();
        fillIn(robot, address, "nosuchmodel");
        robot.clickOn("#connect");
        settledServer();
        assertThat(text(robot, "#server-state"))
                .startsWith("Using embedded server (model mnist).\nConnecting to " + address
                        + " (model nosuchmodel) failed: " + address + " has no model named \"nosuchmodel\". Check the"
                        + " model name")
                .doesNotContain("Could not connect");
        assertThat(status(robot)).isEqualTo("Connected to embedded server");
    }

    @Test
    void aFailedTestIsClearedByASuccessfulConnect(FxRobot robot) throws Exception {
        connected();
        String address = "127.0.0.1:" + serve(0).grpcPort();
        fillIn(robot, address, "nosuchmodel");
        robot.clickOn("#test-connection");
        waitFor(() -> text(robot, "#test-result").startsWith("Failed"));

        robot.doubleClickOn("#model").eraseText(20).write("digits");
        robot.clickOn("#connect");
        waitFor(() -> status(robot).equals("Connected to " + address));
        assertThat(text(robot, "#test-result"))
                .as("the failed test of other settings is gone")
                .doesNotContain("nosuchmodel")
                .doesNotContain("Failed");
    }
}
