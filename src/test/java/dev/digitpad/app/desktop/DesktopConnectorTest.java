package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitpad.client.TlsOptions;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.ui.ServerSettings;
import dev.digitpad.ui.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's side of the server panel and the settings file. */
class DesktopConnectorTest {
    @TempDir
    Path dir;

    private static ServerSettings remote(boolean tls, String ca, String cert, String key) {
        return new ServerSettings(
                false, "serving.example:8500", "mnist", "serving_default", tls, ca, cert, key, VersionChoice.LATEST);
    }

    @Test
    void tlsOptionsFromTheForm() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Path cert = Files.writeString(dir.resolve("client.pem"), "x");
        Path key = Files.writeString(dir.resolve("client.key"), "x");
        assertThat(DesktopConnector.tls(remote(false, "", "", ""))).isEqualTo(TlsOptions.PLAINTEXT);
        assertThat(DesktopConnector.tls(remote(true, "", "", "")).caFile()).isEmpty();
        assertThat(DesktopConnector.tls(remote(true, ca.toString(), "", "")).caFile())
                .contains(ca);
        TlsOptions mutual = DesktopConnector.tls(remote(true, ca.toString(), cert.toString(), key.toString()));
        assertThat(mutual.certificate()).contains(cert);
        assertThat(mutual.privateKey()).contains(key);
        assertThatThrownBy(() -> DesktopConnector.tls(remote(true, "", cert.toString(), "")))
                .hasMessageContaining("both a client certificate and its private key");
        assertThatThrownBy(() -> DesktopConnector.tls(
                        remote(true, dir.resolve("missing.pem").toString(), "", "")))
                .hasMessageContaining("missing.pem");
    }

    @Test
    void anInvalidRemoteAddressIsRefusedWithTheParsersMessage() {
        try (DesktopConnector connector = new DesktopConnector(dir)) {
            assertThatThrownBy(() -> connector.open(remote(false, "", "", "").withAddress("localhost:0")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("localhost:0");
        }
    }

    @Test
    void aMissingEmbeddedModelSaysWhereItWasLookedFor() {
        try (DesktopConnector connector = new DesktopConnector(dir.resolve("nothing"))) {
            assertThatThrownBy(() -> connector.open(ServerSettings.EMBEDDED))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(dir.resolve("nothing").toString());
        }
    }

    @Test
    void settingsRoundTripAndBrokenFilesGiveTheDefaults() throws IOException {
        Path file = dir.resolve("config/digitpad/settings.json");
        JsonSettingsStore store = new JsonSettingsStore(file);
        assertThat(store.load()).isEqualTo(Settings.DEFAULTS);
        Settings s = new Settings(remote(true, "", "", ""), 31, false, Settings.Theme.DARK, 0.25, true, "", null);
        store.save(s);
        assertThat(store.load()).isEqualTo(s);
        Files.writeString(file, "{ not json");
        assertThat(store.load()).isEqualTo(Settings.DEFAULTS);
        Files.writeString(file, "{\"penWidth\": 1000, \"theme\": \"LIGHT\"}");
        Settings partial = store.load();
        assertThat(partial.penWidth()).isEqualTo(60);
        assertThat(partial.theme()).isEqualTo(Settings.Theme.LIGHT);
        assertThat(partial.server()).isEqualTo(ServerSettings.EMBEDDED);
        assertThat(partial.live()).as("a missing field keeps its default").isEqualTo(Settings.DEFAULTS.live());
        assertThat(partial.threshold()).isEqualTo(Settings.DEFAULTS.threshold());
        Files.writeString(file, "{\"server\": {\"address\": \"serving.example:8500\"}}");
        assertThat(store.load().server().model())
                .as("a missing field of the server keeps its default")
                .isEqualTo(ServerSettings.EMBEDDED.model());
        Files.writeString(file, "[1, 2]");
        assertThat(store.load()).isEqualTo(Settings.DEFAULTS);
    }

    @Test
    void theVersionChoiceIsKeptAndASettingsFileFromBeforeItAsksForTheLatest() throws IOException {
        Path file = dir.resolve("settings.json");
        JsonSettingsStore store = new JsonSettingsStore(file);
        for (VersionChoice choice :
                List.of(VersionChoice.label("canary"), VersionChoice.number(3), VersionChoice.LATEST)) {
            Settings s = new Settings(
                    remote(false, "", "", "").withVersion(choice),
                    22,
                    true,
                    Settings.Theme.SYSTEM,
                    0.6,
                    false,
                    "",
                    null);
            store.save(s);
            assertThat(store.load().server().version()).isEqualTo(choice);
        }
        // As DigitPad wrote it before versions could be chosen.
        Files.writeString(file, """
                {
                  "server" : {
                    "embedded" : false,
                    "address" : "serving.example:8500",
                    "model" : "digits",
                    "signature" : "serving_default",
                    "tls" : false,
                    "caFile" : "",
                    "certificate" : "",
                    "privateKey" : ""
                  },
                  "penWidth" : 22.0,
                  "live" : true,
                  "theme" : "SYSTEM",
                  "threshold" : 0.6,
                  "colorbar" : false,
                  "lastFolder" : "",
                  "window" : null
                }
                """);
        ServerSettings old = store.load().server();
        assertThat(old.address()).isEqualTo("serving.example:8500");
        assertThat(old.model()).isEqualTo("digits");
        assertThat(old.version()).isEqualTo(VersionChoice.LATEST);
    }
}
