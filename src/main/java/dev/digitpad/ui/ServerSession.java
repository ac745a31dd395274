package dev.digitpad.ui;

import dev.digitpad.client.PredictionClient;

/** An open connection to a server, with a client for its model. Closing it closes what it opened. */
public interface ServerSession extends AutoCloseable {
    /** How the server is named to people. */
    String name();

    PredictionClient client();

    /** Whether the server runs in this process, so that calling it costs no one else anything (see {@link PredictionScheduler#warmUp()}). */
    default boolean inProcess() {
        return false;
    }

    @Override
    void close();
}
