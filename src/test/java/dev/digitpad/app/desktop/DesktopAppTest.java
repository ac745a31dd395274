package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.javafx.scene.input.DragboardHelper;
import com.sun.javafx.tk.TKClipboard;
import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.app.shared.AppVersion;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.testing.TestModels;
import dev.digitpad.ui.Headline;
import dev.digitpad.ui.PadViewModel;
import dev.digitpad.ui.ServerViewModel;
import dev.digitpad.ui.Settings;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javafx.embed.swing.SwingFXUtils;
import javafx.event.Event;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.image.WritableImage;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import javafx.util.Pair;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The whole window, headless (Monocle), with the shipped model on the embedded server; a robot draws with the mouse. */
class DesktopAppTest extends WholeWindow {

    private PadViewModel pad() {
        return desktop.viewModel().pad();
    }

    static void waitFor(BooleanSupplier condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void connected() throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
    }

    /** Draws a stroke through points given in fractions of the pad. */
    static void stroke(FxRobot robot, double... xy) {
        Bounds b = robot.lookup("#pad-canvas")
                .query()
                .localToScreen(robot.lookup("#pad-canvas").query().getBoundsInLocal());
        robot.moveTo(new Point2D(b.getMinX() + xy[0] * b.getWidth(), b.getMinY() + xy[1] * b.getHeight()));
        robot.press(MouseButton.PRIMARY);
        for (int i = 2; i < xy.length; i += 2) {
            robot.moveTo(new Point2D(b.getMinX() + xy[i] * b.getWidth(), b.getMinY() + xy[i + 1] * b.getHeight()));
        }
        robot.release(MouseButton.PRIMARY);
    }

    static String headline(FxRobot robot) {
        return robot.lookup("#headline").queryAs(Label.class).getText();
    }

    @Test
    void theWindowIsTitledAndStartsEmpty(FxRobot robot) throws TimeoutException {
        assertThat(stage.getTitle()).contains("DigitPad");
        connected();
        assertThat(headline(robot)).isEqualTo(Headline.DRAW_A_DIGIT);
        assertThat(robot.lookup("#status-model").queryAs(Label.class).getText()).contains("mnist");
    }

    @Test
    void theWindowHasDigitPadsIconAtEverySize() {
        assertThat(stage.getIcons()).extracting(i -> (int) i.getWidth()).containsExactly(16, 24, 32, 48, 64, 128, 256);
        assertThat(stage.getIcons()).allSatisfy(i -> assertThat(i.isError()).isFalse());
    }

    @Test
    void helpAboutShowsTheVersionAndTheModelInUse(FxRobot robot) throws TimeoutException {
        connected();
        robot.clickOn("Help");
        robot.clickOn("About DigitPad");
        waitFor(() -> robot.lookup("#about").tryQuery().isPresent());
        javafx.scene.control.DialogPane about = robot.lookup("#about").queryAs(javafx.scene.control.DialogPane.class);
        // The tests run from target/classes, which has no manifest: the version says so.
        assertThat(about.getHeaderText()).isEqualTo("DigitPad " + AppVersion.current());
        assertThat(about.getContentText())
                .contains("Version: " + AppVersion.current())
                .contains("\n"
                        + robot.lookup("#status-model").queryAs(Label.class).getText() + "\n")
                .contains("Settings: " + dir.resolve("settings.json"));
        robot.interact(() -> about.getScene().getWindow().hide());
    }

    @Test
    void aSevenDrawnWithTheMouseIsReadAsSeven(FxRobot robot) throws TimeoutException {
        connected();
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        waitFor(() -> headline(robot).equals("7"));
        assertThat(robot.lookup("#detail").queryAs(Label.class).getText()).endsWith("sure");
    }

    @Test
    void undoRedoAndClear(FxRobot robot) throws TimeoutException {
        connected();
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        waitFor(() -> headline(robot).equals("7"));
        robot.clickOn("#undo");
        waitFor(() -> headline(robot).equals(Headline.DRAW_A_DIGIT));
        assertThat(pad().drawingProperty().get().isBlank()).isTrue();
        robot.clickOn("#redo");
        waitFor(() -> headline(robot).equals("7"));
        robot.clickOn("#clear");
        waitFor(() -> headline(robot).equals(Headline.DRAW_A_DIGIT));
        assertThat(pad().canUndoProperty().get()).isTrue();
    }

