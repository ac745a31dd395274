package dev.digitpad.ui;

import dev.digitpad.client.Prediction;

/** Asks a model which digit 784 pixels show; in the app, a {@code PredictionClient}. May throw its exceptions. */
@FunctionalInterface
public interface Predictor {
    Prediction predict(float[] pixels);
}
