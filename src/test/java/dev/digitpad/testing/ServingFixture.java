package dev.digitpad.testing;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.server.GrpcServices;
import dev.digitpad.server.ServingCore;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up the server tests share, as a JUnit 5 extension on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ServingFixture serving = ServingFixture.inProcess()
 *         .version("mnist", 1, Kind.MNIST)
 *         .version("slow", 1, Kind.SLOW);
 * }</pre>
 *
 * <p>Before the class's tests it writes the models' versions into a temporary directory (each model under its
 * name), loads them all into one {@link ModelManager} ({@link TestModels#loaded}) and puts a {@link ServingCore}
 * over it. In a test, the first call of {@link #grpc()} or {@link #channel()} starts DigitPad's gRPC services on a
 * server of the test's own, in process or on a loopback socket, with a channel to it; after the test both are shut
 * down, and the test fails if they do not end within 10 s. {@link #rest()} likewise starts the REST API for one test. After the class's tests the manager is closed and the
 * directory deleted.
 */
public final class ServingFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final boolean overLoopback;
    private final Map<String, List<Version>> versions = new LinkedHashMap<>();

    private Path dir;
    private ModelManager manager;
    private ServingCore core;
    private InProcessServing inProcess;
    private LoopbackServing loopback;
    private RestServing rest;

    private record Version(long version, TestModels.Kind kind) {}

    private ServingFixture(boolean overLoopback) {
        this.overLoopback = overLoopback;
    }

    /** Each test's server is an in-process one (see {@link InProcessServing}). */
    public static ServingFixture inProcess() {
        return new ServingFixture(false);
    }

    /** Each test's server listens on a free port of 127.0.0.1 (Netty), and its channel is a plaintext one to it. */
    public static ServingFixture overLoopback() {
        return new ServingFixture(true);
    }

    /** Adds a version of {@code kind} to model {@code model}; to be called when the field is made, before any test. */
    public ServingFixture version(String model, long version, TestModels.Kind kind) {
        versions.computeIfAbsent(model, m -> new ArrayList<>()).add(new Version(version, kind));
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("digitpad-serving-");
        List<ModelConfig> configs = new ArrayList<>();
        for (Map.Entry<String, List<Version>> model : versions.entrySet()) {
            Path base = dir.resolve(model.getKey());
            for (Version v : model.getValue()) {
                TestModels.writeVersion(base, v.version(), v.kind());
            }
            configs.add(new ModelConfig(model.getKey(), base));
        }
        manager = TestModels.loaded(configs.toArray(ModelConfig[]::new));
        core = new ServingCore(manager);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        try {
            if (inProcess != null) {
                inProcess.close();
            }
        } finally {
            inProcess = null;
            try {
                if (loopback != null) {
                    loopback.close();
                }
            } finally {
                loopback = null;
                if (rest != null) {
                    rest.close();
                }
                rest = null;
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (manager != null) {
                manager.close();
            }
        } finally {
            manager = null;
            core = null;
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
                dir = null;
            }
        }
    }

    /** The models, loaded before the class's first test. */
    public ModelManager manager() {
        return loaded(manager);
    }

    /** The serving core over {@link #manager()}, what every test's server serves. */
    public ServingCore core() {
        return loaded(core);
    }

    /** This test's in-process server and channel, started (without interceptors) if the test has none yet. */
    public InProcessServing grpc() {
        if (inProcess == null) {
            return grpc(new ServerInterceptor[0]);
        }
        return inProcess;
    }

    /** Starts this test's in-process server with {@code interceptors}, which see every call before the services do. */
    public InProcessServing grpc(ServerInterceptor... interceptors) {
        if (overLoopback) {
            throw new IllegalStateException("this fixture serves over a loopback socket; use channel()");
        }
        if (inProcess != null) {
            throw new IllegalStateException("this test's in-process server is already started");
        }
        try {
            inProcess = InProcessServing.start(core(), interceptors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inProcess;
    }

    /** The channel to this test's server, which is started first if the test has none yet. */
    public ManagedChannel channel() {
        if (!overLoopback) {
            return grpc().channel();
        }
        if (loopback == null) {
            try {
                loopback = LoopbackServing.start(core());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return loopback.channel;
    }

    /**
     * This test's REST API (and gRPC beside it) over {@link #core()}, on free ports of 127.0.0.1, started if the test
     * has none yet; stopped after the test.
     */
    public RestServing rest() {
        if (rest == null) {
            try {
                rest = RestServing.start(core(), Optional.empty());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rest;
    }

    private static <T> T loaded(T value) {
        if (value == null) {
            throw new IllegalStateException(
                    "the models are not loaded: is the fixture a static @RegisterExtension field?");
        }
        return value;
    }

    /** DigitPad's gRPC services on a Netty server on a free port of 127.0.0.1, and a plaintext channel to it. */
    private record LoopbackServing(Server server, ManagedChannel channel) implements AutoCloseable {
        static LoopbackServing start(ServingCore core) throws IOException {
            Server server = new GrpcServices(core)
                    .addTo(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                    .build()
                    .start();
            ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", server.getPort(), InsecureChannelCredentials.create())
                    .build();
            return new LoopbackServing(server, channel);
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow();
            server.shutdownNow();
            if (!channel.awaitTermination(10, TimeUnit.SECONDS) || !server.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the loopback channel or server did not terminate within 10 s");
            }
        }
    }
}
