package dev.digitpad.inference;

/**
 * The right to use one loaded version of a model for one call. While any lease is open, the version is
 * not closed, even if a newer version has replaced it. Close it with try-with-resources.
 */
public final class Lease implements AutoCloseable {
    private final LoadedVersion loaded;
    private boolean closed;

    Lease(LoadedVersion loaded) {
        this.loaded = loaded;
    }

    public String model() {
        return loaded.model();
    }

    public long version() {
        return loaded.version();
    }

    public Servable servable() {
        return loaded.servable();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            loaded.release();
        }
    }
}
