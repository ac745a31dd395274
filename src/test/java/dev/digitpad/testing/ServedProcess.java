package dev.digitpad.testing;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/digitpad serve} from the built distribution, run as its own process, as a user runs it.
 *
 * <p>It owns what it hands out: the channels from {@link #channel()} and those given to {@link #own}, and the server
 * started by {@link #startAgain}. {@link #close()} shuts those down, then kills the process if it still runs, so a
 * test's teardown is one {@code close()} (try-with-resources, or JUnit's {@code @AutoClose} on a field). The log
 * file is written into the test's work directory, which the test's {@code @TempDir} removes.
 */
public final class ServedProcess implements AutoCloseable {
    public static final Path DIST = Path.of(System.getProperty("digitpad.dist", "target/digitpad"));

    public final Process process;
    public final Path log;
    public final int grpcPort;
    public final int restPort;
    private final List<String> command;
    private final Map<String, String> environment;
    /** What {@link #close()} shuts down before the process, in the order handed out. */
    private final List<Object> owned = new ArrayList<>();

    private ServedProcess(
            Process process,
            Path log,
            int grpcPort,
            int restPort,
            List<String> command,
            Map<String, String> environment) {
        this.process = process;
        this.log = log;
        this.grpcPort = grpcPort;
        this.restPort = restPort;
        this.command = command;
        this.environment = environment;
    }

    /** Starts the distribution's server with the tests' JDK, {@code args} after the ports, and the extra environment {@code env}. */
    public static ServedProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("XDG_CACHE_HOME", workDir.resolve("cache").toString()); // the launcher's class archive
        environment.put("XDG_DATA_HOME", workDir.resolve("data").toString()); // its log file
        environment.remove("MODEL_NAME");
        environment.remove("MODEL_BASE_PATH");
        environment.putAll(env);
        return start(DIST.resolve("bin/digitpad"), workDir, environment, args);
    }

    /**
     * Starts {@code launcher serve} with exactly {@code environment} (nothing inherited from the tests), {@code args}
     * after the ports.
     */
    public static ServedProcess start(Path launcher, Path workDir, Map<String, String> environment, String... args)
            throws IOException {
        int grpcPort = freePort();
        int restPort = freePort();
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "serve", "--port=" + grpcPort));
        if (Arrays.stream(args).noneMatch(a -> a.startsWith("--rest_api_port"))) {
            command.addAll(List.of("--rest_api_port", Integer.toString(restPort)));
        }
        command.addAll(List.of(args));
        return launch(workDir, command, Map.copyOf(environment), grpcPort, restPort);
    }

    private static ServedProcess launch(
            Path workDir, List<String> command, Map<String, String> environment, int grpcPort, int restPort)
            throws IOException {
        Path log = Files.createTempFile(workDir, "serve", ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ServedProcess(builder.start(), log, grpcPort, restPort, List.copyOf(command), environment);
    }

    /**
     * Starts the same server again, on the same ports, with the same arguments and environment, logging to a new
     * file in {@code workDir}; this one must have exited (after {@link #kill()}, say). Closing this one closes that
     * one too.
     */
    public ServedProcess startAgain(Path workDir) throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("the server is still running; stop it before starting it again");
        }
        return own(launch(workDir, command, environment, grpcPort, restPort));
    }

    /** Kills the server with SIGKILL, as the kernel's OOM killer or {@code kill -9} would, and waits for it to go. */
    public void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux and macOS
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not die within 30 s of SIGKILL");
        }
    }

    /** The server's resident memory in bytes, from /proc/<pid>/status (the launcher execs the JVM: same pid). */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalStateException("unexpected VmRSS line: " + line);
                }
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + process.pid() + "/status; has the server exited?");
    }

    /** A new plaintext channel to the server's gRPC port, shut down by {@link #close()}. */
    public ManagedChannel channel() {
        return own(plaintextChannel());
    }

    /** Shuts {@code channel} down (and waits up to 5 s for it) when this closes, before the process is stopped. */
    public ManagedChannel own(ManagedChannel channel) {
        synchronized (owned) {
            owned.add(channel);
        }
        return channel;
    }

    /** Closes {@code resource} when this closes, before the process is stopped. */
    public <T extends AutoCloseable> T own(T resource) {
        synchronized (owned) {
            owned.add(resource);
        }
        return resource;
    }

    private ManagedChannel plaintextChannel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
                .usePlaintext()
                .build();
    }

    /** Waits until gRPC health says SERVING, failing with the server's log if it never does. */
    public void awaitServing(Duration timeout) throws Exception {
        awaitServing(timeout, plaintextChannel());
    }

    /** Waits until gRPC health says SERVING over {@code channel} (which this closes), as {@link #awaitServing(Duration)}. */
    public void awaitServing(Duration timeout, ManagedChannel channel) throws Exception {
        try {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                assertThat(process.isAlive())
                        .as("server exited early; log:%n%s", log())
                        .isTrue();
                try {
                    HealthCheckResponse.ServingStatus status = HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus();
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

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Sends SIGTERM and waits for the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("server did not exit within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /**
     * Shuts down everything this handed out, the last first (channels: at once, waiting up to 5 s each), then kills
     * the process if it still runs and waits up to 10 s for it. Every resource is closed even if one fails; the
     * first failure is thrown, with the others added to it as suppressed.
     */
    @Override
    public void close() throws Exception {
        List<Object> resources;
        synchronized (owned) {
            resources = new ArrayList<>(owned);
            owned.clear();
        }
        Exception failure = null;
        for (Object resource : resources.reversed()) {
            try {
                if (resource instanceof ManagedChannel channel) {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                } else {
                    ((AutoCloseable) resource).close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (failure != null) {
            throw failure;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
