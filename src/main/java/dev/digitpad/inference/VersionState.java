package dev.digitpad.inference;

/** The life cycle of one version of a model, as TensorFlow Serving reports it. */
public enum VersionState {
    START,
    LOADING,
    AVAILABLE,
    UNLOADING,
    END
}
