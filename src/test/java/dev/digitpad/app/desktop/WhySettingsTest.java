package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.ServerSettings;
import dev.digitpad.ui.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** View &gt; Why is kept between runs, as the other view options are; a settings file from before it means off. */
class WhySettingsTest {
    @TempDir
    Path dir;

    @Test
    void whyIsSavedAndLoaded() {
        JsonSettingsStore store = new JsonSettingsStore(dir.resolve("settings.json"));
        Settings on = new Settings(ServerSettings.EMBEDDED, 22, true, Settings.Theme.DARK, 0.6, true, "", null, true);

        store.save(on);

        assertThat(store.load()).isEqualTo(on);
        assertThat(store.load().why()).isTrue();
    }

    @Test
    void aFileWithoutItKeepsWhyOffAndTheRestOfItsSettings() throws IOException {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"penWidth\": 31, \"colorbar\": true}");

        Settings loaded = new JsonSettingsStore(file).load();

        assertThat(loaded.why()).isFalse();
        assertThat(loaded.penWidth()).isEqualTo(31);
        assertThat(loaded.colorbar()).isTrue();
        assertThat(Settings.DEFAULTS.why()).isFalse();
    }
}
