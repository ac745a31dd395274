package dev.digitpad.app.desktop;

import static dev.digitpad.app.desktop.DesktopAppTest.headline;
import static dev.digitpad.app.desktop.DesktopAppTest.stroke;
import static dev.digitpad.app.desktop.DesktopAppTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.Headline;
import dev.digitpad.ui.ImshowView;
import dev.digitpad.ui.PadViewModel;
import dev.digitpad.ui.Problem;
import dev.digitpad.ui.ServerViewModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.LinearGradient;
import javafx.scene.paint.Paint;
import javafx.scene.paint.RadialGradient;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The whole window, headless, for bugs a new user hit (issue 16): Enter with the focus on the Live checkbox, ticking
 * Live again, a long notification, switching themes while running, and the smallest window.
 */
class KeysAndThemesWindowTest extends WholeWindow {

    private PadViewModel pad() {
        return desktop.viewModel().pad();
    }

    private void connected() throws TimeoutException {
        waitFor(() -> desktop.viewModel().server().stateProperty().get() == ServerViewModel.State.CONNECTED);
    }

    /** Selects a tab by clicking its header ("Prediction" is a menu's name too). */
    static void tab(FxRobot robot, String name) {
        robot.clickOn(robot.from(robot.lookup("#tabs .tab-header-area").queryAs(Parent.class))
                .lookup((Label l) -> name.equals(l.getText()))
                .queryAs(Label.class));
    }

    private static void seven(FxRobot robot) {
        stroke(robot, 0.25, 0.2, 0.75, 0.2, 0.45, 0.85);
    }

    /** How often a prediction has started: the busy flag rises on the FX thread as one is requested. */
    private AtomicInteger predictionsStarted(FxRobot robot) {
        AtomicInteger started = new AtomicInteger();
        robot.interact(() -> desktop.viewModel().prediction().busyProperty().addListener((o, was, now) -> {
            if (now) {
                started.incrementAndGet();
            }
        }));
        return started;
    }

    // ----- bug 1: Enter -----

    @Test
    void enterPredictsWithTheFocusOnTheLiveCheckboxAndLeavesItAlone(FxRobot robot) throws TimeoutException {
        connected();
        robot.clickOn("#live");
        CheckBox live = robot.lookup("#live").queryAs(CheckBox.class);
        assertThat(live.isSelected()).isFalse();
        assertThat(live.isFocused()).as("a clicked checkbox has the focus").isTrue();
        seven(robot);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(headline(robot)).as("not live: the 7 is not predicted yet").isEqualTo(Headline.DRAW_A_DIGIT);

        robot.push(KeyCode.ENTER);
        waitFor(() -> headline(robot).equals("7"));
        assertThat(live.isSelected()).as("Enter did not tick Live").isFalse();
        assertThat(pad().liveProperty().get()).isFalse();
    }

