package dev.digitpad.app;

import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application; started by {@link Main} (a launcher that is not an Application, as JavaFX on the class path needs). */
public final class DesktopApp extends Application {
    private Desktop desktop;

    @Override
    public void start(Stage stage) {
        UncaughtErrors.install();
        desktop = Desktop.open(stage, Desktop.Config.defaults());
    }

    @Override
    public void stop() {
        if (desktop != null) {
            desktop.close();
        }
    }
}
