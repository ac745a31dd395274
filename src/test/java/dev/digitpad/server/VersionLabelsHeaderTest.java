package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labels header survives any label a config file can hold, and a malformed one is refused, not misread. */
class VersionLabelsHeaderTest {
    @Test
    void anyLabelRoundTripsThroughTheAsciiHeader() {
        Map<String, Long> labels = Map.of("stable", 2L, "a,b=c", 3L, "ünï cödé %", 0L);

        String header = VersionLabelsHeader.encode(labels);

        assertThat(header).matches("[\\x21-\\x7e]+");
        assertThat(VersionLabelsHeader.decode(header)).isEqualTo(labels);
        assertThat(VersionLabelsHeader.decode("")).isEmpty();
    }

    @Test
    void aMalformedHeaderIsRefused() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> VersionLabelsHeader.decode("=3")))
                .hasMessageContaining("\"=3\"");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> VersionLabelsHeader.decode("a=x")))
                .hasMessageContaining("not a version number");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> VersionLabelsHeader.decode("a")))
                .isNotNull();
    }
}
