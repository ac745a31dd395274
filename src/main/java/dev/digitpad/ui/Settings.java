package dev.digitpad.ui;

import dev.digitpad.client.Certainty;

/**
 * What DigitPad remembers between runs.
 *
 * @param lastFolder the folder the file choosers last used; empty for none yet
 * @param window where the window was and how big, when it was last closed; null for the default placement
 * @param why whether View &gt; Why shows the occlusion map
 */
public record Settings(
        ServerSettings server,
        double penWidth,
        boolean live,
        Theme theme,
        double threshold,
        boolean colorbar,
        String lastFolder,
        WindowBounds window,
        boolean why) {
    public static final Settings DEFAULTS =
            new Settings(ServerSettings.EMBEDDED, 22, true, Theme.SYSTEM, Certainty.DEFAULT_THRESHOLD, false, "", null);

    /** Settings with View &gt; Why off. */
    public Settings(
            ServerSettings server,
            double penWidth,
            boolean live,
            Theme theme,
            double threshold,
            boolean colorbar,
            String lastFolder,
            WindowBounds window) {
        this(server, penWidth, live, theme, threshold, colorbar, lastFolder, window, false);
    }

    public Settings {
        server = server == null ? ServerSettings.EMBEDDED : server;
        penWidth = Double.isFinite(penWidth) ? Math.clamp(penWidth, 4, 60) : 22;
        theme = theme == null ? Theme.SYSTEM : theme;
        threshold = Double.isFinite(threshold) ? Math.clamp(threshold, 0, 1) : Certainty.DEFAULT_THRESHOLD;
        lastFolder = lastFolder == null ? "" : lastFolder;
    }

    /** Light, dark, or whatever the desktop prefers. */
    public enum Theme {
        SYSTEM,
        LIGHT,
        DARK
    }

    /** The window's position and size on the screen, in the desktop's coordinates, and whether it was maximized. */
    public record WindowBounds(double x, double y, double width, double height, boolean maximized) {}
}
