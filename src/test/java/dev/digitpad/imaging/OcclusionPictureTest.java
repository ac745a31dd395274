package dev.digitpad.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The picture of an occlusion map: its cells, its colorbar and the scale centred at zero. */
class OcclusionPictureTest {
    private static final int SIDE = 28;

    /** A bar of ink in columns 12-15; the map +0.3 over rows 6-13, columns 10-17, and -0.15 over rows 16-21, 4-9. */
    private static float[] input() {
        float[] img = new float[SIDE * SIDE];
        for (int r = 6; r < 22; r++) {
            for (int c = 12; c < 16; c++) {
                img[r * SIDE + c] = 1;
            }
        }
        return img;
    }

    private static float[] map() {
        float[] m = new float[SIDE * SIDE];
        for (int r = 6; r < 14; r++) {
            for (int c = 10; c < 18; c++) {
                m[r * SIDE + c] = 0.3f;
            }
        }
        for (int r = 16; r < 22; r++) {
            for (int c = 4; c < 10; c++) {
                m[r * SIDE + c] = -0.15f;
            }
        }
        return m;
    }

    /** The colour at the centre of cell (row, column). */
    private static int cell(BufferedImage image, int row, int column) {
        int x = OcclusionPicture.AXES_X + (int) ((column + 0.5) * OcclusionPicture.AXES_SIDE / SIDE);
        int y = OcclusionPicture.AXES_Y + (int) ((row + 0.5) * OcclusionPicture.AXES_SIDE / SIDE);
        return image.getRGB(x, y) & 0xffffff;
    }

    @Test
    void cellsAreTheMapHalfOpaqueOverTheGreyInput() {
        BufferedImage image = OcclusionPicture.render(input(), map(), "");

        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(480);
        // As matplotlib 3.6.3 draws them: 0 over black, 0 over white, +limit over black and white, -limit/2 on black.
        assertThat(cell(image, 0, 0)).isEqualTo(0x7c7b7b);
        assertThat(cell(image, 18, 13)).isEqualTo(0xfbfbfb);
        assertThat(cell(image, 8, 10)).isEqualTo(0x340010);
        assertThat(cell(image, 8, 13)).isEqualTo(RdBuColormap.over(1.0, 0.5, new double[] {1, 1, 1}));
        assertThat(cell(image, 18, 5)).isEqualTo(RdBuColormap.over(0.25, 0.5, new double[] {0, 0, 0}));
        // Red (evidence for) is redder than it is blue, and blue (against) the other way round.
        assertThat(red(cell(image, 8, 10))).isGreaterThan(blue(cell(image, 8, 10)));
        assertThat(blue(cell(image, 18, 5))).isGreaterThan(red(cell(image, 18, 5)));
    }

    @Test
    void theColorbarRunsFromRedAtTheTopToBlueAtTheBottomWithTicksCentredAtZero() {
        BufferedImage image = OcclusionPicture.render(input(), map(), "Why 1");
        int x = OcclusionPicture.BAR_X + OcclusionPicture.BAR_WIDTH / 2;
        int top = image.getRGB(x, OcclusionPicture.AXES_Y + 1) & 0xffffff;
        int middle = image.getRGB(x, OcclusionPicture.AXES_Y + OcclusionPicture.AXES_SIDE / 2) & 0xffffff;
        int bottom = image.getRGB(x, OcclusionPicture.AXES_Y + OcclusionPicture.AXES_SIDE - 2) & 0xffffff;

        assertThat(top).isEqualTo(OcclusionPicture.colorbarColor(1 - 1.5 / OcclusionPicture.AXES_SIDE));
        assertThat(bottom).isEqualTo(OcclusionPicture.colorbarColor(1.5 / OcclusionPicture.AXES_SIDE));
        assertThat(red(top)).isGreaterThan(blue(top));
        assertThat(blue(bottom)).isGreaterThan(red(bottom));
        assertThat(Math.min(red(middle), Math.min(green(middle), blue(middle)))).isGreaterThan(240);
        // Tick labels are drawn to the right of the bar, and a title above the axes.
        assertThat(darkPixels(image, OcclusionPicture.BAR_X + OcclusionPicture.BAR_WIDTH + 6, 0, 640, 480))
                .isGreaterThan(50);
        int axesEnd = OcclusionPicture.AXES_X + OcclusionPicture.AXES_SIDE;
        assertThat(darkPixels(image, OcclusionPicture.AXES_X, 0, axesEnd, OcclusionPicture.AXES_Y - 2))
                .isGreaterThan(10);
        assertThat(darkPixels(
                        OcclusionPicture.render(input(), map(), ""),
                        OcclusionPicture.AXES_X,
                        0,
                        axesEnd,
                        OcclusionPicture.AXES_Y - 2))
                .isZero();
    }

