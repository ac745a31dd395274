package dev.digitpad.ui;

import dev.digitpad.client.ProtocolComparison;

/**
 * Opens where the protocol comparison calls a server: the embedded server's front ends on loopback ports, or the
 * remote server of the settings, with {@code restAddress} for REST. Called off the UI thread; closing the endpoints
 * closes what was opened.
 */
@FunctionalInterface
public interface CompareConnector {
    /**
     * @throws Exception with a message for people if the server cannot be reached or an address is wrong
     */
    ProtocolComparison.Endpoints open(ServerSettings settings, String restAddress) throws Exception;
}
