package dev.digitpad.app.shared;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.SessionThreads;
import dev.digitpad.inference.VersionStatus;
import dev.digitpad.server.GrpcServices;
import dev.digitpad.server.ServingCore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * DigitPad's own model server inside this process: the same gRPC services as {@code digitpad serve}, on an
 * in-process transport, so that the client code is the same whether the server is here or remote.
 */
public final class EmbeddedServer implements AutoCloseable {
    static final String NAME = "embedded server";

    private final ModelManager models;
    private final Server server;
    private final ManagedChannel channel;

    private EmbeddedServer(ModelManager models, Server server, ManagedChannel channel) {
        this.models = models;
        this.server = server;
        this.channel = channel;
    }

    /**
     * Loads the model in {@code basePath} (named {@code model}) and starts serving it.
     *
     * @throws IOException if the model cannot be loaded, saying where it was looked for and why
     */
    static EmbeddedServer start(String model, Path basePath) throws IOException {
        // One call at a time on a small model: one TensorFlow thread per run answers fastest (measured: p50
        // about 100-160 us against 260 us with a thread per core on a 2-core machine), and that thread is the
        // caller's (inter-op -1): handing each run to a pool thread cost up to several ms while the pad was drawn.
        ModelManager models = new ModelManager(List.of(new ModelManager.ModelConfig(model, basePath)),
                ServableLoader.savedModels(new SessionThreads(1, -1)), Duration.ofSeconds(1));
        try {
            models.pollNow();
            if (!models.isAvailable(model)) {
                String why = models.status(model, OptionalLong.empty()).stream()
                        .flatMap(s -> s.error().stream()).map(Throwable::getMessage).findFirst()
                        .orElse("no version folder with a saved_model.pb was found there");
                throw new IOException("The model in " + basePath + " could not be loaded: " + why
                        + ". Reinstall DigitPad, or point --model_base_path at a SavedModel.");
            }
            models.start();
            String name = InProcessServerBuilder.generateName();
            // Direct executors: a call runs in the caller's thread (the pad's worker) instead of hopping to gRPC's
            // pools and back, which takes the answer to the screen sooner when the machine is busy.
            Server server = new GrpcServices(new ServingCore(models))
                    .addTo(InProcessServerBuilder.forName(name).directExecutor()).build().start();
            return new EmbeddedServer(models, server, InProcessChannelBuilder.forName(name).directExecutor().build());
        } catch (dev.digitpad.inference.ServingException e) {
            models.close();
            throw new IOException("The model in " + basePath + " could not be loaded: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            models.close();
            throw e;
        }
    }

    ManagedChannel channel() {
        return channel;
    }

    /** Versions of the model and their states. */
    List<VersionStatus> status(String model) {
        return models.status(model, OptionalLong.empty());
    }

    @Override
    public void close() {
        channel.shutdown();
        server.shutdown();
        try {
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            models.close();
        }
    }
}
