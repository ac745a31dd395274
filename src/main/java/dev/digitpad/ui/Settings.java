package dev.digitpad.ui;

import dev.digitpad.client.Certainty;

/** What DigitPad remembers between runs. */
public record Settings(
        ServerSettings server, double penWidth, boolean live, Theme theme, double threshold, boolean colorbar) {
    public static final Settings DEFAULTS =
            new Settings(ServerSettings.EMBEDDED, 22, true, Theme.SYSTEM, Certainty.DEFAULT_THRESHOLD, false);

    public Settings {
        server = server == null ? ServerSettings.EMBEDDED : server;
        penWidth = Double.isFinite(penWidth) ? Math.clamp(penWidth, 4, 60) : 22;
        theme = theme == null ? Theme.SYSTEM : theme;
        threshold = Double.isFinite(threshold) ? Math.clamp(threshold, 0, 1) : Certainty.DEFAULT_THRESHOLD;
    }

    /** Light, dark, or whatever the desktop prefers. */
    public enum Theme {
        SYSTEM,
        LIGHT,
        DARK
    }
}
