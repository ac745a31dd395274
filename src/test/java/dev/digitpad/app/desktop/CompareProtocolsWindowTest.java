package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.stroke;
import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.FileDialog;
import dev.digitpad.ui.ServerViewModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Tools &gt; Compare protocols in the whole window, against the embedded server: it measures the digit on the pad over
 * gRPC and REST on loopback ports, shows the figures, the sentence and the chart, exports them, and a comparison is
 * cancelled when its window closes.
 */
class CompareProtocolsWindowTest extends WholeWindow {
    private final List<FileDialog.Request> requests = new ArrayList<>();
    private final List<Optional<Path>> answers = new ArrayList<>();

    private void drawAndWaitForTheAnswer(FxRobot robot) throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        var vm = desktop.viewModel();
        waitFor(() -> vm.prediction().resultProperty().get() != null
                && vm.prediction().resultProperty().get().prediction().isPresent());
    }

    private void openCompare(FxRobot robot, int calls) {
        robot.clickOn("Tools");
        robot.clickOn("#compare-menu");
        @SuppressWarnings("unchecked")
        Spinner<Integer> spinner = robot.lookup("#compare-calls").queryAs(Spinner.class);
        robot.interact(() -> spinner.getValueFactory().setValue(calls));
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    void measuresTheDigitOnThePadOverBothProtocolsAndShowsAndExportsTheFigures(FxRobot robot) throws Exception {
        drawAndWaitForTheAnswer(robot);
        openCompare(robot, 5);
        assertThat(text(robot, "#compare-server")).startsWith("The embedded server, on its own loopback ports");
        assertThat(robot.lookup("#compare-rest-row").query().isVisible()).isFalse();

        robot.clickOn("#compare-start");
        waitFor(() -> text(robot, "#compare-status").startsWith("Done: 5 rounds on embedded server (loopback ports"));

        assertThat(text(robot, "#compare-sentence"))
                .matches("Here, gRPC answered in [0-9]+% of REST's time \\(median of gRPC tensor_content against"
                        + " median of REST rows, 5 calls each\\)\\.");
        List<String> names =
                List.of("gRPC tensor_content", "gRPC float_val", "REST rows (instances)", "REST columns (inputs)");
        for (int row = 0; row < 4; row++) {
            assertThat(text(robot, "#compare-cell-" + row + "-0")).isEqualTo(names.get(row));
            assertThat(text(robot, "#compare-cell-" + row + "-1"))
                    .as(names.get(row))
                    .isEqualTo("5");
            assertThat(text(robot, "#compare-cell-" + row + "-2"))
                    .as(names.get(row))
                    .isEqualTo("0");
            assertThat(Double.parseDouble(text(robot, "#compare-cell-" + row + "-3")))
                    .as(names.get(row) + " p50")
                    .isPositive();
            assertThat(text(robot, "#compare-cell-" + row + "-6")).matches("[0-9,]+");
        }
        assertThat(robot.lookup("#compare-chart").queryAs(ImageView.class).getImage())
                .isNotNull();

        robot.interact(() -> desktop.view().setFileDialog((request, owner) -> {
            requests.add(request);
            return answers.isEmpty() ? Optional.empty() : answers.removeFirst();
        }));
        Path csv = dir.resolve("figures.csv");
        Path png = dir.resolve("chart.png");
        answers.add(Optional.of(csv));
        robot.clickOn("#compare-export-csv");
        waitFor(() -> text(robot, "#compare-status").equals("The figures were written to " + csv + "."));
        answers.add(Optional.of(png));
        robot.clickOn("#compare-export-chart");
        waitFor(() -> text(robot, "#compare-status").equals("The chart was written to " + png + "."));

        assertThat(requests).extracting(FileDialog.Request::fileName).containsExactly("protocols.csv", "protocols.png");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).startsWith("case,measured,calls,errors,p50_ms");
        assertThat(lines.subList(1, 5)).allSatisfy(l -> assertThat(l).contains(",true,5,0,"));
        BufferedImage chart = ImageIO.read(png.toFile());
        assertThat(chart.getWidth()).isEqualTo(960);
    }

    @Test
    void withNothingOnThePadItAsksForADigit(FxRobot robot) throws Exception {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
        openCompare(robot, 5);
        assertThat(text(robot, "#compare-status"))
                .isEqualTo("Draw a digit first: the comparison sends the digit on the pad.");

        robot.clickOn("#compare-start");

        assertThat(text(robot, "#compare-status"))
                .isEqualTo("Draw a digit first: the comparison sends the digit on the pad.");
        assertThat(robot.lookup("#compare-cancel").queryAs(Button.class).isDisabled())
                .isTrue();
    }

    @Test
    void closingTheWindowCancelsAComparisonUnderWay(FxRobot robot) throws Exception {
        drawAndWaitForTheAnswer(robot);
        openCompare(robot, 100_000);
        Label status = robot.lookup("#compare-status").queryAs(Label.class);
        Button start = robot.lookup("#compare-start").queryAs(Button.class);
        robot.clickOn(start);
        waitFor(() -> status.getText().startsWith("Measuring: round"));

        robot.interact(() -> ((Stage) status.getScene().getWindow()).close());

        waitFor(() -> status.getText().startsWith("Cancelled after "));
        assertThat(start.isDisabled()).isFalse();
        String cancelled = status.getText();
        Thread.sleep(500);
        WaitForAsyncUtils.waitForFxEvents();
        // Nothing more arrives from the cancelled comparison.
        assertThat(status.getText()).isEqualTo(cancelled);
    }
}
