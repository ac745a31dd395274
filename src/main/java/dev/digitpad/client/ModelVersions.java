package dev.digitpad.client;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a server has of one model: each version with its state, as {@code GetModelStatus} reports them, and the
 * version labels when the server lists them (DigitPad's server does; TensorFlow Serving does not, and then they are
 * empty).
 *
 * @param versions the versions, lowest first
 * @param labels label to version, sorted by label
 */
public record ModelVersions(
        String model, List<PredictionClient.VersionState> versions, SortedMap<String, Long> labels) {
    public ModelVersions {
        versions = versions.stream()
                .sorted(Comparator.comparingLong(PredictionClient.VersionState::version))
                .toList();
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /** The labels that name {@code version}, sorted. */
    public List<String> labelsOf(long version) {
        return labels.entrySet().stream()
                .filter(e -> e.getValue() == version)
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The versions in words, each with its state and labels, e.g. "1 (available, label stable), 2 (loading)"; empty
     * when there are none.
     */
    public String describe() {
        return versions.stream()
                .map(v -> {
                    List<String> named = labelsOf(v.version());
                    return v.version() + " (" + v.state().toLowerCase(Locale.ROOT)
                            + (named.isEmpty() ? "" : ", label " + String.join(", label ", named)) + ")";
                })
                .collect(Collectors.joining(", "));
    }
}
