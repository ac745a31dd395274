package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.ui.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/** The window opens where it was closed, on a screen that exists, and its place and size are kept on exit. */
@ExtendWith(ApplicationExtension.class)
class WindowBoundsTest {
    @TempDir
    Path dir;

    private Desktop desktop;
    private Stage stage;

    /** Opens the whole window with {@code window} saved in its settings file (null: none saved). */
    private void open(FxRobot robot, String window) throws Exception {
        Path settings = dir.resolve("settings.json");
        if (window != null) {
            Files.writeString(settings, "{\"window\": " + window + "}");
        }
        robot.interact(() -> {
            stage = new Stage();
            desktop = Desktop.open(stage, new Desktop.Config(settings, AppPaths.shippedModel()));
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void close(FxRobot robot) {
        if (desktop != null) {
            robot.interact(() -> {
                stage.close();
                desktop.close();
            });
        }
    }

    private static Rectangle2D screen() {
        return Screen.getPrimary().getVisualBounds();
    }

    private Rectangle2D stageBounds() {
        return new Rectangle2D(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
    }

    @Test
    void opensWithTheSavedBounds(FxRobot robot) throws Exception {
        open(robot, "{\"x\": 100, \"y\": 80, \"width\": 900, \"height\": 600, \"maximized\": false}");

        assertThat(stageBounds()).isEqualTo(new Rectangle2D(100, 80, 900, 600));
        assertThat(desktop.viewModel().settings().window())
                .isEqualTo(new Settings.WindowBounds(100, 80, 900, 600, false));
    }

    @Test
    void movingAndResizingIsKept(FxRobot robot) throws Exception {
        open(robot, null);

        robot.interact(() -> {
            stage.setX(120);
            stage.setY(60);
            stage.setWidth(880);
            stage.setHeight(620);
        });

        assertThat(desktop.viewModel().settings().window())
                .isEqualTo(new Settings.WindowBounds(120, 60, 880, 620, false));
        robot.interact(desktop::close);
        assertThat(new JsonSettingsStore(dir.resolve("settings.json")).load().window())
                .as("saved on exit")
                .isEqualTo(new Settings.WindowBounds(120, 60, 880, 620, false));
    }

    @Test
    void maximizingKeepsTheBoundsToRestoreTo(FxRobot robot) throws Exception {
        open(robot, "{\"x\": 100, \"y\": 80, \"width\": 900, \"height\": 600, \"maximized\": false}");

        robot.interact(() -> stage.setMaximized(true));

        assertThat(desktop.viewModel().settings().window())
                .isEqualTo(new Settings.WindowBounds(100, 80, 900, 600, true));
    }

    @Test
    void opensMaximizedIfItWasClosedSo(FxRobot robot) throws Exception {
        open(robot, "{\"x\": 100, \"y\": 80, \"width\": 900, \"height\": 600, \"maximized\": true}");

        assertThat(stage.isMaximized()).isTrue();
        // Un-maximizing returns to the normal bounds (the window manager's part; Monocle has none): they are kept.
        assertThat(desktop.viewModel().settings().window())
                .isEqualTo(new Settings.WindowBounds(100, 80, 900, 600, true));
    }

    @Test
    void boundsOffEveryScreenAreCentredOnTheScreen(FxRobot robot) throws Exception {
        // A second monitor that was unplugged since.
        open(robot, "{\"x\": 5000, \"y\": 3000, \"width\": 900, \"height\": 600, \"maximized\": false}");

        Rectangle2D screen = screen();
        assertThat(screen.contains(stageBounds()))
                .as("%s on %s", stageBounds(), screen)
                .isTrue();
        assertThat(stage.getX() + stage.getWidth() / 2).isCloseTo(screen.getMinX() + screen.getWidth() / 2, within(1));
        assertThat(stage.getY() + stage.getHeight() / 2)
                .isCloseTo(screen.getMinY() + screen.getHeight() / 2, within(1));
    }

    @Test
    void boundsHangingOffTheScreenAreMovedOnToIt(FxRobot robot) throws Exception {
        Rectangle2D screen = screen();
        open(
                robot,
                "{\"x\": " + (screen.getMaxX() - 200) + ", \"y\": -50, \"width\": 900, \"height\": 600,"
                        + " \"maximized\": false}");

        assertThat(screen.contains(stageBounds()))
                .as("%s on %s", stageBounds(), screen)
                .isTrue();
        assertThat(stage.getWidth()).isEqualTo(900);
    }

    @Test
    void tooSmallOrTooLargeBoundsAreMadeToFit(FxRobot robot) throws Exception {
        open(robot, "{\"x\": 10, \"y\": 10, \"width\": 200, \"height\": 100, \"maximized\": false}");
        assertThat(stage.getWidth()).isEqualTo(760);
        assertThat(stage.getHeight()).isEqualTo(540);
        close(robot);

        open(robot, "{\"x\": 0, \"y\": 0, \"width\": 20000, \"height\": 20000, \"maximized\": false}");
        assertThat(screen().contains(stageBounds()))
                .as("%s on %s", stageBounds(), screen())
                .isTrue();
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }
}
