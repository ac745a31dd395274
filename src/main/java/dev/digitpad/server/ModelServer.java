package dev.digitpad.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model server's network front ends: gRPC on one port and, optionally, REST on another, both bound
 * to one address (loopback unless told otherwise) and both answering from one {@link ServingCore}.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelServer.class);

    /**
     * @param bindAddress the interface to listen on; 127.0.0.1 keeps the server private to this machine
     * @param grpcPort the gRPC port, 0 for any free port
     * @param restPort the REST port, 0 for none, -1 for any free port
     * @param maxRequestBytes the largest request accepted, on either port
     * @param restTimeout how long a REST prediction may run (REST has no deadline of its own)
     * @param tls TLS for the gRPC port; empty for plaintext
     * @param metricsPath where the REST port answers Prometheus scrapes; empty for nowhere
     */
    public record Options(
            String bindAddress,
            int grpcPort,
            int restPort,
            int maxRequestBytes,
            Duration restTimeout,
            Optional<GrpcTls> tls,
            Optional<String> metricsPath) {
        public static final String LOOPBACK = "127.0.0.1";
        public static final int DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

        public Options {
            tls = tls == null ? Optional.empty() : tls;
            metricsPath = metricsPath == null ? Optional.empty() : metricsPath;
            if (metricsPath.isPresent() && restPort == 0) {
                throw new IllegalArgumentException(
                        "Prometheus metrics are served on the REST port, which is turned off");
            }
        }

        /** Plaintext gRPC, no metrics endpoint. */
        public Options(String bindAddress, int grpcPort, int restPort, int maxRequestBytes, Duration restTimeout) {
            this(bindAddress, grpcPort, restPort, maxRequestBytes, restTimeout, Optional.empty(), Optional.empty());
        }
    }

    private final InFlightCalls inFlight = new InFlightCalls();
    private final GrpcServices grpcServices;
    private final ExecutorService grpcExecutor;
    private final Server grpc;
    private final org.eclipse.jetty.server.Server rest;
    private boolean stopped;

    private ModelServer(ServingCore core, Options options) throws IOException {
        // A small fixed pool for the predictions that may take long: the work is CPU-bound.
        this.grpcExecutor = Executors.newFixedThreadPool(
                2 * Runtime.getRuntime().availableProcessors(),
                Thread.ofPlatform()
                        .name("grpc-call-", 0)
                        .daemon()
                        .uncaughtExceptionHandler((t, e) -> log.error("Uncaught failure on {}", t.getName(), e))
                        .factory());
        this.grpcServices = new GrpcServices(core, inFlight, grpcExecutor);
        NettyServerBuilder builder =
                NettyServerBuilder.forAddress(new InetSocketAddress(options.bindAddress(), options.grpcPort()));
        options.tls().ifPresent(tls -> builder.sslContext(tls.sslContext()));
        this.grpc = grpcServices
                .addTo(builder)
                .maxInboundMessageSize(options.maxRequestBytes())
                // Calls start on Netty's network threads; GrpcServices hands what may take long to grpcExecutor.
                .directExecutor()
                .build();
        this.rest = options.restPort() == 0 ? null : jetty(core, inFlight, options);
    }

    /** Starts both front ends; on failure nothing is left listening. */
    public static ModelServer start(ServingCore core, Options options) throws IOException {
        ModelServer server = new ModelServer(core, options);
        try {
            server.grpc.start();
            log.info(
                    "gRPC API listening on {}:{}, {}",
                    options.bindAddress(),
                    server.grpcPort(),
                    options.tls().map(GrpcTls::toString).orElse("plaintext"));
            if (server.rest != null) {
                server.rest.start();
                log.info(
                        "REST API listening on http://{}:{}/v1/models/",
                        options.bindAddress(),
                        server.restPort().orElseThrow());
                options.metricsPath()
                        .ifPresent(path -> log.info(
                                "Prometheus metrics at http://{}:{}{}",
                                options.bindAddress(),
                                server.restPort().orElseThrow(),
                                path));
            }
            if (!isLoopback(options.bindAddress())) {
                warnAboutExposure(options, server.rest != null);
            }
            return server;
        } catch (IOException e) {
            server.stop(Duration.ZERO);
            throw new IOException(
                    "cannot listen on " + options.bindAddress() + ": " + e.getMessage() + " (" + whyNotListening(e)
                            + ")",
                    e);
        } catch (Exception e) {
            server.stop(Duration.ZERO);
            throw new IOException(
                    "cannot start the REST API on " + options.bindAddress() + ":" + options.restPort() + ": "
                            + e.getMessage() + " (" + whyNotListening(e) + ")",
                    e);
        }
    }

    /** The likely reason a port could not be opened, from the operating system's words in the causes. */
    static String whyNotListening(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("Address already in use")) {
                return "another program is using the port";
            }
            if (message.contains("Cannot assign requested address")) {
                return "the address is not one of this machine's";
            }
            if (message.contains("<unresolved>") || t instanceof java.nio.channels.UnresolvedAddressException) {
                return "the host name does not resolve";
            }
            if (message.contains("Permission denied")) {
                return "ports below 1024 need administrator rights";
            }
        }
        return "is another server using the port?";
    }

    /** Where the REST server takes its buffers from; for tests. */
    Optional<ByteBufferPool> restBuffers() {
        return Optional.ofNullable(rest).map(org.eclipse.jetty.server.Server::getByteBufferPool);
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    public OptionalInt restPort() {
        return rest == null
                ? OptionalInt.empty()
                : OptionalInt.of(((ServerConnector) rest.getConnectors()[0]).getLocalPort());
    }

    /**
     * Stops taking calls, lets the calls in flight finish for up to {@code drain}, then cuts off what is
     * left. Health turns NOT_SERVING first, so load balancers stop sending work.
     */
    public synchronized void stop(Duration drain) {
        if (stopped) {
            return;
        }
        stopped = true;
        long deadline = System.nanoTime() + drain.toNanos();
        grpcServices.enterShutdown();
        log.info(
                "Stopping: no longer accepting calls; draining {} in flight (up to {} ms)",
                inFlight.count(),
                drain.toMillis());
        grpc.shutdown();
        if (rest != null) {
            try {
                rest.setStopTimeout(Math.max(1, drain.toMillis()));
                rest.stop();
            } catch (Exception e) {
                log.warn("REST API did not stop cleanly: {}", e.toString());
            }
        }
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!grpc.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                if (inFlight.count() > 0) {
                    log.warn(
                            "{} calls were still running after {} ms; cancelling them",
                            inFlight.count(),
                            drain.toMillis());
                }
                grpc.shutdownNow();
                grpc.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        grpcExecutor.shutdown();
        log.info("Front ends stopped");
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static void warnAboutExposure(Options options, boolean rest) {
        if (options.tls().isEmpty()) {
            log.warn(
                    "gRPC on {} is reachable from other machines, unencrypted and without authentication; use"
                            + " --ssl_config_file (with client_verify for mutual TLS), or a firewall",
                    options.bindAddress());
        } else if (!options.tls().get().clientVerify()) {
            log.warn(
                    "gRPC on {} is reachable from other machines and encrypted, but any client may call it; set"
                            + " client_verify in the SSL config to admit only clients with certificates",
                    options.bindAddress());
        }
        if (rest) {
            log.warn(
                    "REST on {} is reachable from other machines, unencrypted and without authentication; put a reverse"
                            + " proxy with TLS and access control in front of it, or turn it off with --rest_api_port=0",
                    options.bindAddress());
        }
    }

    private static org.eclipse.jetty.server.Server jetty(ServingCore core, InFlightCalls inFlight, Options options) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("rest");
        // Buffers from no pool. With Jetty 12.1.14's pool, the body of a refused CONNECT request (a bad URI and some KB
        // of
        // content) was now and then read into a buffer that another connection was using, which then parsed or sent
        // those bytes: one client's data in another client's answer. FuzzIT found it; a stress of such requests
        // beside plain ones showed it 4 times in 100 s pooled and never in 130 s unpooled, with the same REST
        // throughput and latency.
        org.eclipse.jetty.server.Server server =
                new org.eclipse.jetty.server.Server(threads, null, new ByteBufferPool.NonPooling());
        HttpConfiguration http = new HttpConfiguration();
        // The REST API routes on the path as sent and decodes each part itself (RestApi), so encoded separators
        // and dot segments are harmless there: a model name such as "..%2Fother" is just a name that is not
        // served, and is answered 404 like TensorFlow Serving does, rather than Jetty's 400 "Ambiguous URI".
        http.setUriCompliance(UriCompliance.DEFAULT.with(
                "DIGITPAD_REST",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
                UriCompliance.Violation.AMBIGUOUS_PATH_PARAMETER,
                UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS));
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.bindAddress());
        connector.setPort(Math.max(0, options.restPort()));
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(
                new RestApi(core, inFlight, options.maxRequestBytes(), options.restTimeout(), options.metricsPath())));
        server.setErrorHandler(RestApi::jettyError);
        server.setStopAtShutdown(false);
        return server;
    }

    private static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
