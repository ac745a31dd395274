package dev.digitpad.inference;

import java.nio.file.Path;

/** Turns one version directory into a ready-to-serve {@link Servable}. */
@FunctionalInterface
public interface ServableLoader {

    /**
     * @throws ServingException with a message saying why the version cannot be served
     */
    Servable load(String model, long version, Path versionDir);

    /** The default loader: a TensorFlow SavedModel, warmed up before it takes traffic. */
    static ServableLoader savedModels() {
        return savedModels(SessionThreads.AUTOMATIC);
    }

    /** SavedModels with the given TensorFlow thread pools, warmed up before they take traffic. */
    static ServableLoader savedModels(SessionThreads threads) {
        return (model, version, dir) -> {
            SavedModelServable servable = SavedModelServable.load(dir, threads);
            servable.warmUp();
            return servable;
        };
    }
}
