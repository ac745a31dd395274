package dev.digitpad.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labels header's value, as the server writes it and the client reads it. */
class VersionLabelsTest {
    @Test
    void labelsOfAnyTextComeBackAsTheyWere() {
        Map<String, Long> labels = Map.of("stable", 1L, "canary", 2L, "a,b=c d", 3L, "été", 12L);
        String value = VersionLabels.encode(labels);
        assertThat(value)
                .isEqualTo("a%2Cb%3Dc+d=3,canary=2,stable=1,%C3%A9t%C3%A9=12")
                .matches("\\p{ASCII}*");
        assertThat(VersionLabels.decode(value)).isEqualTo(labels);
        assertThat(VersionLabels.decode("")).isEmpty();
    }

    @Test
    void aValueNotInTheHeadersFormIsRefused() {
        assertThatThrownBy(() -> VersionLabels.decode("canary=two"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("canary=two");
        assertThatThrownBy(() -> VersionLabels.decode("=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VersionLabels.decode("stable")).isInstanceOf(IllegalArgumentException.class);
    }
}
