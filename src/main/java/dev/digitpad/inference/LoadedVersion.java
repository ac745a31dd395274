package dev.digitpad.inference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A loaded version with a reference count: one reference belongs to the manager while the version is
 * current, one more to each open {@link Lease}. When the count drops to zero the version is unloaded.
 */
final class LoadedVersion {
    private final String model;
    private final long version;
    private final Servable servable;
    private final Consumer<LoadedVersion> onLastRelease;
    private final AtomicInteger references = new AtomicInteger(1);

    LoadedVersion(String model, long version, Servable servable, Consumer<LoadedVersion> onLastRelease) {
        this.model = model;
        this.version = version;
        this.servable = servable;
        this.onLastRelease = onLastRelease;
    }

    String model() {
        return model;
    }

    long version() {
        return version;
    }

    Servable servable() {
        return servable;
    }

    /** A new lease, or null if the version has already been fully released. */
    Lease tryAcquire() {
        for (int n = references.get(); n > 0; n = references.get()) {
            if (references.compareAndSet(n, n + 1)) {
                return new Lease(this);
            }
        }
        return null;
    }

    /** Drops the manager's own reference; the version unloads once the last lease is closed. */
    void retire() {
        release();
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            onLastRelease.accept(this);
        }
    }
}
