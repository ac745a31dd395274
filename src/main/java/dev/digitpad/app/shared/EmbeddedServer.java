package dev.digitpad.app.shared;

import dev.digitpad.inference.SessionThreads;
import dev.digitpad.inference.VersionStatus;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingStack;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * DigitPad's own model server inside this process: the same gRPC services as {@code digitpad serve}, on an
 * in-process transport, so that the client code is the same whether the server is here or remote.
 */
public final class EmbeddedServer implements AutoCloseable {
    static final String NAME = "embedded server";

    private final ServingStack stack;

    private EmbeddedServer(ServingStack stack) {
        this.stack = stack;
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
        // The in-process front end runs each call in the caller's thread (the pad's worker).
        ServingStack stack =
                ServingStack.start(ServingStack.Options.savedModels(model, basePath, new SessionThreads(1, -1))
                        .pollingEvery(Duration.ofSeconds(1))
                        .withInProcess()
                        .loadingFirst("Reinstall DigitPad, or point --model_base_path at a SavedModel."));
        try {
            stack.startPolling();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        // Loading the model (TensorFlow's graph import and optimisation) frees tens of MB that the C library's
        // allocator would otherwise keep resident: about 25 MB of the window's anonymous memory.
        NativeMemory.releaseFreePages();
        return new EmbeddedServer(stack);
    }

    ManagedChannel channel() {
        return stack.inProcessChannel();
    }

    /**
     * Opens this server's gRPC and REST front ends on free ports of 127.0.0.1, over the same serving core as the
     * in-process one: for measuring the protocols over real sockets. Closing what this returns closes those ports.
     */
    ModelServer loopbackPorts() throws IOException {
        return ModelServer.start(
                stack.core(),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30)));
    }

    /** Versions of the model and their states. */
    List<VersionStatus> status(String model) {
        return stack.models().status(model, OptionalLong.empty());
    }

    @Override
    public void close() {
        stack.close();
    }
}
