package dev.digitpad.app;

import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application; started by {@link Main} (a launcher that is not an Application, as JavaFX on the class path needs). */
public final class DesktopApp extends Application {
    static final String MEASURE = "--measure";

    private Desktop desktop;
    private Measurements measurements;

    @Override
    public void start(Stage stage) {
        UncaughtErrors.install();
        if (getParameters().getRaw().contains(MEASURE)) {
            measurements = new Measurements();
        }
        desktop = Desktop.open(stage, Desktop.Config.defaults(), measurements);
    }

    @Override
    public void stop() {
        if (measurements != null) {
            measurements.report();
        }
        if (desktop != null) {
            desktop.close();
        }
    }
}
