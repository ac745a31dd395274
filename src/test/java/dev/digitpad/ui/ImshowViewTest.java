package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Pixel checks of the model's-eye view, rendered headless (Monocle, software rendering). */
@ExtendWith(ApplicationExtension.class)
class ImshowViewTest {
    private ImshowView view;

    @Start
    void start(Stage stage) {
        view = new ImshowView();
        StackPane root = new StackPane(view);
        stage.setScene(new Scene(root, 400, 360));
        stage.show();
    }

    private <T> T fx(java.util.concurrent.Callable<T> task)
            throws ExecutionException, InterruptedException, TimeoutException {
        return WaitForAsyncUtils.asyncFx(task).get(10, TimeUnit.SECONDS);
    }

    private PixelReader render(float[] data) throws Exception {
        WritableImage image = fx(() -> {
            view.dataProperty().set(data);
            view.applyCss();
            view.layout();
            return view.snapshot(null, null);
        });
        return image.getPixelReader();
    }

    private static int grey(PixelReader r, double x, double y) {
        int argb = r.getArgb((int) Math.floor(x), (int) Math.floor(y));
        int red = (argb >> 16) & 0xff;
        int green = (argb >> 8) & 0xff;
        int blue = argb & 0xff;
        assertThat(red).as("grey at %s,%s", x, y).isEqualTo(green).isEqualTo(blue);
        return red;
    }

    /** Values rising by column from 0 to 0.5: the brightest is white, as imshow autoscales. */
    static float[] columns() {
        float[] v = new float[784];
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                v[r * 28 + c] = 0.5f * c / 27;
            }
        }
        return v;
    }

    private double[] axes() throws Exception {
        return fx(view::axes);
    }

    private static double centre(double origin, double side, int i) {
        return origin + side * (i + 0.5) / 28;
    }

    @Test
    void greyLevelsAreScaledBetweenTheDataMinimumAndMaximum() throws Exception {
        PixelReader r = render(columns());
        double[] a = axes();
        assertThat(grey(r, centre(a[0], a[2], 0), centre(a[1], a[2], 3))).isEqualTo(0);
        assertThat(grey(r, centre(a[0], a[2], 27), centre(a[1], a[2], 3)))
                .as("0.5 is the maximum, so white")
                .isEqualTo(255);
        assertThat(grey(r, centre(a[0], a[2], 13), centre(a[1], a[2], 20))).isBetween(121, 125); // 13/27 of 255 = 122.8
    }

    @Test
    void aConstantImageIsBlack() throws Exception {
        float[] v = new float[784];
        java.util.Arrays.fill(v, 0.7f);
        PixelReader r = render(v);
        double[] a = axes();
        for (int i : new int[] {0, 13, 27}) {
            assertThat(grey(r, centre(a[0], a[2], i), centre(a[1], a[2], i))).isZero();
        }
    }

    @Test
    void cellsAreNearestNeighbourBlocks() throws Exception {
        float[] v = new float[784];
        v[10 * 28 + 10] = 1; // one white cell at row 10, column 10
        PixelReader r = render(v);
        double[] a = axes();
        double cell = a[2] / 28;
        double left = a[0] + Math.round(a[2] * 10 / 28);
        double top = a[1] + Math.round(a[2] * 10 / 28);
        for (double dy = 0.5; dy < cell - 1; dy += 1) {
            for (double dx = 0.5; dx < cell - 1; dx += 1) {
                assertThat(grey(r, left + dx, top + dy)).as("inside the cell").isEqualTo(255);
            }
        }
        assertThat(grey(r, left - 0.5, top + cell / 2))
                .as("left neighbour, no smoothing")
                .isZero();
        assertThat(grey(r, left + Math.round(cell) + 0.5, top + cell / 2))
                .as("right neighbour")
                .isZero();
        assertThat(grey(r, left + cell / 2, top - 0.5)).as("row above").isZero();
    }

    @Test
    void ticksAreAtTheCentresOfPixels0To25AndYGrowsDownward() throws Exception {
        float[] v = new float[784];
        v[0] = 1; // top-left is row 0, column 0
        PixelReader r = render(v);
        double[] a = axes();
        double bottom = a[1] + a[2];
        assertThat(grey(r, centre(a[0], a[2], 0), centre(a[1], a[2], 0)))
                .as("row 0 is at the top")
                .isEqualTo(255);
        for (int t = 0; t <= 25; t += 5) {
            double x = Math.round(centre(a[0], a[2], t)) + 0.5;
            assertThat(grey(r, x, bottom + 2.5))
                    .as("x tick %d points down, outside the axes", t)
                    .isLessThan(100);
            assertThat(grey(r, x + 3, bottom + 2.5))
                    .as("nothing beside x tick %d", t)
                    .isEqualTo(255);
            double y = Math.round(centre(a[1], a[2], t)) + 0.5;
            assertThat(grey(r, a[0] - 2.5, y)).as("y tick %d points left", t).isLessThan(100);
            assertThat(grey(r, a[0] - 2.5, y + 3)).isEqualTo(255);
        }
        assertThat(grey(r, Math.round(centre(a[0], a[2], 27)) + 0.5, bottom + 2.5))
                .as("no tick at 27")
                .isEqualTo(255);
    }

    @Test
    void theColorbarRunsFromBlackAtTheBottomToWhiteAtTheTop() throws Exception {
        fx(() -> {
            view.colorbarProperty().set(true);
            return null;
        });
        PixelReader r = render(columns());
        double[] a = axes();
        double x = a[0] + a[2] + 14 + 6;
        assertThat(grey(r, x, a[1] + 2)).isGreaterThan(240);
        assertThat(grey(r, x, a[1] + a[2] - 2)).isLessThan(15);
    }

    @Test
    void exportWritesWhatIsShown(@TempDir Path dir) throws Exception {
        render(columns());
        Path file = dir.resolve("view.png");
        fx(() -> {
            view.exportPng(file);
            return null;
        });
        var image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(400);
        assertThat(image.getHeight()).isEqualTo(360);
    }
}
