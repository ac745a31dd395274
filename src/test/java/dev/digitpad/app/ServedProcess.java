package dev.digitpad.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code bin/digitpad serve} from the built distribution, run as its own process, as a user runs it. */
final class ServedProcess implements AutoCloseable {
    static final Path DIST = Path.of(System.getProperty("digitpad.dist", "target/digitpad"));

    final Process process;
    final Path log;
    final int grpcPort;
    final int restPort;

    private ServedProcess(Process process, Path log, int grpcPort, int restPort) {
        this.process = process;
        this.log = log;
        this.grpcPort = grpcPort;
        this.restPort = restPort;
    }

    /** Starts the server with {@code args} after the ports, and the extra environment {@code env}. */
    static ServedProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        int grpcPort = freePort();
        int restPort = freePort();
        List<String> command = new ArrayList<>(List.of(DIST.resolve("bin/digitpad").toString(), "serve",
                "--port=" + grpcPort));
        if (Arrays.stream(args).noneMatch(a -> a.startsWith("--rest_api_port"))) {
            command.addAll(List.of("--rest_api_port", Integer.toString(restPort)));
        }
        command.addAll(List.of(args));
        Path log = Files.createTempFile(workDir, "serve", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("XDG_CACHE_HOME", workDir.resolve("cache").toString()); // the launcher's class archive
        builder.environment().remove("MODEL_NAME");
        builder.environment().remove("MODEL_BASE_PATH");
        builder.environment().putAll(env);
        return new ServedProcess(builder.start(), log, grpcPort, restPort);
    }

    ManagedChannel channel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }

    /** Waits until gRPC health says SERVING, failing with the server's log if it never does. */
    void awaitServing(Duration timeout) throws Exception {
        awaitServing(timeout, channel());
    }

    /** Waits until gRPC health says SERVING over {@code channel} (which this closes), as {@link #awaitServing(Duration)}. */
    void awaitServing(Duration timeout, ManagedChannel channel) throws Exception {
        try {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                assertThat(process.isAlive()).as("server exited early; log:%n%s", log()).isTrue();
                try {
                    HealthCheckResponse.ServingStatus status = HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
                    if (status == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                } catch (io.grpc.StatusRuntimeException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new AssertionError("server not SERVING after " + timeout + "; log:\n" + log());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Sends SIGTERM and waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("server did not exit within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
