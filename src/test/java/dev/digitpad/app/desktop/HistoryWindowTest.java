package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.headline;
import static dev.digitpad.app.desktop.DesktopAppTest.stroke;
import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.Drawing;
import dev.digitpad.ui.FileDialog;
import dev.digitpad.ui.HistoryViewModel;
import dev.digitpad.ui.PadViewModel;
import dev.digitpad.ui.ServerViewModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.input.KeyCode;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The history strip in the whole window, headless, with the shipped model: drawings come back from it, and export. */
class HistoryWindowTest extends WholeWindow {

    private PadViewModel pad() {
        return desktop.viewModel().pad();
    }

    private List<HistoryViewModel.Entry> history() {
        return desktop.viewModel().history().entriesProperty();
    }

    private void connected() throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
    }

    private static void seven(FxRobot robot) {
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
    }

    private static void one(FxRobot robot) {
        stroke(robot, 0.5, 0.15, 0.5, 0.85);
    }

    /** Whether the strip shows {@code entries} entries (it follows the history a moment after each answer). */
    private boolean shown(FxRobot robot, int entries) {
        return history().size() == entries
                && robot.lookup("#history-" + (entries - 1)).tryQuery().isPresent()
                && robot.lookup("#history-" + entries).tryQuery().isEmpty();
    }

    private MenuItem exportHistoryItem(FxRobot robot) {
        return robot.lookup(".menu-bar").queryAs(MenuBar.class).getMenus().getFirst().getItems().stream()
                .filter(i -> "export-history-menu".equals(i.getId()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void clickingAnEntryPutsItsDrawingBackAndItIsReadAgain(FxRobot robot) throws TimeoutException {
        connected();
        seven(robot);
        waitFor(() -> headline(robot).equals("7") && history().size() == 1);
        Drawing theSeven = pad().drawingProperty().get();
        robot.clickOn("#clear");
        one(robot);
        waitFor(() -> headline(robot).equals("1") && shown(robot, 2));
        assertThat(robot.lookup("#history-1").queryAs(Button.class).getText()).startsWith("7 · ");

        robot.clickOn("#history-1");

        waitFor(() -> headline(robot).equals("7"));
        assertThat(pad().drawingProperty().get()).isEqualTo(theSeven);
        assertThat(desktop.viewModel().prediction().resultProperty().get().drawing())
                .isSameAs(pad().drawingProperty().get());
        assertThat(history()).as("no second entry for the 7").hasSize(2);
        assertThat(robot.lookup("#history-1").queryAs(Button.class).getStyleClass())
                .as("the 7's entry is marked as the drawing on the pad")
                .contains("on-pad");
        assertThat(robot.lookup("#history-0").queryAs(Button.class).getStyleClass())
                .doesNotContain("on-pad");

        robot.clickOn("#undo");
        waitFor(() -> headline(robot).equals("1"));
    }

    @Test
    void spaceOnAFocusedEntryPutsItBack(FxRobot robot) throws TimeoutException {
        connected();
        seven(robot);
        waitFor(() -> history().size() == 1);
        robot.clickOn("#clear");
        one(robot);
        waitFor(() -> shown(robot, 2));
        robot.interact(() -> robot.lookup("#history-1").query().requestFocus());

        robot.push(KeyCode.SPACE);

        waitFor(() -> headline(robot).equals("7"));
        assertThat(pad().drawingProperty().get()).isEqualTo(history().get(1).drawing());
    }

    @Test
    void fileExportHistoryWritesTheContactSheet(FxRobot robot) throws Exception {
        connected();
        assertThat(exportHistoryItem(robot).isDisable())
                .as("nothing to export yet")
                .isTrue();
        Path file = dir.resolve("history.png");
        List<FileDialog.Request> asked = new ArrayList<>();
        robot.interact(() -> desktop.view().setFileDialog((request, owner) -> {
            asked.add(request);
            return Optional.of(file);
        }));
        seven(robot);
        waitFor(() -> history().size() == 1);
        assertThat(exportHistoryItem(robot).isDisable()).isFalse();

        robot.clickOn("File").clickOn("Export history as PNG…");

        assertThat(asked).singleElement().satisfies(r -> {
            assertThat(r.mode()).isEqualTo(FileDialog.Mode.SAVE);
            assertThat(r.fileName()).isEqualTo("history.png");
            assertThat(r.filters()).containsExactly(FileDialog.Filter.PNG);
        });
        waitFor(() -> {
            try {
                return Files.exists(file) && ImageIO.read(file.toFile()) != null;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        BufferedImage sheet = ImageIO.read(file.toFile());
        assertThat(sheet.getWidth()).isGreaterThan(5 * 28);
    }

    @Test
    void atTheMinimumSizeTheStripAndItsEntriesAreInTheWindow(FxRobot robot) throws Exception {
        connected();
        seven(robot);
        waitFor(() -> shown(robot, 1));
        robot.interact(() -> {
            stage.setWidth(stage.getMinWidth());
            stage.setHeight(stage.getMinHeight());
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(stage.getWidth()).isEqualTo(760);
        Bounds window = new BoundingBox(
                0, 0, stage.getScene().getWidth(), stage.getScene().getHeight());
        for (String id : new String[] {"#history", "#history-0", "#pad-canvas"}) {
            Node node = robot.lookup(id).query();
            Bounds b = node.localToScene(node.getBoundsInLocal());
            assertThat(window.contains(b))
                    .as("%s (%s) lies inside the 760x540 window (%s)", id, b, window)
                    .isTrue();
        }
        Node strip = robot.lookup("#history").query();
        Node pad = robot.lookup("#pad-canvas").query();
        assertThat(strip.localToScene(strip.getBoundsInLocal()).getMinY())
                .as("the strip is under the pad, not over it")
                .isGreaterThanOrEqualTo(pad.localToScene(pad.getBoundsInLocal()).getMaxY());
        assertThat(pad.getBoundsInLocal().getWidth())
                .as("the pad is still big enough to draw on")
                .isGreaterThanOrEqualTo(240);
    }
}
