package dev.digitpad.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The colour map against the values matplotlib 3.6.3 gives for {@code matplotlib.colormaps["RdBu_r"](value)}. */
class RdBuColormapTest {
    @ParameterizedTest
    @CsvSource({
        "0.0,    0.0196078431372549, 0.18823529411764706, 0.3803921568627451",
        "0.1,    0.1272587466359093, 0.395847750865052,   0.6687427912341408",
        "0.25,   0.4206843521722416, 0.6764321414840447,  0.8186851211072664",
        "0.3,    0.5664744329104192, 0.7687043444828914,  0.8685121107266437",
        "0.4999, 0.9657054978854287, 0.9672433679354094,  0.9680891964628989",
        "0.5,    0.9690888119953864, 0.9664744329104191,  0.9649365628604383",
        "0.75,   0.8945790080738177, 0.5038062283737024,  0.39976931949250283",
        "0.9,    0.6922722029988465, 0.0922722029988466,  0.1677047289504037",
        "1.0,    0.403921568627451,  0.0,                 0.12156862745098039"
    })
    void matchesMatplotlib(double value, double red, double green, double blue) {
        double[] rgb = RdBuColormap.rgb(value);

        assertThat(rgb[0]).isCloseTo(red, within(1e-9));
        assertThat(rgb[1]).isCloseTo(green, within(1e-9));
        assertThat(rgb[2]).isCloseTo(blue, within(1e-9));
    }

    @ParameterizedTest
    @CsvSource({"-3, 0.0", "7, 1.0", "NaN, 0.5"})
    void valuesOutsideTheRangeTakeTheEndColoursAndNanTheMiddle(double value, double same) {
        assertThat(RdBuColormap.rgb(value)).containsExactly(RdBuColormap.rgb(same));
    }

    @ParameterizedTest
    @CsvSource({
        // matplotlib 3.6.3: imshow(gray) then imshow(map, cmap="RdBu_r", alpha=0.5): 0.5 * colour + 0.5 * grey, in 8
        // bits.
        "0.5, 0.0, 0x7c7b7b",
        "0.5, 1.0, 0xfbfbfb",
        "1.0, 0.0, 0x340010",
        "0.0, 1.0, 0x8298b0"
    })
    void halfOpaqueOverAGrey(double value, double grey, String expected) {
        assertThat(RdBuColormap.over(value, 0.5, new double[] {grey, grey, grey}))
                .isEqualTo(Integer.decode(expected));
    }
}
