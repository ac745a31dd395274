package dev.digitpad.ui;

/** Opens sessions; in the app it starts the embedded server or opens a channel to a remote one. Called off the UI thread. */
@FunctionalInterface
public interface ServerConnector {
    /**
     * @throws Exception with a message for people if the server cannot be reached or the settings are wrong
     */
    ServerSession open(ServerSettings settings) throws Exception;
}
