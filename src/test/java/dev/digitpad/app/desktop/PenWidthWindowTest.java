package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.ServerViewModel;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.shape.Circle;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The pen's width in the tool bar (a number and a dot), and the hint under the pad when strokes are too thick. */
class PenWidthWindowTest extends WholeWindow {

    private static String hint(FxRobot robot) {
        return robot.lookup("#pad-hint").queryAs(Label.class).getText();
    }

    @Test
    void aSmallDigitWithTheDefaultPenGetsAHintUnderThePad(FxRobot robot) throws TimeoutException {
        DesktopAppTest.waitFor(
                () -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
        String usual = hint(robot);
        assertThat(usual).doesNotContain("thick");

        // A 7 a fifth of the pad high, with the default pen.
        DesktopAppTest.stroke(robot, 0.40, 0.40, 0.60, 0.40, 0.47, 0.60);

        DesktopAppTest.waitFor(() -> hint(robot).contains("thick"));
        assertThat(hint(robot)).contains("larger").contains("thinner");

        robot.clickOn("#clear");
        DesktopAppTest.stroke(robot, 0.20, 0.15, 0.80, 0.15, 0.45, 0.85);
        DesktopAppTest.waitFor(() -> hint(robot).equals(usual));
    }

    @Test
    void theNumberAndTheDotFollowTheSlider(FxRobot robot) {
        Slider slider = robot.lookup("#pen-width").queryAs(Slider.class);
        Label value = robot.lookup("#pen-width-value").queryAs(Label.class);
        Circle dot = robot.lookup("#pen-preview").queryAs(Circle.class);
        assertThat(value.getText()).isEqualTo("22");
        double defaultRadius = dot.getRadius();

        robot.interact(() -> slider.setValue(40.4));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(value.getText()).isEqualTo("40");
        assertThat(dot.getRadius()).isGreaterThan(defaultRadius);

        robot.interact(() -> slider.setValue(8));
        assertThat(value.getText()).isEqualTo("8");
        assertThat(dot.getRadius()).isLessThan(defaultRadius);
        assertThat(desktop.viewModel().pad().penWidthProperty().get()).isEqualTo(8);
    }
}
