package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.stroke;
import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.client.Prediction;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.testing.TestModels;
import dev.digitpad.ui.PredictionResult;
import dev.digitpad.ui.ServerViewModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Server tab's model versions, in the whole window against a network server on a loopback port that serves
 * versions 1 and 2 of a model whose answers differ by version, labelled stable (1) and canary (2): the tab lists them,
 * a label chosen there makes the next prediction come from its version, and a version the server does not have is
 * refused in the person's words.
 */
class ModelVersionsWindowTest extends WholeWindow {

    /** Serves versions 1 and 2 of "mnist", labelled stable and canary; returns its address. */
    private String serve() throws Exception {
        Path base = dir.resolve("mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        TestModels.writeVersion(base, 2, TestModels.Kind.MNIST);
        return serveOnLoopback(TestModels.loadedWithLabels("mnist", base, Map.of("stable", 1L, "canary", 2L)));
    }

    private ServerViewModel serverVm() {
        return desktop.viewModel().server();
    }

    /** Waits until the Server tab has finished connecting (or failing to) and listing. */
    private void settledServer() throws TimeoutException {
        waitFor(() -> !serverVm().busyProperty().get()
                && serverVm().stateProperty().get() != ServerViewModel.State.CONNECTING);
    }

    /** Connects the window to {@code address}, model mnist, through the Server tab's form, as a person does. */
    private void connectTo(FxRobot robot, String address) throws TimeoutException {
        waitFor(() -> serverVm().stateProperty().get() == ServerViewModel.State.CONNECTED);
        robot.clickOn("Server");
        robot.clickOn("#remote");
        robot.doubleClickOn("#address").eraseText(30).write(address);
        robot.clickOn("#connect");
        waitFor(() -> serverVm().appliedProperty().get().address().equals(address));
        settledServer();
    }

    /** What a labelled control shows on screen: its text, or a clipped part of it with "..." when it lacks room. */
    private static String shown(Labeled label) {
        Node text = label.lookup(".text");
        return text instanceof Text t ? t.getText() : null;
    }

    /** Scrolls the Server tab so that {@code node} is in view, as a person would in a small window. */
    private static void scrollTo(FxRobot robot, Node node) {
        robot.interact(() -> {
            for (Node n = node.getParent(); n != null; n = n.getParent()) {
                if (n instanceof ScrollPane scroll) {
                    double content = scroll.getContent().getLayoutBounds().getHeight();
                    double view = scroll.getViewportBounds().getHeight();
                    double bottom = scroll.getContent()
                            .sceneToLocal(node.localToScene(node.getLayoutBounds()))
                            .getMaxY();
                    scroll.setVvalue(content <= view ? 0 : Math.clamp((bottom - view) / (content - view), 0, 1));
                    scroll.layout();
                    return;
                }
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void theTabListsTheVersionsAndLabelsAndALabelChosenThereAnswersTheNextDrawing(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(760);
            stage.setHeight(540);
        });
        String address = serve();
        connectTo(robot, address);

        Label versions = robot.lookup("#versions").queryAs(Label.class);
        assertThat(versions.getText())
                .isEqualTo("Version 1: available, label stable\nVersion 2: available, label canary");
        @SuppressWarnings("unchecked")
        ComboBox<String> labels = robot.lookup("#version-label-choice").queryAs(ComboBox.class);
        assertThat(labels.getItems()).containsExactly("canary", "stable");
        assertThat(robot.lookup("#version-latest").queryAs(RadioButton.class).isSelected())
                .isTrue();

        // In the smallest window the section is whole: nothing clipped, nothing past the tab's edge.
        Node section = robot.lookup("#versions-section").query();
        scrollTo(robot, section);
        Bounds tabs = robot.lookup("#tabs")
                .query()
                .localToScene(robot.lookup("#tabs").query().getBoundsInLocal());
        for (Labeled l : robot.from(section)
                .lookup((Labeled l) ->
                        l.isVisible() && l.getText() != null && !l.getText().isEmpty())
                .queryAllAs(Labeled.class)) {
            assertThat(shown(l)).as("%s in a 760x540 window", l).isEqualTo(l.getText());
        }
        for (Node n :
                robot.from(section).lookup((Node n) -> n instanceof ComboBox<?>).queryAll()) {
            assertThat(n.localToScene(n.getBoundsInLocal()).getMaxX())
                    .as("%s lies inside the tab", n.getId())
                    .isLessThanOrEqualTo(tabs.getMaxX());
        }

        // The person picks "stable" from the labels listed.
        robot.clickOn(robot.from(labels).lookup(".arrow-button").queryAs(Node.class));
        robot.clickOn((Node) robot.lookup(".list-cell")
                .match((Labeled c) -> "stable".equals(c.getText()))
                .query());
        waitFor(() -> serverVm().appliedProperty().get().version().equals(VersionChoice.label("stable")));
        settledServer();
        assertThat(robot.lookup("#version-label").queryAs(RadioButton.class).isSelected())
                .isTrue();
        assertThat(robot.lookup("#server-state").queryAs(Label.class).getText())
                .isEqualTo("Using " + address + " (model mnist, label stable).");

        robot.clickOn("Prediction");
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        PredictionResult result = settled();
        Prediction answer = result.prediction().orElseThrow();
        assertThat(answer.version()).isEqualTo(1);
        assertThat(answer.label()).isEqualTo("stable");
        double[] expected = TestModels.expectedProbabilities(result.tensor().orElseThrow(), 1);
        for (int k = 0; k < expected.length; k++) {
            assertThat((double) answer.probabilities()[k])
                    .as("the probability of %d is version 1's", k)
                    .isCloseTo(expected[k], within(1e-5));
        }
        assertThat(robot.lookup("#status-model").queryAs(Label.class).getText())
                .isEqualTo("Model mnist, version 1 (label stable)");

        // Typed, as for a server that does not list its labels: canary answers with version 2.
        robot.clickOn("Server");
        scrollTo(robot, section);
        robot.doubleClickOn(labels.getEditor()).eraseText(10).write("canary").push(KeyCode.ENTER);
        waitFor(() -> serverVm().appliedProperty().get().version().equals(VersionChoice.label("canary")));
        settledServer();
        waitFor(() -> robot.lookup("#status-model")
                .queryAs(Label.class)
                .getText()
                .equals("Model mnist, version 2 (label canary)"));
        assertThat(settled().prediction().orElseThrow().version())
                .as("the drawing on the pad is predicted again by the label's version")
                .isEqualTo(2);
    }

    @Test
    void aVersionTheServerDoesNotHaveIsRefusedInThePersonsWords(FxRobot robot) throws Exception {
        String address = serve();
        connectTo(robot, address);
        Node section = robot.lookup("#versions-section").query();
        scrollTo(robot, section);
        @SuppressWarnings("unchecked")
        ComboBox<String> numbers = robot.lookup("#version-number-choice").queryAs(ComboBox.class);
        assertThat(numbers.getItems()).containsExactly("1", "2");

        robot.clickOn(numbers.getEditor()).write("7").push(KeyCode.ENTER);
        waitFor(() -> !serverVm().versionErrorProperty().get().isEmpty());
        settledServer();
        Label error = robot.lookup("#version-error").queryAs(Label.class);
        assertThat(error.getText())
                .isEqualTo(address + " has no version 7 of model \"mnist\"; it has versions 1 (available, label"
                        + " stable), 2 (available, label canary). Choose one of those, or the latest. Still predicting"
                        + " with the latest version.");
        assertThat(error.isVisible()).isTrue();
        assertThat(robot.lookup("#version-latest").queryAs(RadioButton.class).isSelected())
                .as("the choice shown is the one in use")
                .isTrue();
        assertThat(serverVm().appliedProperty().get().version()).isEqualTo(VersionChoice.LATEST);
        assertThat(desktop.viewModel().problemProperty().get())
                .as("no notification covers the choice to be made")
                .isNull();

        // Version 1, picked from those listed, is used.
        robot.clickOn(robot.from(numbers).lookup(".arrow-button").queryAs(Node.class));
        robot.clickOn((Node) robot.lookup(".list-cell")
                .match((Labeled c) -> "1".equals(c.getText()))
                .query());
        waitFor(() -> serverVm().appliedProperty().get().version().equals(VersionChoice.number(1)));
        assertThat(robot.lookup("#version-number").queryAs(RadioButton.class).isSelected())
                .isTrue();
        assertThat(error.getText()).isEmpty();
        assertThat(error.isManaged()).isFalse();
    }

    /** Waits until the drawing on the pad has its result shown and nothing is being predicted; returns it. */
    private PredictionResult settled() throws TimeoutException {
        var vm = desktop.viewModel();
        waitFor(() -> vm.prediction().resultProperty().get().drawing()
                        == vm.pad().drawingProperty().get()
                && !vm.prediction().busyProperty().get());
        return vm.prediction().resultProperty().get();
    }
}
