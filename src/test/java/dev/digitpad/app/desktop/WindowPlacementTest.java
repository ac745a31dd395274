package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.Settings.WindowBounds;
import java.util.List;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;

/** Where saved window bounds go on the screens there are now. */
class WindowPlacementTest {
    static final Rectangle2D MAIN = new Rectangle2D(0, 0, 1920, 1050);
    static final Rectangle2D RIGHT = new Rectangle2D(1920, 0, 1280, 1024);

    @Test
    void nothingSavedIsTheDefaultPlace() {
        assertThat(WindowPlacement.place(null, List.of(MAIN))).isEmpty();
        assertThat(WindowPlacement.place(new WindowBounds(Double.NaN, 0, 900, 600, false), List.of(MAIN)))
                .isEmpty();
        assertThat(WindowPlacement.place(new WindowBounds(0, 0, 0, 600, false), List.of(MAIN)))
                .isEmpty();
    }

    @Test
    void aPlaceOnAScreenStays() {
        assertThat(WindowPlacement.place(new WindowBounds(2000, 100, 900, 600, false), List.of(MAIN, RIGHT)))
                .contains(new Rectangle2D(2000, 100, 900, 600));
    }

    @Test
    void aPlaceOnAScreenUnpluggedSinceIsCentredOnTheMainScreen() {
        assertThat(WindowPlacement.place(new WindowBounds(2000, 100, 900, 600, false), List.of(MAIN)))
                .contains(new Rectangle2D(510, 225, 900, 600));
    }

    @Test
    void aWindowAcrossTwoScreensMovesOntoTheOneWithMostOfIt() {
        assertThat(WindowPlacement.place(new WindowBounds(1700, 50, 900, 600, false), List.of(MAIN, RIGHT)))
                .contains(new Rectangle2D(1920, 50, 900, 600));
    }

    @Test
    void aSliverOnAScreenDoesNotCount() {
        // Only 40 px of the window's width would be on the screen: not enough to grab it.
        assertThat(WindowPlacement.place(new WindowBounds(-860, 100, 900, 600, false), List.of(MAIN)))
                .contains(new Rectangle2D(510, 225, 900, 600));
    }

    @Test
    void theSizeIsAtLeastTheMinimumAndAtMostTheScreen() {
        assertThat(WindowPlacement.place(new WindowBounds(10, 10, 100, 100, false), List.of(MAIN)))
                .contains(new Rectangle2D(10, 10, 760, 540));
        assertThat(WindowPlacement.place(new WindowBounds(0, 0, 5000, 5000, false), List.of(MAIN)))
                .contains(MAIN);
        // A screen smaller than the minimum: the minimum, at the screen's corner.
        Rectangle2D tiny = new Rectangle2D(0, 0, 640, 480);
        assertThat(WindowPlacement.place(new WindowBounds(0, 0, 900, 600, false), List.of(tiny)))
                .contains(new Rectangle2D(0, 0, 760, 540));
    }
}
