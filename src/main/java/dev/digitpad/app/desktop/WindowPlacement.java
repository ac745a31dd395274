package dev.digitpad.app.desktop;

import dev.digitpad.ui.Settings.WindowBounds;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javafx.beans.InvalidationListener;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;

/**
 * The window where it was when it was last closed: on a screen that exists now (a saved place on a monitor since
 * unplugged is centred on the main screen instead), wholly on it, and no smaller than the window's minimum. Then its
 * place, size and maximized state are kept up to date, to be saved on exit.
 */
final class WindowPlacement {
    static final double MIN_WIDTH = 760;
    static final double MIN_HEIGHT = 540;

    /** How much of a saved window, across and down, must lie on a screen for it to count (a sliver at an edge does not). */
    private static final double MIN_VISIBLE = 100;

    private WindowPlacement() {}

    /**
     * Where {@code saved} goes on {@code screens} (their visual bounds, the main screen first); empty if nothing was
     * saved, or it is not a place at all (then the window takes its default place).
     */
    static Optional<Rectangle2D> place(WindowBounds saved, List<Rectangle2D> screens) {
        if (saved == null
                || screens.isEmpty()
                || !Double.isFinite(saved.x())
                || !Double.isFinite(saved.y())
                || !(saved.width() > 0)
                || !(saved.height() > 0)
                || !Double.isFinite(saved.width())
                || !Double.isFinite(saved.height())) {
            return Optional.empty();
        }
        double width = Math.max(saved.width(), MIN_WIDTH);
        double height = Math.max(saved.height(), MIN_HEIGHT);
        Rectangle2D wanted = new Rectangle2D(saved.x(), saved.y(), width, height);
        Optional<Rectangle2D> on = screens.stream()
                .filter(s -> overlapWidth(s, wanted) >= MIN_VISIBLE && overlapHeight(s, wanted) >= MIN_VISIBLE)
                .max(Comparator.comparingDouble(s -> overlap(s, wanted)));
        Rectangle2D screen = on.orElse(screens.getFirst());
        width = Math.max(Math.min(width, screen.getWidth()), MIN_WIDTH);
        height = Math.max(Math.min(height, screen.getHeight()), MIN_HEIGHT);
        double x;
        double y;
        if (on.isPresent()) {
            x = within(saved.x(), screen.getMinX(), screen.getMaxX() - width);
            y = within(saved.y(), screen.getMinY(), screen.getMaxY() - height);
        } else {
            x = within(screen.getMinX() + (screen.getWidth() - width) / 2, screen.getMinX(), screen.getMaxX() - width);
            y = within(
                    screen.getMinY() + (screen.getHeight() - height) / 2, screen.getMinY(), screen.getMaxY() - height);
        }
        return Optional.of(new Rectangle2D(x, y, width, height));
    }

    /** {@code v} moved into [lo, hi]; lo if the range is empty (a screen smaller than the window). */
    private static double within(double v, double lo, double hi) {
        return Math.max(lo, Math.min(v, hi));
    }

    private static double overlap(Rectangle2D a, Rectangle2D b) {
        return overlapWidth(a, b) * overlapHeight(a, b);
    }

    private static double overlapWidth(Rectangle2D a, Rectangle2D b) {
        return Math.max(0, Math.min(a.getMaxX(), b.getMaxX()) - Math.max(a.getMinX(), b.getMinX()));
    }

    private static double overlapHeight(Rectangle2D a, Rectangle2D b) {
        return Math.max(0, Math.min(a.getMaxY(), b.getMaxY()) - Math.max(a.getMinY(), b.getMinY()));
    }

    /**
     * Puts the stage, not yet shown, where {@code window} says (see {@link #place}), and from then on keeps
     * {@code window} up to date with its place, size and maximized state. While the window is maximized (or
     * iconified, or full screen) the bounds kept are the ones it returns to.
     */
    static void apply(Stage stage, ObjectProperty<WindowBounds> window) {
        stage.setMinWidth(MIN_WIDTH);
        stage.setMinHeight(MIN_HEIGHT);
        WindowBounds saved = window.get();
        List<Rectangle2D> screens = Screen.getScreens().stream()
                .sorted(Comparator.comparing(s -> !s.equals(Screen.getPrimary())))
                .map(Screen::getVisualBounds)
                .toList();
        Optional<Rectangle2D> placed = place(saved, screens);
        placed.ifPresent(b -> {
            stage.setX(b.getMinX());
            stage.setY(b.getMinY());
            stage.setWidth(b.getWidth());
            stage.setHeight(b.getHeight());
            stage.setMaximized(saved.maximized());
        });
        // The bounds to return to from maximized: known only once the window has been shown unmaximized.
        Rectangle2D[] normal = {placed.orElse(null)};
        InvalidationListener keep = o -> {
            boolean restored = !stage.isMaximized() && !stage.isIconified() && !stage.isFullScreen();
            if (restored && stage.isShowing()) {
                normal[0] = new Rectangle2D(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
            }
            if (normal[0] != null) {
                window.set(new WindowBounds(
                        normal[0].getMinX(),
                        normal[0].getMinY(),
                        normal[0].getWidth(),
                        normal[0].getHeight(),
                        stage.isMaximized()));
            }
        };
        stage.xProperty().addListener(keep);
        stage.yProperty().addListener(keep);
        stage.widthProperty().addListener(keep);
        stage.heightProperty().addListener(keep);
        stage.maximizedProperty().addListener(keep);
        stage.showingProperty().addListener(keep);
    }
}
