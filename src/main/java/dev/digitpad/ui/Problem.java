package dev.digitpad.ui;

/**
 * Something that went wrong and that a person should know about: what happened and what to do next. Each
 * report is a new object, so that listeners see the same message twice.
 */
public record Problem(String title, String message) {
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
