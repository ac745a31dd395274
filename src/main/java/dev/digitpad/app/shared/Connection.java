package dev.digitpad.app.shared;

import dev.digitpad.client.Channels;
import dev.digitpad.client.ProtocolComparison;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.server.ModelServer;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Where predictions come from: the embedded server with a model from disk, or a remote server. */
public interface Connection extends AutoCloseable {

    ManagedChannel channel();

    /** How the server is named in messages. */
    String name();

    @Override
    void close();

    /**
     * Where this server takes gRPC and REST calls, for comparing the protocols. The embedded server opens its front
     * ends on free loopback ports for it (closed with the endpoints), so that both protocols go over real sockets; a
     * remote server is called on this connection's channel, and on {@code remoteRest} for REST.
     */
    ProtocolComparison.Endpoints comparisonEndpoints(URI remoteRest) throws IOException;

    static Connection embedded(Path modelBasePath) throws IOException {
        EmbeddedServer server = EmbeddedServer.start(ModelContract.DEFAULT_MODEL_NAME, modelBasePath);
        return new Connection() {
            @Override
            public ManagedChannel channel() {
                return server.channel();
            }

            @Override
            public String name() {
                return EmbeddedServer.NAME;
            }

            @Override
            public ProtocolComparison.Endpoints comparisonEndpoints(URI remoteRest) throws IOException {
                ModelServer ports = server.loopbackPorts();
                ManagedChannel channel = Channels.open(
                        ServerAddress.parse(ModelServer.Options.LOOPBACK + ":" + ports.grpcPort()),
                        TlsOptions.PLAINTEXT);
                int rest = ports.restPort().orElseThrow();
                return new ProtocolComparison.Endpoints(
                        EmbeddedServer.NAME + " (loopback ports " + ports.grpcPort() + " and " + rest + ")",
                        channel,
                        URI.create("http://" + ModelServer.Options.LOOPBACK + ":" + rest),
                        () -> {
                            Channels.close(channel, 5);
                            ports.close();
                        });
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    static Connection remote(ServerAddress address, TlsOptions tls) {
        ManagedChannel channel = Channels.open(address, tls);
        return new Connection() {
            @Override
            public ManagedChannel channel() {
                return channel;
            }

            @Override
            public String name() {
                return address.display();
            }

            @Override
            public ProtocolComparison.Endpoints comparisonEndpoints(URI remoteRest) {
                return new ProtocolComparison.Endpoints(address.display(), channel, remoteRest, () -> {});
            }

            @Override
            public void close() {
                Channels.close(channel, 5);
            }
        };
    }
}
