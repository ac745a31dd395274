package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.TestModels;
import dev.digitpad.ui.Headline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The whole window in its "Not sure" state. The shipped model is sure of almost any drawing, so the embedded server
 * serves {@link TestModels.Kind#MNIST} version 2 instead: its logit k sums row k of the model's input, plus 2 for
 * digit 0. A horizontal dash is centred far below row 9, so the answer is softmax(2, 0, ..., 0): 0 at 45% and 6% for
 * every other digit, not sure at the default 60% and not flat.
 */
class NotSureWindowTest extends WholeWindow {

    /** Version 2 of {@link TestModels.Kind#MNIST}, written into the test's folder. */
    @Override
    Path model() {
        Path model = dir.resolve("model");
        try {
            TestModels.writeVersion(model, 2, TestModels.Kind.MNIST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return model;
    }

    @Test
    void notSureShowsTheBestGuessesUnderTheHeadline(FxRobot robot) throws TimeoutException {
        DesktopAppTest.waitFor(() ->
                desktop.viewModel().server().stateProperty().get() == dev.digitpad.ui.ServerViewModel.State.CONNECTED);
        DesktopAppTest.stroke(robot, 0.2, 0.5, 0.8, 0.5);
        DesktopAppTest.waitFor(() -> DesktopAppTest.headline(robot).equals(Headline.NOT_SURE));

        Label detail = robot.lookup("#detail").queryAs(Label.class);
        assertThat(detail.getText()).isEqualTo("Maybe 0 (45%)");
        Bounds window = new BoundingBox(
                0, 0, stage.getScene().getWidth(), stage.getScene().getHeight());
        Node node = detail;
        assertThat(window.contains(node.localToScene(node.getBoundsInLocal())))
                .as("the guesses line lies inside the window")
                .isTrue();
        assertThat(robot.lookup("#percent-0").queryAs(Label.class).getParent().getStyleClass())
                .contains("unsure");

        robot.interact(
                () -> desktop.viewModel().prediction().thresholdProperty().set(0.45));
        DesktopAppTest.waitFor(() -> DesktopAppTest.headline(robot).equals("0"));
        assertThat(detail.getText()).isEqualTo(String.format("%.0f%% sure", 45.0));
    }
}
