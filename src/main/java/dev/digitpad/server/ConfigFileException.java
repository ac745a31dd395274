package dev.digitpad.server;

/**
 * A configuration file given to the server that cannot be used. The message names the file, says what is
 * wrong and what to change; it is meant to be shown to the person starting the server as it is.
 */
public final class ConfigFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigFileException(String message) {
        super(message);
    }

    public ConfigFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
