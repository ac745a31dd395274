package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.VersionPolicy;
import dev.digitpad.testing.TestModels;
import dev.digitpad.ui.ServerViewModel;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Server tab's model details, in the whole window at its smallest size (760x540): the embedded model's signature
 * at start, and, once connected to a server with two versions of a model with two signatures, each version with both
 * signatures, as {@code digitpad inspect --server} prints them.
 */
class ModelDetailsWindowTest extends WholeWindow {

    private ServerViewModel serverVm() {
        return desktop.viewModel().server();
    }

    private void settled() throws TimeoutException {
        waitFor(() -> !serverVm().busyProperty().get()
                && serverVm().stateProperty().get() == ServerViewModel.State.CONNECTED);
    }

    @Test
    void theServerTabShowsTheConnectedModelsSignatures(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(760);
            stage.setHeight(540);
        });
        settled();
        robot.clickOn("Server");
        Label details = robot.lookup("#model-details").queryAs(Label.class);
        waitFor(() -> details.getText().contains("signature_def['serving_default']"));
        assertThat(details.getText())
                .contains("== Version ")
                .contains(": AVAILABLE ==")
                .contains("inputs['flatten_input'] tensor_info:")
                .contains("shape: (-1, 28, 28, 1)")
                .contains("Method name is: tensorflow/serving/predict");

        Path base = dir.resolve("mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.TWO_SIGNATURES);
        TestModels.writeVersion(base, 2, TestModels.Kind.TWO_SIGNATURES);
        String address = serveOnLoopback(
                TestModels.loaded(new ModelManager.ModelConfig("mnist", base, new VersionPolicy.All())));
        robot.clickOn("#remote");
        robot.doubleClickOn("#address").eraseText(30).write(address);
        robot.clickOn("#connect");
        waitFor(() -> serverVm().appliedProperty().get().address().equals(address));
        settled();
        String text = details.getText();
        assertThat(text)
                .contains("Model \"mnist\" on " + address + ": 2 versions")
                .contains("== Version 1: AVAILABLE ==")
                .contains("== Version 2: AVAILABLE ==")
                .contains("signature_def['logits']:")
                .contains("outputs['probabilities'] tensor_info:")
                .contains("shape: (-1, 28, 28)")
                .doesNotContain("flatten_input");
        assertThat(text.indexOf("== Version 1")).isLessThan(text.indexOf("== Version 2"));

        // In view once scrolled to, and as wide as the window lets it be: nothing cut off on the right.
        robot.interact(() -> {
            ScrollPane scroll = (ScrollPane) robot.lookup(n -> n instanceof ScrollPane s
                            && s.getContent() != null
                            && s.getContent().lookup("#model-details") != null)
                    .query();
            scroll.setVvalue(1);
            scroll.layout();
        });
        WaitForAsyncUtils.waitForFxEvents();
        Bounds onScreen = details.localToScene(details.getLayoutBounds());
        assertThat(onScreen.getMinX()).isGreaterThanOrEqualTo(0);
        assertThat(onScreen.getMaxX()).isLessThanOrEqualTo(details.getScene().getWidth());
        assertThat(details.isVisible()).isTrue();
    }
}
