package dev.digitpad.app.desktop;

import dev.digitpad.app.shared.Connection;
import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.ProtocolComparison;
import dev.digitpad.client.RestPredict;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.ui.ServerConnector;
import dev.digitpad.ui.ServerSession;
import dev.digitpad.ui.ServerSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens the desktop app's sessions: the embedded server (started once, on first use, and kept until
 * {@link #close()}), or a channel to a remote server (closed with its session).
 */
final class DesktopConnector implements ServerConnector, AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private final Path modelBasePath;
    private final MetadataCache cache = new MetadataCache();
    private Connection embedded;
    private boolean closed;

    DesktopConnector(Path modelBasePath) {
        this.modelBasePath = modelBasePath;
    }

    @Override
    public ServerSession open(ServerSettings s) throws IOException {
        if (s.embedded()) {
            Connection c = embedded();
            PredictionClient client = new PredictionClient(
                    c.channel(),
                    c.name(),
                    new PredictionClient.Options(
                            ModelContract.DEFAULT_MODEL_NAME, s.version(), ModelContract.DEFAULT_SIGNATURE, DEADLINE),
                    cache);
            return session(c.name(), client, true, () -> {}); // kept for reuse; closed with the connector
        }
        ServerAddress address = ServerAddress.parse(s.address());
        TlsOptions tls = tls(s);
        PredictionClient.Options options =
                new PredictionClient.Options(s.model(), s.version(), s.signature(), DEADLINE);
        Connection c = Connection.remote(address, tls);
        return session(c.name(), new PredictionClient(c.channel(), c.name(), options, cache), false, c::close);
    }

    /**
     * Where Tools > Compare protocols calls: the embedded server's front ends on loopback ports, or a connection of its
     * own to the remote server of {@code s}, with {@code restAddress} for REST. Closing the endpoints closes both.
     */
    ProtocolComparison.Endpoints comparisonEndpoints(ServerSettings s, String restAddress) throws IOException {
        if (s.embedded()) {
            return embedded().comparisonEndpoints(null);
        }
        URI rest = RestPredict.parseAddress(restAddress);
        Connection c = Connection.remote(ServerAddress.parse(s.address()), tls(s));
        ProtocolComparison.Endpoints e = c.comparisonEndpoints(rest);
        return new ProtocolComparison.Endpoints(e.server(), e.grpc(), e.rest(), () -> {
            e.close();
            c.close();
        });
    }

    /** The TLS options of the form; the files are checked here, with messages naming them. */
    static TlsOptions tls(ServerSettings s) {
        if (!s.tls()) {
            return TlsOptions.PLAINTEXT;
        }
        Optional<Path> ca = s.caFile().isBlank() ? Optional.empty() : Optional.of(Path.of(s.caFile()));
        if (s.certificate().isBlank() && s.privateKey().isBlank()) {
            return TlsOptions.tls(ca);
        }
        if (s.certificate().isBlank() || s.privateKey().isBlank()) {
            throw new IllegalArgumentException(
                    "Mutual TLS needs both a client certificate and its private key; fill in both" + " or neither.");
        }
        return TlsOptions.mutual(ca, Path.of(s.certificate()), Path.of(s.privateKey()));
    }

    private synchronized Connection embedded() throws IOException {
        if (closed) {
            throw new IOException("DigitPad is shutting down.");
        }
        if (embedded == null) {
            embedded = Connection.embedded(modelBasePath);
        }
        return embedded;
    }

    private static ServerSession session(String name, PredictionClient client, boolean inProcess, Runnable close) {
        return new ServerSession() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PredictionClient client() {
                return client;
            }

            @Override
            public boolean inProcess() {
                return inProcess;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }
}
