package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Probabilities as the bars' tooltips show them: at least 0.1% resolution, small values never rounded to 0. */
class PercentTest {
    @Test
    void ordinaryValuesHaveOneDecimal() {
        assertThat(Percent.of(0.413)).isEqualTo("41.3%");
        assertThat(Percent.of(0.97f)).isEqualTo("97.0%");
        assertThat(Percent.of(0.001)).isEqualTo("0.1%");
        assertThat(Percent.of(0.5)).isEqualTo("50.0%");
    }

    @Test
    void valuesUnderATenthOfAPercentKeepTwoSignificantDigits() {
        assertThat(Percent.of(0.000123)).isEqualTo("0.012%");
        assertThat(Percent.of(0.0000123)).isEqualTo("0.0012%");
        assertThat(Percent.of(3.4e-9)).isEqualTo("3.4e-07%");
        assertThat(Percent.of(1.0e-30)).isEqualTo("1.0e-28%");
    }

    @Test
    void valuesNearOneShowHowFarFromAHundredTheyAre() {
        assertThat(Percent.of(0.99987)).isEqualTo("99.987%");
        assertThat(Percent.of(0.9999)).isEqualTo("99.990%");
        assertThat(Percent.of(0.99999994f)).startsWith("99.99999").doesNotStartWith("100");
    }

    @Test
    void onlyExactlyZeroAndOneAreRound() {
        assertThat(Percent.of(0)).isEqualTo("0%");
        assertThat(Percent.of(1)).isEqualTo("100%");
    }
}
