package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

/**
 * Why a port could not be opened, in words a person can act on, from the operating system's words deep in the causes
 * (as Netty and Jetty wrap them).
 */
class ListeningFailuresTest {
    @Test
    void theOperatingSystemsReasonIsFoundAmongTheCauses() {
        assertThat(ModelServer.whyNotListening(new IOException(
                        "Failed to bind to address /127.0.0.1:8500",
                        new IOException("bind(..) failed with error(-98): Address already in use"))))
                .isEqualTo("another program is using the port");
        assertThat(ModelServer.whyNotListening(new IOException(
                        "Failed to bind to /10.1.2.3:8501", new BindException("Cannot assign requested address"))))
                .isEqualTo("the address is not one of this machine's");
        assertThat(ModelServer.whyNotListening(
                        new IOException("Failed to bind to address no.such.host/<unresolved>:8500")))
                .isEqualTo("the host name does not resolve");
        assertThat(ModelServer.whyNotListening(new IOException("Failed to bind", new UnresolvedAddressException())))
                .isEqualTo("the host name does not resolve");
        assertThat(ModelServer.whyNotListening(
                        new IOException("Failed to bind to /0.0.0.0:80", new BindException("Permission denied"))))
                .isEqualTo("ports below 1024 need administrator rights");
    }

    @Test
    void anUnknownReasonStillSuggestsTheLikeliestOne() {
        assertThat(ModelServer.whyNotListening(new IOException("something else")))
                .isEqualTo("is another server using the port?");
    }
}
