package dev.digitpad.ui;

import javafx.animation.PauseTransition;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;

/** The status bar: the server's state, a spinner while work takes a while, the model in use and the last round trip. */
public final class StatusView extends StatusBar {
    /** How long work must last before the spinner shows. */
    static final Duration SPINNER_DELAY = Duration.millis(250);

    /** Whether the server or a prediction is working; a field, since a binding held by nothing else may be collected. */
    private final BooleanBinding busy;

    public StatusView(ServerViewModel server, PredictionViewModel prediction) {
        setId("status");
        textProperty().bind(server.stateTextProperty());
        // The spinner shows only for work that takes a while: the embedded server answers in a few ms, and a
        // spinner flashing on at every stroke would be noise, and a restyle and relayout of the status bar each time.
        busy = server.busyProperty().or(prediction.busyProperty());
        PauseTransition showSpinner = new PauseTransition(SPINNER_DELAY);
        showSpinner.setOnFinished(e -> setProgress(-1));
        busy.addListener((o, was, now) -> {
            if (now) {
                showSpinner.playFromStart();
            } else {
                showSpinner.stop();
                setProgress(0);
            }
        });
        if (busy.get()) {
            showSpinner.playFromStart();
        }
        Label model = new Label();
        model.setId("status-model");
        model.textProperty().bind(server.modelTextProperty());
        Label roundTrip = new Label();
        roundTrip.setId("status-roundtrip");
        roundTrip.textProperty().bind(prediction.roundTripProperty());
        getRightItems().addAll(model, new Separator(Orientation.VERTICAL), roundTrip);
    }
}
