package dev.digitpad.testing;

import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.server.GrpcServices;
import dev.digitpad.server.ServingCore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * DigitPad's gRPC services on an in-process server with a unique name, and a channel to it. Closing shuts
 * both down and waits for them, like grpc-testing's GrpcCleanupRule.
 */
public final class InProcessServing implements AutoCloseable {
    private final Server server;
    private final ManagedChannel channel;
    private final GrpcServices services;

    private InProcessServing(Server server, ManagedChannel channel, GrpcServices services) {
        this.server = server;
        this.channel = channel;
        this.services = services;
    }

    /** Starts a server for {@code core}; interceptors see every call before DigitPad's services do. */
    public static InProcessServing start(ServingCore core, ServerInterceptor... interceptors) throws IOException {
        String name = InProcessServerBuilder.generateName();
        GrpcServices services = new GrpcServices(core);
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        for (ServerInterceptor i : interceptors) {
            builder.intercept(i);
        }
        Server server = services.addTo(builder).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        return new InProcessServing(server, channel, services);
    }

    public ManagedChannel channel() {
        return channel;
    }

    public GrpcServices services() {
        return services;
    }

    public PredictionServiceGrpc.PredictionServiceBlockingStub prediction() {
        return PredictionServiceGrpc.newBlockingStub(channel);
    }

    public ModelServiceGrpc.ModelServiceBlockingStub models() {
        return ModelServiceGrpc.newBlockingStub(channel);
    }

    public HealthGrpc.HealthBlockingStub health() {
        return HealthGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        if (!channel.awaitTermination(10, TimeUnit.SECONDS) || !server.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the in-process channel or server did not terminate within 10 s");
        }
    }
}
