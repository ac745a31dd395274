package dev.digitpad.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds channels to a server: round-robin over every address the name resolves to, TLS as asked. */
public final class Channels {
    private static final Logger LOG = LoggerFactory.getLogger(Channels.class);

    /** Large enough for any batch of digits; gRPC's own default of 4 MiB is a known trap. */
    static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

    private Channels() {}

    /**
     * @throws IllegalArgumentException if a certificate or key file cannot be read
     */
    public static ManagedChannel open(ServerAddress address, TlsOptions tls) {
        ChannelCredentials credentials = credentials(tls);
        try {
            return open(address.target(), credentials);
        } catch (IllegalArgumentException e) {
            // ServerAddress lets through only what gRPC takes (ServerAddressTest ties the two); should gRPC still
            // refuse the target, the person gets words, not its parser's message.
            LOG.warn("gRPC refused the target {}: {}", address.target(), e.getMessage());
            throw new IllegalArgumentException(
                    "DigitPad cannot connect to \"" + address.display()
                            + "\" as written; type the address as host:port, for example localhost:8500.",
                    e);
        }
    }

    static ManagedChannel open(String target, TlsOptions tls) {
        return open(target, credentials(tls));
    }

    private static ManagedChannel open(String target, ChannelCredentials credentials) {
        return Grpc.newChannelBuilder(target, credentials)
                .defaultLoadBalancingPolicy("round_robin")
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .userAgent("DigitPad")
                .build();
    }

    /** Shuts a channel down in two phases: politely, then, after {@code graceSeconds}, at once. */
    public static void close(ManagedChannel channel, long graceSeconds) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
                channel.shutdownNow().awaitTermination(graceSeconds, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ChannelCredentials credentials(TlsOptions tls) {
        if (!tls.enabled()) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
            if (tls.caFile().isPresent()) {
                builder.trustManager(tls.caFile().get().toFile());
            }
            if (tls.certificate().isPresent()) {
                builder.keyManager(
                        tls.certificate().get().toFile(),
                        tls.privateKey().orElseThrow().toFile());
            }
            return builder.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot use the TLS files: " + e.getMessage()
                            + ". They must be PEM files (a CA certificate, a client certificate and its PKCS#8 key).",
                    e);
        }
    }
}
