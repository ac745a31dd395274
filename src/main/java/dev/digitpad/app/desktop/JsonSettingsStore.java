package dev.digitpad.app.desktop;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.digitpad.ui.Settings;
import dev.digitpad.ui.SettingsStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Settings as a small JSON file, by default {@code $XDG_CONFIG_HOME/digitpad/settings.json} (or {@code ~/.config/...}). */
final class JsonSettingsStore implements SettingsStore {
    private static final Logger LOG = LoggerFactory.getLogger(JsonSettingsStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    JsonSettingsStore(Path file) {
        this.file = file;
    }

    /** The usual place for the user's settings. */
    static Path defaultFile() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config =
                xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return config.resolve("digitpad").resolve("settings.json");
    }

    @Override
    public Settings load() {
        if (!Files.isRegularFile(file)) {
            return Settings.DEFAULTS;
        }
        try {
            JsonNode stored = JSON.readTree(file.toFile());
            if (stored == null || !stored.isObject()) {
                throw new IOException("the file does not hold a JSON object");
            }
            // A file from an older version, or edited by hand, may lack fields: those keep their defaults.
            ObjectNode merged = JSON.valueToTree(Settings.DEFAULTS);
            overlay(merged, (ObjectNode) stored);
            return JSON.treeToValue(merged, Settings.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Ignoring the settings in {}, which cannot be read ({}); using the defaults", file, e.getMessage());
            return Settings.DEFAULTS;
        }
    }

    /** Copies every field of {@code from} onto {@code onto}, descending into objects present in both. */
    private static void overlay(ObjectNode onto, ObjectNode from) {
        from.properties().forEach(e -> {
            JsonNode existing = onto.get(e.getKey());
            if (existing instanceof ObjectNode nested && e.getValue() instanceof ObjectNode value) {
                overlay(nested, value);
            } else {
                onto.set(e.getKey(), e.getValue());
            }
        });
    }

    @Override
    public void save(Settings settings) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), settings);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not save the settings to {}: {}", file, e.getMessage());
        }
    }
}
