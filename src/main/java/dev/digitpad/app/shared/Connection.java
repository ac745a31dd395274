package dev.digitpad.app.shared;

import dev.digitpad.client.Channels;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.contract.ModelContract;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Path;

/** Where predictions come from: the embedded server with a model from disk, or a remote server. */
public interface Connection extends AutoCloseable {

    ManagedChannel channel();

    /** How the server is named in messages. */
    String name();

    @Override
    void close();

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
            public void close() {
                Channels.close(channel, 5);
            }
        };
    }
}
