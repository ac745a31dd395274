package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.GrpcServices;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.Interceptors;
import dev.digitpad.testing.TestCertificates;
import dev.digitpad.testing.TestModels;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real loopback sockets: TLS, mutual TLS with certificates made here, and round-robin over replicas. */
class ChannelsTest {
    @TempDir
    Path dir;

    private ModelManager models;
    private ServingCore core;
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void loadModel() throws Exception {
        TestModels.writeVersion(dir.resolve("mnist"), 1, TestModels.Kind.MNIST);
        models = TestModels.loaded(new ModelManager.ModelConfig("mnist", dir.resolve("mnist")));
        core = new ServingCore(models);
    }

    @AfterEach
    void close() throws Exception {
        channels.forEach(c -> Channels.close(c, 5));
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        models.close();
    }

    private Server start(ServerCredentials credentials, AtomicInteger calls) throws Exception {
        ServerBuilder<?> builder = Grpc.newServerBuilderForPort(0, credentials);
        if (calls != null) {
            builder.intercept(Interceptors.counting(calls, "Predict"));
        }
        Server server = new GrpcServices(core).addTo(builder).build().start();
        servers.add(server);
        return server;
    }

    private Prediction predictThrough(ManagedChannel channel) {
        channels.add(channel);
        return new PredictionClient(channel, "localhost", PredictionClient.Options.model("mnist"), new MetadataCache())
                .predict(TestModels.imageWithRow(3, 2f));
    }

    @Test
    void tlsWithACaFile() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "digitpad-test");
        TestCertificates.Pem cert = ca.server("server");
        Server server = start(
                TlsServerCredentials.create(
                        cert.certificate().toFile(), cert.privateKey().toFile()),
                null);

        Prediction p = predictThrough(Channels.open(
                ServerAddress.parse("localhost:" + server.getPort()), TlsOptions.tls(Optional.of(ca.caFile()))));
        assertThat(p.digit()).isEqualTo(3);
    }

    @Test
    void aCertificateFromAnotherCaIsATlsFailureNotAMissingServer() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "digitpad-test");
        TestCertificates other = TestCertificates.authority(dir, "someone-else");
        TestCertificates.Pem cert = ca.server("server");
        Server server = start(
                TlsServerCredentials.create(
                        cert.certificate().toFile(), cert.privateKey().toFile()),
                null);

        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> predictThrough(Channels.open(
                        ServerAddress.parse("localhost:" + server.getPort()),
                        TlsOptions.tls(Optional.of(other.caFile())))));
        assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e)
                .hasMessage("The secure connection to localhost failed: its certificate is not signed by a CA that"
                        + " DigitPad trusts. Check that the CA file trusts its certificate: give the CA file that"
                        + " signed it.");
    }

    @Test
    void mutualTls() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "digitpad-test");
        TestCertificates.Pem serverCert = ca.server("server");
        TestCertificates.Pem clientCert = ca.client("client");
        Server server = start(
                TlsServerCredentials.newBuilder()
                        .keyManager(
                                serverCert.certificate().toFile(),
                                serverCert.privateKey().toFile())
                        .trustManager(ca.caFile().toFile())
                        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                        .build(),
                null);
        ServerAddress address = ServerAddress.parse("localhost:" + server.getPort());

        Prediction p = predictThrough(Channels.open(
                address,
                TlsOptions.mutual(Optional.of(ca.caFile()), clientCert.certificate(), clientCert.privateKey())));
        assertThat(p.digit()).isEqualTo(3);

        PredictionException refused = catchThrowableOfType(
                PredictionException.class,
                () -> predictThrough(Channels.open(address, TlsOptions.tls(Optional.of(ca.caFile())))));
        assertThat(refused.code()).isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED);
        assertThat(refused.getMessage()).doesNotContain("\tat ");
    }

    @Test
    void aPlaintextClientOfATlsServerIsToldTheConnectionClosedAndToTryTls() throws Exception {
        TestCertificates.Pem cert =
                TestCertificates.authority(dir, "digitpad-test").server("server");
        Server server = start(
                TlsServerCredentials.create(
                        cert.certificate().toFile(), cert.privateKey().toFile()),
                null);

        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> predictThrough(
                        Channels.open(ServerAddress.parse("localhost:" + server.getPort()), TlsOptions.PLAINTEXT)));
        assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e)
                .hasMessage("localhost closed the connection without answering. The server may be stopping or"
                        + " restarting; if it expects TLS, connect with TLS.");
    }

    @Test
    void aTlsClientOfAPlaintextServerIsToldTheServerDoesNotUseTls() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "digitpad-test");
        Server server = start(InsecureServerCredentials.create(), null);

        PredictionException e = catchThrowableOfType(
                PredictionException.class,
                () -> predictThrough(Channels.open(
                        ServerAddress.parse("localhost:" + server.getPort()),
                        TlsOptions.tls(Optional.of(ca.caFile())))));
        assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e)
                .hasMessage("The secure connection to localhost failed: the server does not use TLS on that port. Turn"
                        + " TLS off, or check the port.");
    }

    @Test
    void tlsFilesThatCannotBeReadAreNamed() {
        Path missing = dir.resolve("nope.pem");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> TlsOptions.tls(Optional.of(missing))))
                .hasMessageContaining("Cannot read " + missing);
    }

    @Test
    void callsAreSpreadRoundRobinOverEveryAddressOfTheName() throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        Server a = start(InsecureServerCredentials.create(), first);
        Server b = start(InsecureServerCredentials.create(), second);
        NameResolverProvider replicas = new StaticResolver(
                "replicas-test",
                List.of(
                        new InetSocketAddress("127.0.0.1", a.getPort()),
                        new InetSocketAddress("127.0.0.1", b.getPort())));
        NameResolverRegistry.getDefaultRegistry().register(replicas);
        try {
            ManagedChannel channel = Channels.open("replicas-test:///mnist-serving", TlsOptions.PLAINTEXT);
            channels.add(channel);
            PredictionClient client = new PredictionClient(
                    channel, "mnist-serving", PredictionClient.Options.model("mnist"), new MetadataCache());
            for (int i = 0; i < 20; i++) {
                client.predict(TestModels.imageWithRow(i % 10, 2f));
            }
        } finally {
            NameResolverRegistry.getDefaultRegistry().deregister(replicas);
        }
        assertThat(first.get() + second.get()).isEqualTo(20);
        assertThat(first.get()).isBetween(8, 12);
    }

    /** Resolves any name of its scheme to a fixed list of addresses, like a DNS name with several A records. */
    private static final class StaticResolver extends NameResolverProvider {
        private final String scheme;
        private final List<SocketAddress> addresses;

        StaticResolver(String scheme, List<SocketAddress> addresses) {
            this.scheme = scheme;
            this.addresses = addresses;
        }

        @Override
        public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
            if (!scheme.equals(uri.getScheme())) {
                return null;
            }
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    return "mnist-serving";
                }

                @Override
                public void start(Listener2 listener) {
                    listener.onResult(ResolutionResult.newBuilder()
                            .setAddressesOrError(io.grpc.StatusOr.fromValue(addresses.stream()
                                    .map(EquivalentAddressGroup::new)
                                    .toList()))
                            .build());
                }

                @Override
                public void shutdown() {}
            };
        }

        @Override
        public String getDefaultScheme() {
            return scheme;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 0;
        }

        @Override
        public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
            return List.of(InetSocketAddress.class);
        }
    }
}