    @Test
    void enterInATextFieldDoesNotPredict(FxRobot robot) throws TimeoutException {
        connected();
        robot.clickOn("#live");
        seven(robot);
        WaitForAsyncUtils.waitForFxEvents();
        AtomicInteger started = predictionsStarted(robot);
        tab(robot, "Server");
        robot.clickOn("#remote");
        robot.clickOn("#address").push(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(started.get())
                .as("Enter typed in a text field starts no prediction")
                .isZero();
        tab(robot, "Prediction");
        robot.push(KeyCode.ENTER);
        waitFor(() -> headline(robot).equals("7"));
        assertThat(started.get()).isEqualTo(1);
    }

    // ----- bug 2: ticking Live again -----

    @Test
    void tickingLiveAgainPredictsTheDrawingAlreadyOnThePad(FxRobot robot) throws TimeoutException {
        connected();
        robot.clickOn("#live");
        seven(robot);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(headline(robot)).isEqualTo(Headline.DRAW_A_DIGIT);
        robot.clickOn("#live");
        waitFor(() -> headline(robot).equals("7"));
        assertThat(desktop.viewModel().prediction().resultProperty().get().drawing())
                .isSameAs(pad().drawingProperty().get());
    }

    // ----- bug 8: long notifications -----

    @Test
    void aLongNotificationWrapsInsideTheWindow(FxRobot robot) throws TimeoutException {
        connected();
        String message =
                "The server at 127.0.0.1:18700 answered, but it has no model called \"nosuchmodel\". ".repeat(5)
                        + "Check the model name in the Server tab, or choose the embedded server.";
        robot.interact(() -> desktop.viewModel().report(new Problem("Cannot use the model", message)));
        waitFor(() -> robot.lookup(".notification-bar").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        Node bar = robot.lookup(".notification-bar").query();
        Bounds onScreen = bar.localToScreen(bar.getLayoutBounds());
        Bounds window = new BoundingBox(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
        assertThat(onScreen.getMinX())
                .as("the notification (%s) starts inside the window (%s)", onScreen, window)
                .isGreaterThanOrEqualTo(window.getMinX());
        assertThat(onScreen.getMaxX())
                .as("the notification (%s) ends inside the window (%s)", onScreen, window)
                .isLessThanOrEqualTo(window.getMaxX());
        Label text = robot.from(bar)
                .lookup((Label l) -> l.getText() != null && l.getText().equals(message))
                .query();
        assertThat(text.isWrapText()).as("the message wraps").isTrue();
    }

    // ----- bug 9: switching themes -----

    @Test
    void switchingThemesThroughTheMenuRestylesThePredictionTabEveryTime(FxRobot robot) throws Exception {
        connected();
        seven(robot);
        waitFor(() -> headline(robot).equals("7"));
        boolean dark = false;
        for (int i = 0; i < 8; i++) {
            dark = !dark;
            boolean fromServerTab = i % 4 >= 2;
            if (fromServerTab) {
                // As a user does before switching: type in the Server form, whose checked address field shows
                // ControlsFX's validation decorations (and so once replaced the scene's root: the bug).
                tab(robot, "Server");
                robot.clickOn("#remote");
                robot.clickOn("#address").write("1").push(KeyCode.BACK_SPACE);
            }
            robot.clickOn("View").clickOn("Theme").clickOn(dark ? "Dark" : "Light");
            WaitForAsyncUtils.waitForFxEvents();
            if (fromServerTab) {
                tab(robot, "Prediction");
                WaitForAsyncUtils.waitForFxEvents();
            }
            assertReadable(robot, dark ? "dark" : "light", i);
            assertThat(desktop.view().getStyleClass().contains("dark")).isEqualTo(dark);
        }
    }

    /**
     * Every label with text in the window (the Prediction tab's and the pad's hint among them) stands out from what is
     * painted behind it, and the model's-eye view (drawn on a canvas) is painted in the theme's colours: a dark figure
     * in the dark theme, a light one otherwise.
     */
    private void assertReadable(FxRobot robot, String theme, int round) throws Exception {
        List<Label> labels = new ArrayList<>();
        collectLabels(stage.getScene().getRoot(), labels);
        assertThat(labels)
                .extracting(Label::getText)
                .contains("7", "\"Not sure\" below 60%", "What the model sees (28×28 input)")
                .anyMatch(t -> t.startsWith("Draw a digit with the mouse"));
        for (Label label : labels) {
            Color text = (Color) label.getTextFill();
            Color behind = background(label);
            assertThat(contrast(text, behind))
                    .as(
                            "switch %d to %s: \"%s\" (%s) on %s (%s)",
                            round, theme, label.getText(), text, behind, label.getId())
                    .isGreaterThanOrEqualTo(3.0);
        }
        ImshowView imshow = robot.lookup("#imshow").queryAs(ImshowView.class);
        WritableImage shot =
                WaitForAsyncUtils.asyncFx(() -> imshow.snapshot(null, null)).get(10, TimeUnit.SECONDS);
        PixelReader pixels = shot.getPixelReader();
        Color figure = pixels.getColor(1, 1);
        double[] axes = imshow.axes();
        Color frame = pixels.getColor((int) axes[0] - 1, (int) (axes[1] + axes[2] / 2));
        Color windowBackground = background(imshow);
        assertThat(luminance(figure) < 0.5)
                .as("switch %d to %s: the figure's background %s follows the theme", round, theme, figure)
                .isEqualTo(theme.equals("dark"));
        assertThat(luminance(windowBackground) < 0.5)
                .as("switch %d to %s: the window's background %s follows the theme", round, theme, windowBackground)
                .isEqualTo(theme.equals("dark"));
        assertThat(contrast(frame, figure))
                .as("switch %d to %s: the axes %s stand out from the figure %s", round, theme, frame, figure)
                .isGreaterThanOrEqualTo(3.0);
    }

    private static void collectLabels(Parent parent, List<Label> out) {
        for (Node child : parent.getChildrenUnmodifiable()) {
            if (!child.isVisible()) {
                continue;
            }
            if (child instanceof Label l && l.getText() != null && !l.getText().isBlank()) {
                out.add(l);
            }
            if (child instanceof Parent p) {
                collectLabels(p, out);
            }
        }
    }

    /** The colour painted behind {@code node}: the topmost opaque fill of the nearest ancestor that paints one. */
    private static Color background(Node node) {
        for (Parent p = node.getParent(); p != null; p = p.getParent()) {
            if (p instanceof Region r) {
                Background bg = r.getBackground();
                if (bg != null) {
                    List<BackgroundFill> fills = bg.getFills();
                    for (int i = fills.size() - 1; i >= 0; i--) {
                        Color c = colour(fills.get(i).getFill());
                        if (c != null && c.getOpacity() > 0.5) {
                            return c;
                        }
                    }
                }
            }
        }
        return Color.WHITE; // a scene's default fill
    }

    /** A fill's colour: itself, or the mean of a gradient's stops; null for an image or other paint. */
    private static Color colour(Paint paint) {
        List<javafx.scene.paint.Stop> stops = paint instanceof LinearGradient g
                ? g.getStops()
                : paint instanceof RadialGradient g ? g.getStops() : null;
        if (stops == null) {
            return paint instanceof Color c ? c : null;
        }
        double r = 0, g = 0, b = 0, a = 0;
        for (javafx.scene.paint.Stop stop : stops) {
            r += stop.getColor().getRed();
            g += stop.getColor().getGreen();
            b += stop.getColor().getBlue();
            a += stop.getColor().getOpacity();
        }
        int n = stops.size();
        return new Color(r / n, g / n, b / n, a / n);
    }

    /** WCAG relative luminance. */
    private static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    /** WCAG contrast ratio, 1 to 21. */
    private static double contrast(Color a, Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    // ----- bug 11: the smallest window -----

    @Test
    void atTheMinimumSizeEveryControlIsVisibleAndTheAxisTicksDoNotOverlap(FxRobot robot) throws Exception {
        connected();
        seven(robot);
        waitFor(() -> headline(robot).equals("7"));
        robot.interact(() -> {
            stage.setWidth(stage.getMinWidth());
            stage.setHeight(stage.getMinHeight());
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(stage.getWidth()).isEqualTo(760);
        assertThat(stage.getHeight()).isEqualTo(540);
        Bounds window = new BoundingBox(
                0, 0, stage.getScene().getWidth(), stage.getScene().getHeight());
        Node tabs = robot.lookup("#tabs").query();
        Bounds tabArea = tabs.localToScene(tabs.getLayoutBounds());
        for (String id : new String[] {
            "#pad-canvas",
            "#pen-width",
            "#eraser",
            "#live",
            "#predict",
            "#imshow",
            "#distribution",
            "#headline",
            "#detail",
            "#threshold",
            "#threshold-text",
            "#status",
            "#status-roundtrip"
        }) {
            Node node = robot.lookup(id).query();
            Bounds b = node.localToScene(node.getBoundsInLocal());
            assertThat(node.isVisible()).as("%s is visible", id).isTrue();
            assertThat(window.contains(b))
                    .as("%s (%s) lies inside the 760x540 window (%s)", id, b, window)
                    .isTrue();
            if (isInside(node, tabs)) {
                assertThat(tabArea.contains(b))
                        .as("%s (%s) lies inside the tab pane (%s), which clips it", id, b, tabArea)
                        .isTrue();
            }
        }
        for (int d = 0; d < 10; d++) {
            Node bar = robot.lookup("#bar-" + d).query();
            Node parent = bar.getParent();
            Bounds slot = parent.localToScene(parent.getLayoutBounds());
            Bounds b = bar.localToScene(bar.getLayoutBounds());
            assertThat(b.getMinY()).as("bar %d stays in its slot", d).isGreaterThanOrEqualTo(slot.getMinY() - 0.5);
        }
        ImshowView imshow = robot.lookup("#imshow").queryAs(ImshowView.class);
        List<Bounds> ticks = WaitForAsyncUtils.asyncFx(imshow::tickLabels).get(10, TimeUnit.SECONDS);
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(4);
        for (int i = 0; i < ticks.size(); i++) {
            for (int j = i + 1; j < ticks.size(); j++) {
                assertThat(ticks.get(i).intersects(ticks.get(j)))
                        .as("tick labels %s and %s overlap", ticks.get(i), ticks.get(j))
                        .isFalse();
            }
        }
    }

    private static boolean isInside(Node node, Node ancestor) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }
}
