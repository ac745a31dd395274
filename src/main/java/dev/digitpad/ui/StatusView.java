package dev.digitpad.ui;

import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Orientation;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;

/**
 * The status bar: the server's state (connected, unreachable since when, reconnecting), "Retry now" while it is
 * unreachable, a spinner while work takes a while, the model in use and the last round trip.
 */
public final class StatusView extends StatusBar {
    /** How long work must last before the spinner shows. */
    static final Duration SPINNER_DELAY = Duration.millis(250);

    /** Whether the server or a prediction is working; a field, since a binding held by nothing else may be collected. */
    private final BooleanBinding busy;
    /** Whether the server in use answers; a field for the same reason. */
    private final BooleanBinding answering;

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
        answering = server.health().stateProperty().isEqualTo(ConnectionHealth.State.ANSWERING);
        Hyperlink retry = new Hyperlink("Retry now");
        retry.setId("retry-now");
        retry.setOnAction(e -> server.retryNow());
        retry.visibleProperty().bind(answering.not());
        retry.managedProperty().bind(retry.visibleProperty());
        Label roundTrip = new Label();
        roundTrip.setId("status-roundtrip");
        // The last round trip says nothing of a server that does not answer: it is not shown during an outage.
        roundTrip
                .textProperty()
                .bind(Bindings.when(answering)
                        .then(prediction.roundTripProperty())
                        .otherwise(""));
        // On the left, beside the state it acts on: notifications pop up at the bottom right, over the right items.
        getLeftItems().add(retry);
        getRightItems().addAll(model, new Separator(Orientation.VERTICAL), roundTrip);
    }
}
