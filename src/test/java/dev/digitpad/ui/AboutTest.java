package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AboutTest {

    @Test
    void showsTheVersionTheModelAndWhereSettingsAndLogsAre() {
        About about = new About(
                "0.1.0",
                Path.of("/home/ada/.config/digitpad/settings.json"),
                Optional.of(Path.of("/home/ada/.local/share/DigitPad/logs/digitpad.log")));

        assertThat(about.title()).isEqualTo("DigitPad 0.1.0");
        assertThat(about.text("Model mnist v1"))
                .contains("Version: 0.1.0\nModel mnist v1\n")
                .contains("Settings: /home/ada/.config/digitpad/settings.json\n")
                .contains("Log: /home/ada/.local/share/DigitPad/logs/digitpad.log\n")
                .contains("Runtime: Java " + Runtime.version().feature());
    }

    @Test
    void saysWhenNoModelIsConnectedAndLeavesOutWhatIsUnknown() {
        assertThat(About.UNKNOWN.text(""))
                .contains("No model yet (not connected)")
                .doesNotContain("Settings:")
                .doesNotContain("Log:");
    }
}