    @Test
    void theScaleIsSymmetricAboutZero() {
        DivergingScale scale = DivergingScale.of(map());

        assertThat(scale.limit()).isEqualTo(0.3f);
        assertThat(scale.level(0)).isEqualTo(0.5);
        assertThat(scale.level(0.3f)).isEqualTo(1.0);
        assertThat(scale.level(-0.3f)).isEqualTo(0.0);
        assertThat(scale.level(-0.15f)).isEqualTo(0.25);
        assertThat(scale.ticks()).hasSize(7).startsWith(-0.30000000000000004).contains(0.0);
        assertThat(scale.ticks().stream().map(scale::label).toList())
                .isEqualTo(List.of("-0.3", "-0.2", "-0.1", "0", "0.1", "0.2", "0.3"));
        DivergingScale small = new DivergingScale(0.05f);
        assertThat(small.ticks().stream().map(small::label).toList())
                .isEqualTo(List.of("-0.04", "-0.02", "0", "0.02", "0.04"));
        DivergingScale quarter = new DivergingScale(1f);
        assertThat(quarter.ticks().stream().map(quarter::label).toList())
                .isEqualTo(List.of("-1.00", "-0.75", "-0.50", "-0.25", "0", "0.25", "0.50", "0.75", "1.00"));
        // A map of zeros is all the middle colour, with one tick.
        DivergingScale none = DivergingScale.of(new float[SIDE * SIDE]);
        assertThat(none.level(0)).isEqualTo(0.5);
        assertThat(none.ticks()).containsExactly(0.0);
    }

    @Test
    void theAxesAndTheColorbarAreFramedAndTickedAsMatplotlibTicksThem() {
        BufferedImage image = OcclusionPicture.render(input(), map(), "");
        int x0 = OcclusionPicture.AXES_X;
        int y0 = OcclusionPicture.AXES_Y;
        int side = OcclusionPicture.AXES_SIDE;
        int bar = OcclusionPicture.BAR_X;
        int barEnd = bar + OcclusionPicture.BAR_WIDTH;
        int tick = OcclusionPicture.TICK;
        int middle = y0 + side / 2;
        // A one-pixel black frame round the axes and round the colorbar, just outside them.
        assertThat(List.of(
                        image.getRGB(x0 - 1, middle),
                        image.getRGB(x0 + side, middle),
                        image.getRGB(x0 + side / 2, y0 - 1),
                        image.getRGB(x0 + side / 2, y0 + side),
                        image.getRGB(bar - 1, middle),
                        image.getRGB(barEnd, middle)))
                .allSatisfy(rgb -> assertThat(rgb & 0xffffff).isZero());
        // Ticks every 5 pixels of the input, at the pixels' centres, under the axes and left of them, each labelled.
        for (int t = 0; t < SIDE; t += 5) {
            int at = (int) Math.round(x0 + side * (t + 0.5) / SIDE);
            assertThat(image.getRGB(at, y0 + side + tick - 1) & 0xffffff)
                    .as("x tick %d", t)
                    .isZero();
            assertThat(image.getRGB(at + 3, y0 + side + tick - 1) & 0xffffff).isEqualTo(0xffffff);
            assertThat(darkPixels(image, at - 10, y0 + side + tick + 2, at + 10, y0 + side + tick + 20))
                    .as("x label %d", t)
                    .isPositive();
            int y = (int) Math.round(y0 + side * (t + 0.5) / SIDE);
            assertThat(image.getRGB(x0 - tick, y) & 0xffffff).as("y tick %d", t).isZero();
            assertThat(image.getRGB(x0 - tick, y + 3) & 0xffffff).isEqualTo(0xffffff);
            assertThat(darkPixels(image, x0 - tick - 30, y - 8, x0 - tick - 3, y + 8))
                    .as("y label %d", t)
                    .isPositive();
        }
        // The colorbar's ticks stand at their values' levels, each with its label to the right.
        DivergingScale scale = DivergingScale.of(map());
        for (double value : scale.ticks()) {
            int y = Math.min(y0 + side - 1, (int) Math.round(y0 + side * (1 - scale.level((float) value))));
            assertThat(image.getRGB(barEnd + tick - 1, y) & 0xffffff)
                    .as("tick %s", value)
                    .isZero();
            assertThat(image.getRGB(barEnd + tick - 1, y + 3) & 0xffffff).isEqualTo(0xffffff);
            assertThat(darkPixels(image, barEnd + tick + 3, y - 8, barEnd + tick + 50, y + 8))
                    .as("label %s", value)
                    .isPositive();
        }
    }

    @Test
    void refusesAnythingButTwo28x28Images() {
        assertThatThrownBy(() -> OcclusionPicture.render(new float[10], map(), ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OcclusionPicture.render(input(), new float[10], ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xff;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xff;
    }

    private static int blue(int rgb) {
        return rgb & 0xff;
    }

    private static int darkPixels(BufferedImage image, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = image.getRGB(x, y);
                if (red(rgb) + green(rgb) + blue(rgb) < 200) {
                    n++;
                }
            }
        }
        return n;
    }
}
