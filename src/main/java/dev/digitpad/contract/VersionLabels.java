package dev.digitpad.contract;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A model's version labels in the response header in which DigitPad's server tells a GetModelStatus caller them,
 * since TensorFlow Serving's answer has no field for labels: {@value #HEADER}, as {@code label=version} pairs separated by commas,
 * each label percent-encoded (UTF-8). The server writes it and DigitPad's client reads it, both through this class. A
 * server without labels for the model, and any other server (TensorFlow Serving), sends no such header.
 */
public final class VersionLabels {
    private VersionLabels() {}

    /** The header's name (gRPC metadata keys are lower case). */
    public static final String HEADER = "digitpad-version-labels";

    /** The header's value for these labels. */
    public static String encode(Map<String, Long> labels) {
        return new TreeMap<>(labels)
                .entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + e.getValue())
                        .collect(Collectors.joining(","));
    }

    /**
     * The labels in a header's value, sorted by label.
     *
     * @throws IllegalArgumentException if the value is not in the header's form
     */
    public static SortedMap<String, Long> decode(String value) {
        SortedMap<String, Long> labels = new TreeMap<>();
        if (value.isEmpty()) {
            return labels;
        }
        for (String pair : value.split(",", -1)) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a label=version pair: \"" + pair + "\"");
            }
            try {
                labels.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        Long.parseLong(pair.substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a version number in \"" + pair + "\"", e);
            }
        }
        return labels;
    }
}
