package dev.digitpad.ui;

import dev.digitpad.client.OcclusionMap;
import java.util.function.BooleanSupplier;

/**
 * Works out why the model answered what it did for 784 pixels: in the app, an {@code OcclusionMapper} over the
 * server's client. Asks {@code cancelled} between its calls; may throw the client's exceptions, and {@code
 * CancellationException} when cancelled.
 */
@FunctionalInterface
public interface Explainer {
    OcclusionMap map(float[] pixels, BooleanSupplier cancelled);
}
