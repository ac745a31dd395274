package dev.digitpad.inference;

import java.util.Optional;

/** Where one version of a model is in its life cycle, and the error that ended it, if any. */
public record VersionStatus(long version, VersionState state, Optional<ServingException> error) {

    static VersionStatus of(long version, VersionState state) {
        return new VersionStatus(version, state, Optional.empty());
    }

    static VersionStatus failed(long version, ServingException error) {
        return new VersionStatus(version, VersionState.END, Optional.of(error));
    }
}
