package dev.digitpad.client;

/**
 * Which version of a model to ask for: the latest (the server's choice, its highest available version), a version
 * number, or a version label (TensorFlow Serving's {@code ModelSpec.version_label}, e.g. "stable" or "canary").
 *
 * @param number the version, for {@link Kind#NUMBER}; 0 otherwise
 * @param label the label, for {@link Kind#LABEL}; empty otherwise
 */
public record VersionChoice(Kind kind, long number, String label) {
    public static final VersionChoice LATEST = new VersionChoice(Kind.LATEST, 0, "");

    public enum Kind {
        LATEST,
        NUMBER,
        LABEL
    }

    public VersionChoice {
        kind = kind == null ? Kind.LATEST : kind;
        label = label == null ? "" : label.strip();
        if (kind == Kind.NUMBER && number < 0) {
            throw new IllegalArgumentException("A model version is a number of 0 or more, not " + number + ".");
        }
        if (kind == Kind.LABEL && label.isEmpty()) {
            throw new IllegalArgumentException("The version label is empty.");
        }
        if (kind != Kind.NUMBER) {
            number = 0;
        }
        if (kind != Kind.LABEL) {
            label = "";
        }
    }

    public static VersionChoice number(long version) {
        return new VersionChoice(Kind.NUMBER, version, "");
    }

    public static VersionChoice label(String label) {
        return new VersionChoice(Kind.LABEL, 0, label);
    }

    /**
     * A version number as a person types it ("3", " 12 "), or why it is not one.
     *
     * @throws IllegalArgumentException with a message for people
     */
    public static VersionChoice parseNumber(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("Type a version number, e.g. 1.");
        }
        try {
            return number(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + t + "\" is not a version number: a version is a whole number,"
                    + " e.g. 1. For a name such as \"stable\", choose Label.");
        }
    }

    /** In words: "the latest version", "version 3" or "label canary". */
    public String words() {
        return switch (kind) {
            case LATEST -> "the latest version";
            case NUMBER -> "version " + number;
            case LABEL -> "label " + label;
        };
    }

    /** Short, for a key or a log: "latest", "3" or "label:canary". */
    String key() {
        return switch (kind) {
            case LATEST -> "latest";
            case NUMBER -> Long.toString(number);
            case LABEL -> "label:" + label;
        };
    }
}
