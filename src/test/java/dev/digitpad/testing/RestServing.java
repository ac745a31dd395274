package dev.digitpad.testing;

import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * DigitPad's REST API (with gRPC beside it, as {@code serve} runs them) on free ports of 127.0.0.1, and a
 * {@link RawHttpClient} to its REST port, which sends any method, path and header. Closing stops the server.
 */
public final class RestServing implements AutoCloseable {
    private final ModelServer server;
    private final RawHttpClient client;

    private RestServing(ModelServer server) {
        this.server = server;
        this.client = new RawHttpClient(
                ModelServer.Options.LOOPBACK, server.restPort().orElseThrow(), Duration.ofSeconds(30));
    }

    /** Serves {@code core}; Prometheus scrapes are answered at {@code metricsPath}, if given. */
    public static RestServing start(ServingCore core, Optional<String> metricsPath) throws IOException {
        return new RestServing(ModelServer.start(
                core,
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30),
                        Optional.empty(),
                        metricsPath)));
    }

    public int restPort() {
        return server.restPort().orElseThrow();
    }

    public int grpcPort() {
        return server.grpcPort();
    }

    public RawHttpClient.Answer get(String path) throws IOException {
        return send("GET", path, List.of(), "");
    }

    public RawHttpClient.Answer post(String path, String body) throws IOException {
        return send("POST", path, List.of(), body);
    }

    /** One request with a {@code Content-Length}; fails if the server neither answers nor closes within 30 s. */
    public RawHttpClient.Answer send(String method, String path, List<String> headers, String body) throws IOException {
        return client.exchange(
                        new RawHttpClient.Request(method, path, headers, body.getBytes(StandardCharsets.UTF_8), true))
                .orElseThrow(() -> new AssertionError("no answer to " + method + " " + path + " within 30 s"));
    }

    @Override
    public void close() {
        server.close();
    }
}
