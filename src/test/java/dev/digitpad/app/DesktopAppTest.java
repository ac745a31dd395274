package dev.digitpad.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.MainView;
import dev.digitpad.ui.PadViewModel;
import dev.digitpad.ui.ServerViewModel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.control.Label;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

/** The whole window, headless (Monocle), with the shipped model on the embedded server; a robot draws with the mouse. */
@ExtendWith(ApplicationExtension.class)
class DesktopAppTest {
    @TempDir
    static Path dir;
    private Desktop desktop;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        desktop = Desktop.open(stage, new Desktop.Config(dir.resolve("settings.json"), AppPaths.shippedModel()));
    }

    @Stop
    void stop() {
        desktop.close();
    }

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
        Bounds b = robot.lookup("#pad-canvas").query().localToScreen(robot.lookup("#pad-canvas").query().getBoundsInLocal());
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
        assertThat(headline(robot)).isEqualTo(PadViewModel.DRAW_A_DIGIT);
        assertThat(robot.lookup("#status-model").queryAs(Label.class).getText()).contains("mnist");
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
        waitFor(() -> headline(robot).equals(PadViewModel.DRAW_A_DIGIT));
        assertThat(pad().drawingProperty().get().isBlank()).isTrue();
        robot.clickOn("#redo");
        waitFor(() -> headline(robot).equals("7"));
        robot.clickOn("#clear");
        waitFor(() -> headline(robot).equals(PadViewModel.DRAW_A_DIGIT));
        assertThat(pad().canUndoProperty().get()).isTrue();
    }
}
