package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.headline;
import static dev.digitpad.app.desktop.DesktopAppTest.stroke;
import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.Prediction;
import dev.digitpad.ui.Percent;
import dev.digitpad.ui.ServerViewModel;
import dev.digitpad.ui.Settings;
import dev.digitpad.ui.Shortcuts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.event.Event;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.ContextMenuEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.GridPane;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The whole window, headless: each bar's exact probability in a tooltip, Copy distribution (Edit menu, the bars'
 * context menu, its key), and Help &gt; Keyboard shortcuts, which agrees with the menus and the tool bar.
 */
class ProbabilitiesAndShortcutsWindowTest extends WholeWindow {

    private Prediction sevenPredicted(FxRobot robot) throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
        waitFor(() -> headline(robot).equals("7"));
        return desktop.viewModel()
                .prediction()
                .resultProperty()
                .get()
                .prediction()
                .orElseThrow();
    }

    private static String showingTooltip(FxRobot robot) {
        return robot.listWindows().stream()
                .filter(w -> w instanceof Tooltip t && t.isShowing())
                .map(w -> ((Tooltip) w).getText())
                .findFirst()
                .orElse(null);
    }

    @Test
    void hoveringOverABarShowsItsProbabilityToATenthOfAPercentAtLeast(FxRobot robot) throws TimeoutException {
        Prediction p = sevenPredicted(robot);
        for (int d : new int[] {7, 1}) {
            robot.moveTo("#bar-" + d);
            robot.moveBy(0, -8); // into the column, above its bar's foot
            int digit = d;
            waitFor(() -> {
                String tip = showingTooltip(robot);
                return tip != null && tip.startsWith(digit + ": ");
            });
            String tip = showingTooltip(robot);
            assertThat(tip).isEqualTo(d + ": " + Percent.of(p.probabilities()[d]));
            robot.moveTo("#headline");
            waitFor(() -> showingTooltip(robot) == null);
        }
        float small = p.probabilities()[1];
        assertThat(small).as("the shipped model is sure of this 7").isLessThan(0.001f);
        assertThat(Percent.of(small))
                .as("a small probability is not rounded to nothing")
                .isNotIn("0%", "0.0%");
    }

    /** The clipboard's text, read on the FX thread. */
    private static String clipboard() throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString())
                .get(10, TimeUnit.SECONDS);
    }

    private static void clearClipboard(FxRobot robot) {
        robot.interact(() -> {
            ClipboardContent other = new ClipboardContent();
            other.putString("something else");
            Clipboard.getSystemClipboard().setContent(other);
        });
    }

    private static void assertIsTheDistribution(String text, Prediction p) {
        List<String> lines = text.lines().toList();
        assertThat(lines.getFirst()).isEqualTo("digit\tprobability");
        for (int d = 0; d < 10; d++) {
            String[] cells = lines.get(1 + d).split("\t");
            assertThat(cells[0]).isEqualTo(Integer.toString(d));
            assertThat(Float.parseFloat(cells[1]))
                    .as("digit %d at full precision", d)
                    .isEqualTo(p.probabilities()[d]);
        }
        assertThat(lines.subList(11, lines.size())).containsExactly("model\tmnist", "version\t" + p.version());
    }

    @Test
    void copyDistributionPutsTheTenProbabilitiesOnTheClipboard(FxRobot robot) throws Exception {
        Prediction p = sevenPredicted(robot);
        assertThat(p.version()).isPositive();

        clearClipboard(robot);
        robot.clickOn("Edit").clickOn("Copy distribution");
        WaitForAsyncUtils.waitForFxEvents();
        assertIsTheDistribution(clipboard(), p);

        clearClipboard(robot);
        // Headless Monocle turns no right click into a context menu request, so the test sends the one a desktop sends.
        Node headline = robot.lookup("#headline").query();
        robot.interact(() -> {
            Bounds b = headline.localToScreen(headline.getLayoutBounds());
            Event.fireEvent(
                    headline,
                    new ContextMenuEvent(
                            ContextMenuEvent.CONTEXT_MENU_REQUESTED,
                            b.getWidth() / 2,
                            b.getHeight() / 2,
                            b.getCenterX(),
                            b.getCenterY(),
                            false,
                            null));
        });
        waitFor(() -> robot.listWindows().stream().anyMatch(w -> w instanceof ContextMenu && w.isShowing()));
        ContextMenu menu = (ContextMenu) robot.listWindows().stream()
                .filter(w -> w instanceof ContextMenu && w.isShowing())
                .findFirst()
                .orElseThrow();
        assertThat(menu.getItems()).extracting(MenuItem::getText).containsExactly("Copy distribution");
        robot.clickOn(robot.from(menu.getScene().getRoot())
                .lookup((Label l) -> "Copy distribution".equals(l.getText()))
                .queryAs(Label.class));
        WaitForAsyncUtils.waitForFxEvents();
        assertIsTheDistribution(clipboard(), p);

        clearClipboard(robot);
        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.C);
        WaitForAsyncUtils.waitForFxEvents();
        assertIsTheDistribution(clipboard(), p);

        robot.clickOn("#clear");
        waitFor(() -> desktop.viewModel()
                .prediction()
                .resultProperty()
                .get()
                .prediction()
                .isEmpty());
        clearClipboard(robot);
        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.C);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(clipboard()).as("nothing to copy on an empty pad").isEqualTo("something else");
    }

    @Test
    void helpKeyboardShortcutsListsEveryKeyAsTheMenusAndTheToolBarHaveThem(FxRobot robot) throws TimeoutException {
        robot.interact(() -> desktop.viewModel().themeProperty().set(Settings.Theme.DARK));
        robot.clickOn("Help").clickOn("Keyboard shortcuts");
        waitFor(() -> robot.lookup("#shortcuts").tryQuery().isPresent());
        DialogPane dialog = robot.lookup("#shortcuts").queryAs(DialogPane.class);
        assertThat(dialog.getStyleClass()).as("the dialog follows the theme").contains("dark");
        GridPane grid = (GridPane) dialog.getContent();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i + 1 < grid.getChildren().size(); i += 2) {
            rows.add(((Label) grid.getChildren().get(i)).getText() + " | "
                    + ((Label) grid.getChildren().get(i + 1)).getText());
        }
        assertThat(rows)
                .containsExactlyElementsOf(Shortcuts.TABLE.stream()
                        .map(s -> s.keysText(", ") + " | " + s.does())
                        .toList());
        assertThat(rows)
                .contains(
                        "E | eraser on or off",
                        "Enter | " + Shortcuts.TABLE.getLast().does());
        robot.interact(() -> dialog.getScene().getWindow().hide());

        List<KeyCombination> firstKeys =
                Shortcuts.TABLE.stream().map(s -> s.keys().getFirst()).toList();
        List<KeyCombination> accelerators = new ArrayList<>();
        for (Menu menu : robot.lookup(".menu-bar").queryAs(MenuBar.class).getMenus()) {
            for (MenuItem item : menu.getItems()) {
                if (item.getAccelerator() != null) {
                    accelerators.add(item.getAccelerator());
                }
            }
        }
        assertThat(accelerators).as("every menu key is in the table").isSubsetOf(firstKeys);
        assertThat(firstKeys).as("and every key of the table is a menu's").isSubsetOf(accelerators);

        for (Shortcuts.Shortcut s : Shortcuts.TABLE) {
            String keys = s.keysText(" or ");
            robot.lookup(".tool-bar .button, .tool-bar .toggle-button").queryAllAs(ButtonBase.class).stream()
                    .filter(b ->
                            b.getTooltip() != null && b.getTooltip().getText().contains("("))
                    .filter(b -> b.getTooltip()
                                    .getText()
                                    .contains(s.keys().getFirst().getDisplayText() + ")")
                            || b.getTooltip()
                                    .getText()
                                    .contains(s.keys().getFirst().getDisplayText() + " or"))
                    .forEach(b -> assertThat(b.getTooltip().getText())
                            .as("%s's tooltip names every key of \"%s\"", b.getId(), s.does())
                            .contains("(" + keys + ")"));
        }
        assertThat(robot.lookup("#eraser")
                        .queryAs(ButtonBase.class)
                        .getTooltip()
                        .getText())
                .endsWith("(E)");
    }
}
