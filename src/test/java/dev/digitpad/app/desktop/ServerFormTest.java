package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.ui.FileDialog;
import dev.digitpad.ui.ServerPane;
import dev.digitpad.ui.ServerViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import javafx.scene.text.Text;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Server tab's form and the window's file choosers, in the whole window, headless (Monocle): the form's layout,
 * the address check, the docker hint, the Browse buttons, and where the choosers start. A native file dialog cannot
 * be driven headless, so the choosers' dialog is replaced by one that answers as the test says.
 */
class ServerFormTest extends WholeWindow {
    private static final Set<String> FORM_LABELS =
            Set.of("Address", "Model", "Signature", "CA file", "Client cert", "Client key");

    private final List<FileDialog.Request> requests = new ArrayList<>();
    private final Deque<Optional<Path>> answers = new ArrayDeque<>();

    /** The window's file choosers ask this instead of the native dialog: it notes each request and answers. */
    private void answerFileDialogs(FxRobot robot) {
        robot.interact(() -> desktop.view().setFileDialog((request, owner) -> {
            requests.add(request);
            return answers.isEmpty() ? Optional.empty() : answers.removeFirst();
        }));
    }

    private void connected() throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
    }

    private static void type(FxRobot robot, String id, String text) {
        TextField field = robot.lookup(id).queryAs(TextField.class);
        robot.interact(field::clear);
        robot.clickOn(field).write(text);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    /** What a label shows on screen: its text, or "..." and a clipped part of it when it has too little room. */
    private static String shown(Labeled label) {
        Node text = label.lookup(".text");
        return text instanceof Text t ? t.getText() : null;
    }

    /** Issue 16, bug 6: a long address error squeezed the label column until every label read "...". */
    @Test
    void theFormsLabelsKeepTheirWholeTextWhateverTheAddressErrorSays(FxRobot robot) throws Exception {
        connected();
        robot.clickOn("Server");
        robot.clickOn("#remote");
        for (double[] size : new double[][] {{1024, 700}, {760, 540}}) {
            robot.interact(() -> {
                stage.setWidth(size[0]);
                stage.setHeight(size[1]);
            });
            for (String address : List.of("foo:bar:baz", "http://127.0.0.1:18700")) {
                type(robot, "#address", address);
                assertThat(text(robot, "#address-error"))
                        .as("the check refuses %s", address)
                        .isNotEmpty();
                List<Label> labels =
                        robot.lookup((Label l) -> FORM_LABELS.contains(l.getText())).queryAllAs(Label.class).stream()
                                .toList();
                assertThat(labels).extracting(Label::getText).containsExactlyInAnyOrderElementsOf(FORM_LABELS);
                for (Label label : labels) {
                    assertThat(shown(label))
                            .as(
                                    "the label %s in a %sx%s window with %s typed",
                                    label.getText(), size[0], size[1], address)
                            .isEqualTo(label.getText());
                }
                Label error = robot.lookup("#address-error").queryAs(Label.class);
                assertThat(shown(error))
                        .as("the address error, wrapped, shows whole")
                        .isEqualTo(error.getText());
                Node pane = robot.lookup("#server-pane").query();
                for (Labeled labeled : robot.from(pane)
                        .lookup((Labeled l) -> l.isVisible()
                                && l.getText() != null
                                && !l.getText().isEmpty())
                        .queryAllAs(Labeled.class)) {
                    assertThat(shown(labeled))
                            .as("%s in a %sx%s window", labeled, size[0], size[1])
                            .isEqualTo(labeled.getText());
                }
                assertThat(error.localToScene(error.getBoundsInLocal()).getMaxX())
                        .as("the address error lies inside the window")
                        .isLessThanOrEqualTo(stage.getScene().getWidth());
            }
        }
    }

    /**
     * Issue 16, bug 7: for foo:bar:baz the window suggested [foo:bar:baz]:8500, which passed the check; Test
     * connection then failed with "Malformed IPv6 address at index 3: //[foo:bar:baz]:8500".
     */
    @Test
    void theAddressAdviceWorksAndNoParserMessageReachesThePerson(FxRobot robot) throws Exception {
        connected();
        robot.clickOn("Server");
        robot.clickOn("#remote");
        type(robot, "#address", "foo:bar:baz");
        assertThat(text(robot, "#address-error")).contains("host:port").doesNotContain("[foo:bar:baz]");

        type(robot, "#address", "[foo:bar:baz]:8500");
        assertThat(text(robot, "#address-error"))
                .as("the bracketed text that is no IPv6 address is refused as it is typed")
                .contains("not an IPv6 address");
        robot.clickOn("#test-connection");
        WaitForAsyncUtils.waitForFxEvents();
        waitFor(() -> !desktop.viewModel().server().busyProperty().get());
        assertThat(text(robot, "#test-result"))
                .contains("not an IPv6 address")
                .doesNotContain("Malformed")
                .doesNotContain("index");
        robot.clickOn("#connect");
        WaitForAsyncUtils.waitForFxEvents();
        waitFor(() -> !desktop.viewModel().server().busyProperty().get());
        assertThat(desktop.viewModel().problemProperty().get().message())
                .doesNotContain("Malformed")
                .doesNotContain("index");

        type(robot, "#address", "http://127.0.0.1:18700");
        assertThat(text(robot, "#address-error"))
                .contains("leave out \"http://\"")
                .contains("127.0.0.1:18700");
        type(robot, "#address", "127.0.0.1:18700");
        assertThat(text(robot, "#address-error"))
                .as("the advice taken passes the check")
                .isEmpty();
    }

    /**
     * Issue 16, bug 12: the hint mounted $PWD/models/mnist, which is the shipped model only when run from the
     * distribution's folder; it names the model the window is running with.
     */
    @Test
    void theDockerHintMountsTheModelThisDigitPadShips(FxRobot robot) throws Exception {
        robot.clickOn("Server");
        List<String> hints = robot
                .lookup((Label l) -> l.getText() != null && l.getText().contains("docker run"))
                .queryAllAs(Label.class)
                .stream()
                .map(Label::getText)
                .toList();
        assertThat(hints).hasSize(1);
        assertThat(hints.getFirst())
                .contains("source=" + AppPaths.shippedModel() + ",target=/models/mnist")
                .contains("-e MODEL_NAME=mnist")
                .doesNotContain("$PWD");
    }

    @Test
    void browseButtonsFillTheTlsFieldsAndAreOffWhenTheirFieldsAre(FxRobot robot) throws Exception {
        connected();
        answerFileDialogs(robot);
        robot.interact(() -> {
            stage.setWidth(760);
            stage.setHeight(540);
        });
        robot.clickOn("Server");
        List<String> browse = List.of("#browse-ca-file", "#browse-certificate", "#browse-private-key");
        List<String> fields = List.of("#ca-file", "#certificate", "#private-key");
        for (String id : browse) {
            assertThat(robot.lookup(id).queryAs(Button.class).isDisabled())
                    .as("%s with the embedded server", id)
                    .isTrue();
        }
        robot.clickOn("#remote");
        for (String id : browse) {
            assertThat(robot.lookup(id).queryAs(Button.class).isDisabled())
                    .as("%s without TLS", id)
                    .isTrue();
        }
        robot.clickOn("#tls");
        Path certs = Files.createDirectories(dir.resolve("certs"));
        List<Path> chosen = List.of(certs.resolve("ca.pem"), certs.resolve("client.pem"), certs.resolve("client.key"));
        Bounds tabs = robot.lookup("#tabs")
                .query()
                .localToScene(robot.lookup("#tabs").query().getBoundsInLocal());
        for (int i = 0; i < 3; i++) {
            Button button = robot.lookup(browse.get(i)).queryAs(Button.class);
            assertThat(button.isDisabled()).as("%s with TLS", browse.get(i)).isFalse();
            assertThat(button.localToScene(button.getBoundsInLocal()).getMaxX())
                    .as("%s lies inside the tab of a 760x540 window", browse.get(i))
                    .isLessThanOrEqualTo(tabs.getMaxX());
            answers.add(Optional.of(chosen.get(i)));
            robot.clickOn(button);
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(robot.lookup(fields.get(i)).queryAs(TextField.class).getText())
                    .isEqualTo(chosen.get(i).toString());
        }
        var server = desktop.viewModel().server().form();
        assertThat(List.of(server.caFile(), server.certificate(), server.privateKey()))
                .containsExactly(chosen.stream().map(Path::toString).toArray(String[]::new));
        assertThat(requests).extracting(FileDialog.Request::mode).containsOnly(FileDialog.Mode.OPEN);
        assertThat(requests)
                .extracting(FileDialog.Request::filters)
                .containsOnly(List.of(FileDialog.Filter.PEM, FileDialog.Filter.ALL));
        assertThat(requests).extracting(FileDialog.Request::folder).containsExactly(null, certs, certs);

        answers.add(Optional.empty()); // cancelled: the field keeps its file
        robot.clickOn("#browse-ca-file");
        assertThat(robot.lookup("#ca-file").queryAs(TextField.class).getText())
                .isEqualTo(chosen.get(0).toString());
        robot.clickOn("#tls");
        for (String id : browse) {
            assertThat(robot.lookup(id).queryAs(Button.class).isDisabled())
                    .as("%s with TLS off again", id)
                    .isTrue();
        }
    }

    @Test
    void fileChoosersStartInTheLastFolderUsedAndItIsKeptBetweenRuns(FxRobot robot) throws Exception {
        connected();
        answerFileDialogs(robot);
        Path images = Files.createDirectories(dir.resolve("images"));
        Path three = images.resolve("three.png");
        ImageIO.write(DigitSketches.draw(3, 50, 30, 210, 22, true), "png", three.toFile());
        answers.add(Optional.of(three));
        robot.clickOn("File");
        robot.clickOn("Open image…");
        waitFor(() -> DesktopAppTest.headline(robot).equals("3"));
        assertThat(desktop.viewModel().lastFolderProperty().get()).isEqualTo(images.toString());

        Path out = Files.createDirectories(dir.resolve("out"));
        answers.add(Optional.of(out.resolve("digit.png")));
        robot.clickOn("File");
        robot.clickOn("Save drawing as PNG…");
        waitFor(() -> Files.isRegularFile(out.resolve("digit.png")));

        answers.add(Optional.of(out.resolve("model-input.png")));
        robot.clickOn("File");
        robot.clickOn("Export model's view as PNG…");
        waitFor(() -> Files.isRegularFile(out.resolve("model-input.png")));

        assertThat(requests).extracting(FileDialog.Request::folder).containsExactly(null, images, out);
        assertThat(requests)
                .extracting(FileDialog.Request::fileName)
                .containsExactly(null, "digit.png", "model-input.png");
        assertThat(requests.get(0).filters()).containsExactly(FileDialog.Filter.IMAGES, FileDialog.Filter.ALL);

        robot.interact(desktop::close);
        robot.interact(() -> desktop =
                Desktop.open(stage, new Desktop.Config(dir.resolve("settings.json"), AppPaths.shippedModel())));
        answerFileDialogs(robot);
        robot.push(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.O);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(requests.getLast().folder())
                .as("the first chooser after a restart")
                .isEqualTo(out);
    }

    @Test
    void theDockerCommandIsOneClickAway(FxRobot robot) throws Exception {
        robot.clickOn("Server");
        // The tab scrolls when the window is small: scroll to the button, as a person would.
        javafx.scene.Node copy = robot.lookup("#copy-docker-command").query();
        robot.interact(() -> scrollIntoView(copy));
        robot.clickOn("#copy-docker-command");
        String copied = WaitForAsyncUtils.asyncFx(
                        () -> javafx.scene.input.Clipboard.getSystemClipboard().getString())
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(copied).isEqualTo(ServerPane.dockerCommand(AppPaths.shippedModel()));
    }

    /** Scrolls the scroll pane holding {@code node} so that its bottom edge is in view. */
    private static void scrollIntoView(javafx.scene.Node node) {
        for (javafx.scene.Node n = node.getParent(); n != null; n = n.getParent()) {
            if (n instanceof javafx.scene.control.ScrollPane scroll) {
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
    }
}