    @Test
    void keyboardShortcutsUndoRedoAndClear(FxRobot robot) throws TimeoutException {
        connected();
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        waitFor(() -> headline(robot).equals("7"));
        robot.push(KeyCode.CONTROL, KeyCode.Z);
        waitFor(() -> pad().drawingProperty().get().isBlank());
        robot.push(KeyCode.CONTROL, KeyCode.Y);
        waitFor(() -> !pad().drawingProperty().get().isBlank());
        robot.push(KeyCode.CONTROL, KeyCode.Z);
        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.Z);
        waitFor(() -> !pad().drawingProperty().get().isBlank());
        robot.push(KeyCode.BACK_SPACE);
        waitFor(() -> pad().drawingProperty().get().isBlank());
        assertThat(headline(robot)).isEqualTo(Headline.DRAW_A_DIGIT);
    }

    @Test
    void resizingTheWindowKeepsTheDrawing(FxRobot robot) throws Exception {
        connected();
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        waitFor(() -> headline(robot).equals("7"));
        var before = pad().drawingProperty().get();
        robot.interact(() -> {
            stage.setWidth(800);
            stage.setHeight(560);
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(pad().drawingProperty().get()).isSameAs(before);
        Canvas canvas = robot.lookup("#pad-canvas").queryAs(Canvas.class);
        WritableImage shot =
                WaitForAsyncUtils.asyncFx(() -> canvas.snapshot(null, null)).get(10, TimeUnit.SECONDS);
        int side = (int) shot.getWidth();
        assertThat(side).isLessThan(480);
        assertThat(shot.getPixelReader().getArgb(side / 2, (int) (0.2 * side)) & 0xffffff)
                .as("the 7's bar, redrawn")
                .isZero();
        assertThat(shot.getPixelReader().getArgb(side / 2, (int) (0.95 * side)) & 0xffffff)
                .isEqualTo(0xffffff);
    }

    @Test
    void atTheSmallestSupportedSizeEveryPartIsWhollyVisible(FxRobot robot) throws Exception {
        connected();
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        WaitForAsyncUtils.waitForFxEvents();
        Bounds window = new javafx.geometry.BoundingBox(
                0, 0, stage.getScene().getWidth(), stage.getScene().getHeight());
        for (String id : new String[] {
            "#pad-canvas",
            "#pen-width",
            "#eraser",
            "#live",
            "#imshow",
            "#distribution",
            "#headline",
            "#detail",
            "#threshold",
            "#status",
            "#status-roundtrip"
        }) {
            Node node = robot.lookup(id).query();
            Bounds b = node.localToScene(node.getBoundsInLocal());
            assertThat(node.isVisible()).as("%s is visible", id).isTrue();
            assertThat(window.contains(b))
                    .as("%s (%s) lies inside the 1024x700 window (%s)", id, b, window)
                    .isTrue();
        }
        Node pad = robot.lookup("#pad-canvas").query();
        assertThat(pad.getBoundsInLocal().getWidth())
                .as("the pad is big enough to draw on")
                .isGreaterThanOrEqualTo(360);
        double[] axes = robot.lookup("#imshow")
                .queryAs(dev.digitpad.ui.ImshowView.class)
                .axes();
        assertThat(axes[2])
                .as("the model's-eye view has at least 6 screen pixels per cell")
                .isGreaterThanOrEqualTo(6 * 28);
    }

    @Test
    void anImageFileIsShownOnThePadAndPredicted(FxRobot robot) throws Exception {
        connected();
        Path file = dir.resolve("three.png");
        ImageIO.write(DigitSketches.draw(3, 50, 30, 210, 22, true), "png", file.toFile());
        robot.interact(() -> desktop.viewModel().open(file));
        waitFor(() -> headline(robot).equals("3"));
        assertThat(pad().drawingProperty().get().background()).isPresent();
    }

    @Test
    void anImageIsPastedWithCtrlV(FxRobot robot) throws Exception {
        connected();
        var image = SwingFXUtils.toFXImage(DigitSketches.draw(0, 60, 30, 210, 22, false), null);
        robot.interact(() -> {
            ClipboardContent content = new ClipboardContent();
            content.putImage(image);
            Clipboard.getSystemClipboard().setContent(content);
        });
        robot.push(KeyCode.CONTROL, KeyCode.V);
        waitFor(() -> headline(robot).equals("0"));
    }

    @Test
    void anImageFileDroppedOnThePadIsShownAndPredicted(FxRobot robot) throws Exception {
        connected();
        Path file = dir.resolve("four.png");
        ImageIO.write(DigitSketches.draw(4, 40, 30, 210, 22, true), "png", file.toFile());
        // Headless Monocle cannot run a real drag gesture (TestFX's robot stalls in its nested event loop), so the
        // test sends the pad the two events a drag from another program produces, with a dragboard carrying the file.
        ClipboardContent aFile = new ClipboardContent();
        aFile.putFiles(java.util.List.of(file.toFile()));
        assertThat(dropOnPad(robot, aFile))
                .as("the pad accepts a dragged file, and completes its drop")
                .isTrue();
        waitFor(() -> headline(robot).equals("4"));
        assertThat(pad().drawingProperty().get().background()).isPresent();

        ClipboardContent anImage = new ClipboardContent(); // as a web browser drags a picture
        anImage.putImage(SwingFXUtils.toFXImage(DigitSketches.draw(0, 60, 30, 210, 22, false), null));
        assertThat(dropOnPad(robot, anImage))
                .as("the pad accepts a dragged image, and completes its drop")
                .isTrue();
        waitFor(() -> headline(robot).equals("0"));
        robot.interact(pad()::undo); // a drop is undoable like any change
        waitFor(() -> headline(robot).equals("4"));
    }

    /** Drags {@code content} over the pad and drops it; whether the pad accepted the copy and completed the drop. */
    private static boolean dropOnPad(FxRobot robot, ClipboardContent content) {
        Node canvas = robot.lookup("#pad-canvas").query();
        boolean[] done = new boolean[1];
        robot.interact(() -> {
            Dragboard board =
                    DragboardHelper.createDragboard(new OfferedDrag(Set.of(TransferMode.COPY, TransferMode.MOVE)));
            board.setContent(content);
            DragEvent over = drag(canvas, DragEvent.DRAG_OVER, board);
            Event.fireEvent(canvas, over);
            DragEvent drop = drag(canvas, DragEvent.DRAG_DROPPED, board);
            Event.fireEvent(canvas, drop);
            done[0] = over.getAcceptedTransferMode() == TransferMode.COPY && drop.isDropCompleted();
        });
        return done[0];
    }

    /** What a drag from another program offers: its content and the transfer modes its source allows. */
    private static final class OfferedDrag implements TKClipboard {
        private final Map<DataFormat, Object> content = new HashMap<>();
        private final Set<TransferMode> modes;

        OfferedDrag(Set<TransferMode> modes) {
            this.modes = modes;
        }

        @Override
        public Set<DataFormat> getContentTypes() {
            return content.keySet();
        }

        @SafeVarargs
        @Override
        public final boolean putContent(Pair<DataFormat, Object>... items) {
            for (Pair<DataFormat, Object> item : items) {
                content.put(item.getKey(), item.getValue());
            }
            return true;
        }

        @Override
        public Object getContent(DataFormat format) {
            return content.get(format);
        }

        @Override
        public boolean hasContent(DataFormat format) {
            return content.containsKey(format);
        }

        @Override
        public Set<TransferMode> getTransferModes() {
            return modes;
        }

        @Override
        public void setDragView(javafx.scene.image.Image image) {}

        @Override
        public void setDragViewOffsetX(double x) {}

        @Override
        public void setDragViewOffsetY(double y) {}

        @Override
        public javafx.scene.image.Image getDragView() {
            return null;
        }

        @Override
        public double getDragViewOffsetX() {
            return 0;
        }

        @Override
        public double getDragViewOffsetY() {
            return 0;
        }
    }

    private static DragEvent drag(Node target, javafx.event.EventType<DragEvent> type, Dragboard board) {
        Bounds b = target.localToScreen(target.getBoundsInLocal());
        return new DragEvent(
                null,
                target,
                type,
                board,
                b.getWidth() / 2,
                b.getHeight() / 2,
                b.getCenterX(),
                b.getCenterY(),
                TransferMode.COPY,
                null,
                null,
                null);
    }

    @Test
    void aRemoteServerStartedOnAFreePort(FxRobot robot) throws Exception {
        connected();
        try (ModelManager models = TestModels.loaded(new ModelManager.ModelConfig("digits", AppPaths.shippedModel()))) {
            try (ModelServer server = ModelServer.start(
                    new ServingCore(models),
                    new ModelServer.Options(
                            ModelServer.Options.LOOPBACK,
                            0,
                            0,
                            ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                            Duration.ofSeconds(10)))) {
                String address = "127.0.0.1:" + server.grpcPort();
                robot.clickOn("Server");
                robot.clickOn("#remote");
                robot.doubleClickOn("#address").eraseText(20).write(address);
                robot.doubleClickOn("#model").eraseText(10).write("digits");
                robot.clickOn("#test-connection");
                waitFor(() -> robot.lookup("#test-result")
                        .queryAs(Label.class)
                        .getText()
                        .contains("AVAILABLE"));
                assertThat(robot.lookup("#test-result").queryAs(Label.class).getText())
                        .contains("Model \"digits\" on " + address)
                        .contains("flatten_input [-1,28,28,1]");
                robot.clickOn("#connect");
                waitFor(() -> robot.lookup("#status")
                        .queryAs(org.controlsfx.control.StatusBar.class)
                        .getText()
                        .equals("Connected to " + address));
                assertThat(robot.lookup("#status-model").queryAs(Label.class).getText())
                        .startsWith("Model digits, version ");
                robot.clickOn("Prediction");
                stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
                waitFor(() -> headline(robot).equals("7"));
                assertThat(desktop.viewModel()
                                .prediction()
                                .resultProperty()
                                .get()
                                .prediction()
                                .orElseThrow()
                                .model())
                        .isEqualTo("digits");
            }
        }
    }

    @Test
    void aWrongAddressShowsANotificationAndTheAppRecovers(FxRobot robot) throws Exception {
        connected();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        robot.clickOn("Server");
        robot.clickOn("#remote");
        robot.doubleClickOn("#address").eraseText(20).write("localhost:99999");
        assertThat(robot.lookup("#address-error").queryAs(Label.class).getText())
                .contains("99999");
        robot.doubleClickOn("#address").eraseText(20).write("127.0.0.1:" + closedPort);
        assertThat(robot.lookup("#address-error").queryAs(Label.class).getText())
                .isEmpty();
        robot.clickOn("#connect");
        waitFor(() -> robot.lookup(".notification-bar").tryQuery().isPresent());
        Node notification = robot.lookup(".notification-bar").query();
        assertThat(robot.from(notification)
                        .lookup((Label l) -> l.getText() != null && l.getText().contains("127.0.0.1:" + closedPort))
                        .tryQuery())
                .isPresent();
        assertThat(robot.lookup("#status")
                        .queryAs(org.controlsfx.control.StatusBar.class)
                        .getText())
                .isEqualTo("Connected to embedded server");
        assertThat(robot.lookup("#server-state").queryAs(Label.class).getText())
                .isEqualTo("Using embedded server (model mnist).\nConnecting to 127.0.0.1:" + closedPort
                        + " (model mnist) failed: Nothing is answering at 127.0.0.1:" + closedPort
                        + ". Start the server, or check the address.");
        robot.clickOn("Prediction");
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        waitFor(() -> headline(robot).equals("7"));
    }

    @Test
    void settingsAreKeptAcrossRestarts(FxRobot robot) throws Exception {
        connected();
        robot.interact(() -> {
            pad().penWidthProperty().set(30);
            pad().liveProperty().set(false);
            desktop.viewModel().themeProperty().set(Settings.Theme.DARK);
        });
        robot.interact(desktop::close);
        Settings saved = new JsonSettingsStore(dir.resolve("settings.json")).load();
        assertThat(saved.penWidth()).isEqualTo(30);
        assertThat(saved.live()).isFalse();
        assertThat(saved.theme()).isEqualTo(Settings.Theme.DARK);
        assertThat(saved.server().embedded()).isTrue();
        robot.interact(() -> {
            desktop = Desktop.open(stage, new Desktop.Config(dir.resolve("settings.json"), AppPaths.shippedModel()));
        });
        assertThat(pad().penWidthProperty().get()).isEqualTo(30);
        assertThat(robot.lookup("#live")
                        .queryAs(javafx.scene.control.CheckBox.class)
                        .isSelected())
                .isFalse();
        assertThat(desktop.view().getStyleClass()).contains("dark");
        robot.interact(() -> desktop.viewModel().themeProperty().set(Settings.Theme.LIGHT));
        assertThat(desktop.view().getStyleClass()).doesNotContain("dark");
        robot.interact(() -> {
            pad().penWidthProperty().set(22);
            pad().liveProperty().set(true);
        });
    }

    @Test
    void typingInTheServerFormDoesNotTouchTheDrawing(FxRobot robot) throws Exception {
        connected();
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        waitFor(() -> headline(robot).equals("7"));
        robot.clickOn("Server");
        robot.clickOn("#remote");
        robot.clickOn("#address")
                .write("e")
                .push(KeyCode.BACK_SPACE)
                .push(KeyCode.DELETE)
                .push(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(pad().drawingProperty().get().strokes()).hasSize(1);
        assertThat(pad().eraserProperty().get()).isFalse();
    }
}
