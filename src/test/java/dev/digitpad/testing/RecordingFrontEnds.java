package dev.digitpad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.server.GrpcServices;
import dev.digitpad.server.ServingCore;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * DigitPad's gRPC services and REST API over one core, each on a free port of 127.0.0.1, recording every prediction
 * that reaches them as it arrived: which protocol and form it came in, and the bytes of the request and of the answer.
 * gRPC is recorded by an interceptor (the bytes of each {@code PredictRequest} received and the serialized size of
 * each {@code PredictResponse} sent); REST by a proxy in front of the REST port, which counts each body as it reads it from the
 * socket and as it writes the answer's back.
 */
public final class RecordingFrontEnds implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a prediction came. */
    public enum Form {
        GRPC_TENSOR_CONTENT,
        GRPC_FLOAT_VAL,
        REST_INSTANCES,
        REST_INPUTS,
        OTHER
    }

    /** One prediction received: its form, and the bytes of its request and its answer. */
    public record Received(Form form, int requestBytes, int responseBytes) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Server grpc;
    private final RestServing rest;
    private final HttpServer proxy;
    private final ExecutorService proxyThreads;
    private final HttpClient forward;

    private RecordingFrontEnds(ServingCore core) throws IOException {
        this.grpc = new GrpcServices(core)
                .addTo(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .intercept(recorder()))
                .build()
                .start();
        this.rest = RestServing.start(core, java.util.Optional.empty());
        this.forward =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        this.proxyThreads = Executors.newFixedThreadPool(
                4, Thread.ofPlatform().name("rest-proxy-", 0).daemon().factory());
        this.proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.setExecutor(proxyThreads);
        proxy.createContext("/", this::forward);
        proxy.start();
    }

    public static RecordingFrontEnds start(ServingCore core) throws IOException {
        return new RecordingFrontEnds(core);
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    /** The REST root that records, e.g. {@code http://127.0.0.1:40123}. */
    public URI restRoot() {
        return URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
    }

    /** Every prediction received so far, in the order they arrived. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpResponse<byte[]> answer;
        try {
            answer = forward.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest.restPort()
                                    + exchange.getRequestURI().getRawPath()))
                            .header("Content-Type", "application/json")
                            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        received.add(new Received(restForm(body), body.length, answer.body().length));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    private static Form restForm(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json.has("instances")) {
                return Form.REST_INSTANCES;
            }
            if (json.has("inputs")) {
                return Form.REST_INPUTS;
            }
        } catch (IOException e) {
            return Form.OTHER;
        }
        return Form.OTHER;
    }

    private ServerInterceptor recorder() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (!call.getMethodDescriptor().getBareMethodName().equals("Predict")) {
                    return next.startCall(call, headers);
                }
                Form[] form = {Form.OTHER};
                int[] requestBytes = {0};
                ServerCall<Q, R> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendMessage(R message) {
                        received.add(new Received(
                                form[0], requestBytes[0], ((PredictResponse) message).getSerializedSize()));
                        super.sendMessage(message);
                    }
                };
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                        next.startCall(recording, headers)) {
                    @Override
                    public void onMessage(Q message) {
                        // DigitPad's services take requests in a wrapper of their own; the call's marshaller gives
                        // back the bytes that arrived.
                        byte[] bytes;
                        PredictRequest request;
                        try (InputStream in = call.getMethodDescriptor().streamRequest(message)) {
                            bytes = in.readAllBytes();
                            request = PredictRequest.parseFrom(bytes);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        requestBytes[0] = bytes.length;
                        form[0] = request.getInputsMap().values().stream()
                                        .allMatch(t -> !t.getTensorContent().isEmpty())
                                ? Form.GRPC_TENSOR_CONTENT
                                : request.getInputsMap().values().stream().allMatch(t -> t.getFloatValCount() > 0)
                                        ? Form.GRPC_FLOAT_VAL
                                        : Form.OTHER;
                        super.onMessage(message);
                    }
                };
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        proxy.stop(0);
        proxyThreads.shutdownNow();
        forward.shutdownNow();
        rest.close();
        grpc.shutdownNow();
        if (!grpc.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the recording gRPC server did not stop within 10 s");
        }
    }
}
