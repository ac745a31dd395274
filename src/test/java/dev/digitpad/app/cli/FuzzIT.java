package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.TextFormat;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.Http2FrameWriter;
import dev.digitpad.testing.RawBytes;
import dev.digitpad.testing.RawHttpClient;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.SocketReads;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Random input, with fixed seeds, against {@code bin/digitpad serve} as its own process: random bytes on the gRPC
 * port (as raw TCP, and as HTTP/2 frames after the connection preface, including well-formed gRPC calls with random
 * headers and bodies), random bytes as the message of real gRPC calls, random but well-formed PredictRequests,
 * and random HTTP requests (methods, paths, headers, bodies) on the REST port.
 *
 * <p>Every answer must be a proper one: a gRPC status with a message, or an HTTP status with a JSON
 * {@code {"error": ...}}; none may carry a stack trace or name a Java class; no answer may be INTERNAL or UNKNOWN
 * (which would be a failure the server did not foresee); and at the end the server is still running and answers a
 * good request right. Findings are collected, not thrown at the first, so one run shows them all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuzzIT {
    static final long SEED = 0x7A11_5EEDL;
    static final int RAW_CONNECTIONS = 1_000;
    static final int RAW_GRPC_MESSAGES = 3_000;
    static final int PREDICT_REQUESTS = 5_000;
    static final int REST_REQUESTS = 3_000;
    static final int MAX_REQUEST_BYTES = 4 << 20;

    /** What no answer may contain: a stack trace line, an exception's name, or a Java class or package name. */
    static final List<String> LEAKS = List.of(
            "\tat ",
            "Exception",
            "java.",
            "javax.",
            "jdk.",
            "sun.",
            "dev.digitpad.",
            "org.eclipse.",
            "io.grpc.",
            "io.netty.",
            "com.fasterxml.",
            "com.google.",
            "org.tensorflow.");

    private static final String PREDICT = "tensorflow.serving.PredictionService/Predict";
    private static final List<String> GRPC_METHODS = List.of(
            PREDICT,
            "tensorflow.serving.PredictionService/GetModelMetadata",
            "tensorflow.serving.PredictionService/Classify",
            "tensorflow.serving.ModelService/GetModelStatus",
            "grpc.health.v1.Health/Check");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    @AutoClose
    static ServedProcess server;

    static ManagedChannel channel;
    static RawHttpClient rest;
    static final List<String> findings = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path base = work.resolve("models/mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        server = ServedProcess.start(
                work,
                Map.of(),
                "--model_name=mnist",
                "--model_base_path=" + base,
                "--max_request_size_bytes=" + MAX_REQUEST_BYTES,
                "--file_system_poll_wait_seconds=0");
        server.awaitServing(Duration.ofSeconds(60));
        channel = server.channel();
        rest = new RawHttpClient("127.0.0.1", server.restPort, Duration.ofSeconds(30));
    }

    @Test
    @Order(1)
    void randomBytesAndHttp2FramesOnTheGrpcPort() throws Exception {
        Random random = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < RAW_CONNECTIONS; i++) {
            int kind = i % 4;
            byte[] bytes = switch (kind) {
                case 0 -> randomBytes(random, 1 + random.nextInt(2000));
                case 1 -> concat(Http2FrameWriter.PREFACE, randomBytes(random, random.nextInt(2000)));
                case 2 -> concat(Http2FrameWriter.PREFACE, randomFrames(random));
                default -> concat(Http2FrameWriter.PREFACE, grpcCallFrames(random));
            };
            String outcome = rawExchange(bytes, "raw TCP #" + i + " (kind " + kind + ")", kind == 3);
            outcomes.merge("kind " + kind + ": " + outcome, 1, Integer::sum);
        }
        System.out.println("fuzz: raw TCP on the gRPC port, " + RAW_CONNECTIONS + " connections: " + outcomes);
        assertServerStillAnswers();
        assertNoFindings();
    }

    @Test
    @Order(2)
    void randomBytesAsTheMessageOfRealGrpcCalls() throws Exception {
        Random random = new Random(SEED + 1);
        byte[] good =
                Tensors.predictImages("mnist", TestModels.imageWithRow(3, 1f)).toByteArray();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < RAW_GRPC_MESSAGES; i++) {
            String method = i % 3 == 0 ? GRPC_METHODS.get(random.nextInt(GRPC_METHODS.size())) : PREDICT;
            byte[] message = i % 2 == 0 ? randomBytes(random, random.nextInt(3000)) : mutate(random, good);
            MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(method)
                    .setRequestMarshaller(RawBytes.MARSHALLER)
                    .setResponseMarshaller(RawBytes.MARSHALLER)
                    .build();
            try {
                ClientCalls.blockingUnaryCall(
                        channel, descriptor, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), message);
                outcomes.merge("OK", 1, Integer::sum);
            } catch (StatusRuntimeException e) {
                outcomes.merge(e.getStatus().getCode().name(), 1, Integer::sum);
                checkGrpcStatus(e.getStatus(), "raw message #" + i + " to " + method, false);
            }
        }
        System.out.println("fuzz: random messages in gRPC calls, " + RAW_GRPC_MESSAGES + " calls: " + outcomes);
        assertServerStillAnswers();
        assertNoFindings();
    }

    @Test
    @Order(3)
    void randomButWellFormedPredictRequests() throws Exception {
        Random random = new Random(SEED + 2);
        PredictionServiceGrpc.PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < PREDICT_REQUESTS; i++) {
            PredictRequest request = randomRequest(random);
            try {
                stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request);
                outcomes.merge("OK", 1, Integer::sum);
            } catch (StatusRuntimeException e) {
                outcomes.merge(e.getStatus().getCode().name(), 1, Integer::sum);
                int found = findingCount();
                checkGrpcStatus(e.getStatus(), "PredictRequest #" + i, true);
                if (findingCount() > found) {
                    finding("    PredictRequest #" + i + " was " + abbreviate(TextFormat.shortDebugString(request)));
                }
            }
        }
        System.out.println("fuzz: random PredictRequests, " + PREDICT_REQUESTS + " calls: " + outcomes);
        assertServerStillAnswers();
        assertNoFindings();
    }

    @Test
    @Order(4)
    void randomHttpRequestsOnTheRestPort() throws Exception {
        Random random = new Random(SEED + 3);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < REST_REQUESTS; i++) {
            RawHttpClient.Request exchange = randomHttpRequest(random);
            int status = httpExchange(exchange, "REST request #" + i);
            outcomes.merge(Integer.toString(status), 1, Integer::sum);
        }
        System.out.println("fuzz: random HTTP requests on the REST port, " + REST_REQUESTS + " requests: " + outcomes);
        assertServerStillAnswers();
        assertNoFindings();
    }

    // ---- checks

    /**
     * A proper gRPC status: never UNKNOWN, a message, no leak. INTERNAL is a finding too, unless the bytes never made
     * a request that reached DigitPad's code: grpc-java itself answers INTERNAL to a message that is not protobuf, or
     * to a call whose content type or method is not gRPC's. DigitPad's own INTERNAL answers are also logged as
     * "Unexpected failure", which {@link #assertServerStillAnswers} looks for after every test.
     */
    private static void checkGrpcStatus(Status status, String what, boolean wellFormed) {
        if (status.isOk()) {
            return;
        }
        String message = status.getDescription();
        if (status.getCode() == Status.Code.UNKNOWN || (wellFormed && status.getCode() == Status.Code.INTERNAL)) {
            finding(what + ": answered " + status.getCode() + " (an unforeseen failure): " + message);
        }
        if (message == null || message.isBlank()) {
            finding(what + ": answered " + status.getCode() + " without a message");
            return;
        }
        checkNoLeak(message, what);
    }

    private static void checkNoLeak(String text, String what) {
        for (String leak : LEAKS) {
            if (text.contains(leak)) {
                finding(what + ": the answer contains \"" + leak.replace("\t", "\\t") + "\": " + abbreviate(text));
                return;
            }
        }
    }

    private static synchronized int findingCount() {
        return findings.size();
    }

    private static synchronized void finding(String text) {
        if (findings.size() < 200) {
            findings.add(text);
        }
    }

    private static void assertNoFindings() {
        List<String> found;
        synchronized (FuzzIT.class) {
            found = List.copyOf(findings);
            findings.clear();
        }
        assertThat(found).as("findings").isEmpty();
    }

    /** The process is alive, answers a good request right over gRPC and REST, and logged no unforeseen failure. */
    private static void assertServerStillAnswers() throws Exception {
        assertThat(server.process.isAlive())
                .as("the server is running; log:%n%s", server.log())
                .isTrue();
        float[] image = TestModels.imageWithRow(2, 3f);
        float[] p = Tensors.floats(PredictionServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .predict(Tensors.predictImages("mnist", image))
                .getOutputsOrThrow("dense"));
        double[] expected = TestModels.expectedProbabilities(image, 1);
        for (int k = 0; k < TestModels.CLASSES; k++) {
            assertThat((double) p[k]).isCloseTo(expected[k], within(1e-5));
        }
        String body = "{\"instances\": [" + JSON.writeValueAsString(TestModels.nested(image)) + "]}";
        RawHttpClient.Request good = new RawHttpClient.Request(
                "POST",
                "/v1/models/mnist:predict",
                List.of("Content-Type: application/json"),
                body.getBytes(StandardCharsets.UTF_8),
                true);
        assertThat(httpExchange(good, "a good REST request")).isEqualTo(200);
        assertThat(server.log())
                .as("the server log")
                .doesNotContain("Unexpected failure")
                .doesNotContain("Uncaught failure");
    }

    // ---- raw TCP and HTTP/2

    /**
     * Sends bytes and reads what the server sends back, then checks whatever HTTP/2 it sent. After random bytes
     * the client half-closes at once and reads until the server closes. After a whole gRPC call ({@code
     * awaitAnswer}) it first waits, up to 5 s, for the call's answer to end (END_STREAM, RST_STREAM or GOAWAY).
     */
    private static String rawExchange(byte[] bytes, String what, boolean awaitAnswer) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        boolean hung = false;
        try (Socket socket = new Socket("127.0.0.1", server.grpcPort)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                out.write(bytes);
                out.flush();
                if (awaitAnswer) {
                    socket.setSoTimeout(5_000);
                    byte[] buffer = new byte[8192];
                    try {
                        for (int n; !answered(answer.toByteArray()) && (n = in.read(buffer)) >= 0; ) {
                            answer.write(buffer, 0, n);
                        }
                    } catch (SocketTimeoutException noAnswerYet) {
                        // counted below, then the connection is closed as for random bytes
                    }
                }
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // The server may close as soon as it has seen enough; what it sent is still read below.
            }
            socket.setSoTimeout(10_000);
            byte[] rest = SocketReads.untilClosed(in);
            if (rest == null) {
                hung = true;
            } else {
                answer.writeBytes(rest);
            }
        }
        if (hung) {
            finding(what + ": the server neither answered nor closed the connection within 10 s of the client's end");
            return "hung";
        }
        if (answer.size() == 0) {
            return "closed";
        }
        String outcome = checkHttp2(answer.toByteArray(), what);
        return awaitAnswer && !answered(answer.toByteArray()) ? outcome + ", no answer to the call" : outcome;
    }

    /** Whether the server's frames so far end a stream (END_STREAM on HEADERS or DATA), reset one, or go away. */
    private static boolean answered(byte[] frames) {
        ByteBuffer in = ByteBuffer.wrap(frames);
        while (in.remaining() >= 9) {
            int length = ((in.get() & 0xff) << 16) | ((in.get() & 0xff) << 8) | (in.get() & 0xff);
            int type = in.get() & 0xff;
            int flags = in.get() & 0xff;
            int stream = in.getInt() & 0x7fffffff;
            if (length > in.remaining()) {
                return false;
            }
            in.position(in.position() + length);
            if (type == 0x3 || type == 0x7 || (stream != 0 && (type == 0x0 || type == 0x1) && (flags & 0x1) != 0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the server's frames: every HEADERS block is decoded (HPACK, as the client would) and a gRPC status in
     * it must be proper; GOAWAY's debug text may not leak internals.
     */
    private static String checkHttp2(byte[] answer, String what) {
        ByteBuffer in = ByteBuffer.wrap(answer);
        DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        String last = "frames";
        while (in.remaining() >= 9) {
            int length = ((in.get() & 0xff) << 16) | ((in.get() & 0xff) << 8) | (in.get() & 0xff);
            int type = in.get() & 0xff;
            int flags = in.get() & 0xff;
            int stream = in.getInt() & 0x7fffffff;
            if (length > in.remaining()) {
                finding(what + ": the server sent a truncated frame (type " + type + ", length " + length + ")");
                return "truncated";
            }
            byte[] payload = new byte[length];
            in.get(payload);
            switch (type) {
                case 0x1, 0x9 -> { // HEADERS, CONTINUATION
                    int from = 0;
                    int to = payload.length;
                    if (type == 0x1 && (flags & 0x8) != 0) { // PADDED
                        from = 1;
                        to -= payload[0] & 0xff;
                    }
                    if (type == 0x1 && (flags & 0x20) != 0) { // PRIORITY
                        from += 5;
                    }
                    block.write(payload, from, to - from);
                    if ((flags & 0x4) != 0) { // END_HEADERS
                        try {
                            Http2Headers headers =
                                    decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(block.toByteArray()));
                            checkGrpcHeaders(headers, what);
                            last = headers.contains("grpc-status")
                                    ? "grpc-status " + headers.get("grpc-status")
                                    : "headers";
                        } catch (Http2Exception e) {
                            finding(what + ": the server sent headers that do not decode: " + e.getMessage());
                        }
                        block.reset();
                    }
                }
                case 0x7 -> { // GOAWAY: last stream id, error code, debug data
                    if (payload.length >= 8) {
                        String debug = new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
                        checkNoLeak(debug, what + " (GOAWAY)");
                        last = "GOAWAY " + ByteBuffer.wrap(payload, 4, 4).getInt();
                    }
                }
                default -> {}
            }
        }
        if (in.hasRemaining()) {
            finding(what + ": " + in.remaining() + " bytes after the last whole frame");
        }
        return last;
    }

    private static void checkGrpcHeaders(Http2Headers headers, String what) {
        CharSequence status = headers.get("grpc-status");
        if (status == null) {
            return;
        }
        int code;
        try {
            code = Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            finding(what + ": grpc-status is not a number: " + status);
            return;
        }
        CharSequence message = headers.get("grpc-message");
        String text = message == null
                ? null
                : URLDecoder.decode(message.toString().replace("+", "%2B"), StandardCharsets.UTF_8);
        checkGrpcStatus(Status.fromCodeValue(code).withDescription(text), what, false);
    }

    /** Frames with valid 9-byte headers and random types, flags, streams and payloads. */
    private static byte[] randomFrames(Random random) {
        Http2FrameWriter out = new Http2FrameWriter();
        int frames = 1 + random.nextInt(10);
        for (int f = 0; f < frames; f++) {
            int type = random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(10);
            int stream = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> 1 + 2 * random.nextInt(20);
                default -> random.nextInt();
            };
            byte[] payload = randomBytes(random, random.nextInt(300));
            int declared = random.nextInt(8) == 0 ? random.nextInt(1 << 24) : payload.length;
            out.frame(declared, type, random.nextInt(256), stream, payload);
        }
        return out.toByteArray();
    }

    /**
     * A gRPC call as frames, with headers encoded as HPACK literals: mostly the right pseudo-headers and
     * content type with some random ones, then DATA frames with a gRPC message prefix and random or mutated bytes.
     */
    private static byte[] grpcCallFrames(Random random) {
        Http2FrameWriter out = new Http2FrameWriter().frame(Http2FrameWriter.SETTINGS, 0, 0, new byte[0]);
        Http2FrameWriter.HeaderBlock hpack = new Http2FrameWriter.HeaderBlock();
        String path = random.nextInt(5) == 0 ? "/" + randomText(random, 1 + random.nextInt(40)) : "/" + PREDICT;
        hpack.literal(":method", random.nextInt(10) == 0 ? randomToken(random) : "POST");
        hpack.literal(":scheme", "http");
        hpack.literal(":path", path);
        hpack.literal(":authority", "127.0.0.1");
        hpack.literal("content-type", random.nextInt(8) == 0 ? randomText(random, 10) : "application/grpc");
        hpack.literal("te", "trailers");
        String[] extra = {
            "grpc-timeout",
            "grpc-encoding",
            "grpc-accept-encoding",
            "x-" + randomToken(random).toLowerCase()
        };
        for (int h = random.nextInt(3); h > 0; h--) {
            hpack.literal(
                    extra[random.nextInt(extra.length)],
                    random.nextBoolean()
                            ? randomText(random, 8)
                            : Integer.toString(random.nextInt(1000)) + "mSHnu".charAt(random.nextInt(5)));
        }
        int stream = 1 + 2 * random.nextInt(3);
        out.frame(Http2FrameWriter.HEADERS, Http2FrameWriter.END_HEADERS, stream, hpack.toByteArray());
        byte[] message = random.nextBoolean()
                ? randomBytes(random, random.nextInt(2000))
                : mutate(
                        random,
                        Tensors.predictImages("mnist", TestModels.imageWithRow(1, 1f))
                                .toByteArray());
        ByteBuffer data = ByteBuffer.allocate(5 + message.length);
        data.put((byte) (random.nextInt(6) == 0 ? 1 : 0)); // compressed flag
        data.putInt(random.nextInt(6) == 0 ? random.nextInt() : message.length);
        data.put(message);
        byte[] bytes = data.array();
        int split = random.nextInt(bytes.length + 1);
        out.frame(Http2FrameWriter.DATA, 0, stream, java.util.Arrays.copyOfRange(bytes, 0, split));
        out.frame(
                Http2FrameWriter.DATA,
                Http2FrameWriter.END_STREAM,
                stream,
                java.util.Arrays.copyOfRange(bytes, split, bytes.length));
        return out.toByteArray();
    }

    // ---- gRPC messages

    /** A valid message with a few bytes flipped, inserted, removed, or cut off. */
    private static byte[] mutate(Random random, byte[] good) {
        byte[] bytes = good.clone();
        for (int m = 1 + random.nextInt(8); m > 0; m--) {
            int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (bytes.length > 0) {
                        bytes[at] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> {
                    byte[] inserted = randomBytes(random, 1 + random.nextInt(8));
                    bytes = concat(
                            concat(java.util.Arrays.copyOfRange(bytes, 0, at), inserted),
                            java.util.Arrays.copyOfRange(bytes, at, bytes.length));
                }
                case 2 ->
                    bytes = concat(
                            java.util.Arrays.copyOfRange(bytes, 0, at),
                            java.util.Arrays.copyOfRange(
                                    bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
                default -> bytes = java.util.Arrays.copyOfRange(bytes, 0, at);
            }
        }
        return bytes;
    }

    private static final long[] DIMS = {
        0, 1, 2, 3, 10, 28, 784, -1, -2, Integer.MAX_VALUE, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE
    };
    private static final long[] BATCHES = {
        0, 1, 2, 5, 64, 1000, 1 << 16, -1, -7, 1 << 20, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE
    };

    private static PredictRequest randomRequest(Random random) {
        ModelSpec.Builder spec = ModelSpec.newBuilder().setName(random.nextInt(5) > 0 ? "mnist" : randomName(random));
        switch (random.nextInt(8)) {
            case 0 -> spec.setVersion(Int64Value.of(1));
            case 1 -> spec.setVersion(Int64Value.of(random.nextBoolean() ? random.nextLong() : random.nextInt(5) - 2));
            case 2 -> spec.setVersionLabel(random.nextBoolean() ? "stable" : randomText(random, random.nextInt(20)));
            default -> {}
        }
        switch (random.nextInt(6)) {
            case 0 -> spec.setSignatureName("serving_default");
            case 1 -> spec.setSignatureName(randomText(random, random.nextInt(30)));
            default -> {}
        }
        PredictRequest.Builder request = PredictRequest.newBuilder().setModelSpec(spec);
        int inputs = random.nextInt(6) == 0 ? random.nextInt(4) : 1;
        for (int k = 0; k < inputs; k++) {
            String key = k == 0 && random.nextInt(6) > 0 ? "flatten_input" : randomText(random, random.nextInt(12));
            request.putInputs(key, randomTensor(random));
        }
        if (random.nextInt(6) == 0) {
            for (int f = random.nextInt(3); f >= 0; f--) {
                request.addOutputFilter(random.nextBoolean() ? "dense" : randomText(random, 6));
            }
        }
        return request.build();
    }

    private static TensorProto randomTensor(Random random) {
        TensorProto.Builder t = TensorProto.newBuilder();
        if (random.nextInt(3) > 0) {
            t.setDtype(DataType.DT_FLOAT);
        } else {
            t.setDtypeValue(random.nextInt(4) == 0 ? random.nextInt(200) - 50 : random.nextInt(24));
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        if (random.nextInt(20) == 0) {
            shape.setUnknownRank(true);
        }
        if (random.nextBoolean()) {
            long batch = random.nextInt(3) > 0 ? 1 + random.nextInt(4) : BATCHES[random.nextInt(BATCHES.length)];
            for (long d : new long[] {batch, 28, 28, 1}) {
                shape.addDimBuilder().setSize(d).setName(random.nextInt(10) == 0 ? randomText(random, 5) : "");
            }
        } else {
            for (int d = random.nextInt(7); d > 0; d--) {
                shape.addDimBuilder()
                        .setSize(random.nextBoolean() ? DIMS[random.nextInt(DIMS.length)] : random.nextInt(50));
            }
        }
        t.setTensorShape(shape);
        long elements = 1;
        for (TensorShapeProto.Dim d : shape.getDimList()) {
            elements = d.getSize() < 0 || elements > (1 << 24) ? -1 : elements * d.getSize();
            if (elements < 0) {
                break;
            }
        }
        boolean fits = elements >= 0 && elements <= 1 << 18;
        int count = switch (random.nextInt(4)) {
            case 0 -> fits ? (int) elements : random.nextInt(100);
            case 1 -> 1; // one value for all of them
            case 2 -> 0;
            default -> random.nextInt(2000);
        };
        switch (random.nextInt(9)) {
            case 0 ->
                t.setTensorContent(ByteString.copyFrom(randomBytes(
                        random,
                        fits && random.nextBoolean()
                                ? (int) elements * (1 + random.nextInt(8))
                                : random.nextInt(5000))));
            case 1, 2, 3 -> {
                for (int i = 0; i < count; i++) {
                    t.addFloatVal(randomFloat(random));
                }
            }
            case 4 -> {
                for (int i = 0; i < count; i++) {
                    t.addIntVal(random.nextInt());
                }
            }
            case 5 -> {
                for (int i = 0; i < count; i++) {
                    t.addInt64Val(random.nextLong());
                }
            }
            case 6 -> {
                for (int i = 0; i < count; i++) {
                    t.addDoubleVal(random.nextBoolean() ? random.nextGaussian() : Double.NaN);
                }
            }
            case 7 -> {
                for (int i = 0; i < count; i++) {
                    t.addBoolVal(random.nextBoolean());
                }
            }
            default -> {
                for (int i = 0; i < Math.min(count, 50); i++) {
                    t.addStringVal(ByteString.copyFrom(randomBytes(random, random.nextInt(20))));
                }
                t.addHalfVal(random.nextInt(65536));
            }
        }
        if (random.nextInt(10) == 0) {
            t.setVersionNumber(random.nextInt());
        }
        return t.build();
    }

    private static float randomFloat(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            case 3 -> Float.MAX_VALUE;
            case 4 -> -Float.MIN_VALUE;
            default -> (float) random.nextGaussian();
        };
    }

    private static String randomName(Random random) {
        String[] odd = {
            "", "../mnist", "/etc/passwd", "mnist\\..\\x", "mnist/1", "MNIST", " mnist", "mnist\0", "%2e%2e", "..", "."
        };
        return random.nextBoolean() ? odd[random.nextInt(odd.length)] : randomText(random, random.nextInt(40));
    }

    // ---- REST

    private static final String[] METHODS = {
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"
    };
    private static final String[] SEGMENTS = {
        "v1",
        "models",
        "mnist",
        "versions",
        "1",
        "2",
        "-1",
        "0",
        "99999999999999999999",
        "labels",
        "stable",
        "metadata",
        ":predict",
        ":classify",
        ":regress",
        ":foo",
        "..",
        ".",
        "%2F",
        "%2e%2e",
        "%00",
        "%zz",
        "%",
        "%C0%AF",
        "",
        "mnist:predict",
        "mnist/metadata",
        "v2",
        "monitoring",
        "prometheus",
        "metrics"
    };

    private static RawHttpClient.Request randomHttpRequest(Random random) {
        String method = random.nextInt(8) > 0 ? METHODS[random.nextInt(METHODS.length)] : randomToken(random);
        StringBuilder path = new StringBuilder();
        if (random.nextInt(4) > 0) {
            path.append("/v1/models/");
            for (int s = random.nextInt(5); s > 0; s--) {
                path.append(random.nextInt(4) > 0 ? SEGMENTS[random.nextInt(SEGMENTS.length)] : randomPathText(random));
                if (random.nextInt(3) > 0) {
                    path.append('/');
                }
            }
            if (random.nextBoolean()) {
                path.append(random.nextBoolean() ? ":predict" : "/metadata");
            }
        } else {
            path.append(random.nextInt(5) == 0 ? "" : "/").append(randomPathText(random));
        }
        if (random.nextInt(10) == 0) {
            path.append('?').append(randomPathText(random));
        }
        List<String> headers = new ArrayList<>();
        if (random.nextInt(4) > 0) {
            headers.add("Content-Type: "
                    + (random.nextInt(3) > 0
                            ? "application/json"
                            : randomText(random, 12).strip()));
        }
        for (int h = random.nextInt(3); h > 0; h--) {
            headers.add(
                    switch (random.nextInt(5)) {
                        case 0 -> "Accept: " + randomText(random, 10).strip();
                        case 1 -> "Content-Encoding: " + (random.nextBoolean() ? "gzip" : randomToken(random));
                        case 2 -> "Expect: 100-continue";
                        case 3 ->
                            "X-" + randomToken(random) + ": "
                                    + randomText(random, 20).strip();
                        default -> "Transfer-Encoding: " + (random.nextBoolean() ? "identity" : randomToken(random));
                    });
        }
        byte[] body = switch (random.nextInt(5)) {
            case 0 -> new byte[0];
            case 1 -> randomBytes(random, random.nextInt(3000));
            case 2 -> randomJson(random, 0).getBytes(StandardCharsets.UTF_8);
            default -> predictLikeJson(random).getBytes(StandardCharsets.UTF_8);
        };
        return new RawHttpClient.Request(method, path.toString(), headers, body, random.nextInt(20) > 0);
    }

    /** A body shaped like a prediction request, with random parts: shapes, values, keys, nesting. */
    private static String predictLikeJson(Random random) {
        StringBuilder out = new StringBuilder("{");
        if (random.nextInt(4) == 0) {
            out.append("\"signature_name\": ")
                    .append(random.nextBoolean() ? "\"serving_default\"" : randomJson(random, 2))
                    .append(", ");
        }
        String key = switch (random.nextInt(5)) {
            case 0 -> "inputs";
            case 1 -> randomToken(random);
            default -> "instances";
        };
        out.append('"').append(key).append("\": ");
        int batch = random.nextInt(4);
        boolean named = random.nextInt(4) == 0;
        out.append(key.equals("inputs") && named ? "{\"flatten_input\": [" : "[");
        for (int b = 0; b < batch; b++) {
            if (b > 0) {
                out.append(',');
            }
            if (named && key.equals("instances")) {
                out.append("{\"")
                        .append(random.nextBoolean() ? "flatten_input" : randomToken(random))
                        .append("\": ");
            }
            int rows = random.nextInt(8) == 0 ? random.nextInt(40) : 28;
            out.append('[');
            for (int r = 0; r < rows; r++) {
                out.append(r > 0 ? "," : "").append('[');
                int cols = random.nextInt(10) == 0 ? random.nextInt(40) : 28;
                for (int c = 0; c < cols; c++) {
                    out.append(c > 0 ? "," : "");
                    String value = switch (random.nextInt(40)) {
                        case 0 -> "NaN";
                        case 1 -> "\"-Infinity\"";
                        case 2 -> "1e400";
                        case 3 -> "\"x\"";
                        case 4 -> "[]";
                        case 5 -> "null";
                        case 6 -> "true";
                        default -> Float.toString(random.nextFloat());
                    };
                    out.append(random.nextInt(5) == 0 ? value : "[" + value + "]");
                }
                out.append(']');
            }
            out.append(']');
            if (named && key.equals("instances")) {
                out.append('}');
            }
        }
        out.append(key.equals("inputs") && named ? "]}" : "]");
        if (random.nextInt(10) == 0) {
            out.append(", \"instances\": []");
        }
        out.append(random.nextInt(20) == 0 ? "" : "}");
        return out.toString();
    }

    private static String randomJson(Random random, int depth) {
        if (depth == 0 && random.nextInt(30) == 0) {
            int deep = 500 + random.nextInt(1500);
            return "[".repeat(deep) + "1" + "]".repeat(random.nextBoolean() ? deep : deep / 2);
        }
        int pick = depth > 4 ? 3 + random.nextInt(5) : random.nextInt(8);
        return switch (pick) {
            case 0, 1 -> {
                StringBuilder o = new StringBuilder("{");
                String[] keys = {"instances", "inputs", "signature_name", "flatten_input", "outputs", ""};
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.append(TextNode.valueOf(
                                    random.nextBoolean() ? keys[random.nextInt(keys.length)] : randomText(random, 6)))
                            .append(':')
                            .append(randomJson(random, depth + 1))
                            .append(i > 1 ? "," : "");
                }
                yield o.append('}').toString();
            }
            case 2 -> {
                StringBuilder a = new StringBuilder("[");
                for (int i = random.nextInt(5); i > 0; i--) {
                    a.append(randomJson(random, depth + 1)).append(i > 1 ? "," : "");
                }
                yield a.append(']').toString();
            }
            case 3 -> Long.toString(random.nextLong());
            case 4 -> random.nextBoolean() ? Double.toString(random.nextGaussian()) : "-1e999";
            case 5 -> TextNode.valueOf(randomText(random, random.nextInt(20))).toString();
            case 6 -> random.nextBoolean() ? "true" : "null";
            default -> random.nextBoolean() ? "NaN" : "Infinity";
        };
    }

    /** Sends one HTTP/1.1 request on its own connection and checks the answer; returns its status. */
    private static int httpExchange(RawHttpClient.Request request, String what) throws IOException {
        Optional<RawHttpClient.Answer> sent = rest.exchange(request);
        String description =
                what + " (" + abbreviate(request.method() + " " + request.path() + " " + request.headers()) + ")";
        if (sent.isEmpty()) {
            finding(description + ": no answer within 30 s");
            return -1;
        }
        RawHttpClient.Answer answer = sent.get();
        if (!answer.isHttp()) {
            finding(description + ": not an HTTP answer: " + abbreviate(answer.text()));
            return -1;
        }
        int status = answer.status();
        byte[] body = answer.body();
        String bodyText = new String(body, StandardCharsets.UTF_8);
        checkNoLeak(bodyText, description);
        checkNoLeak(answer.head(), description + " (status line and headers)");
        if (status < 200 || status > 599) {
            finding(description + ": HTTP status " + status);
        }
        if (status >= 500 && status != 501 && status != 503 && status != 504 && status != 505) {
            finding(description + ": HTTP " + status + " (an unforeseen failure): " + abbreviate(bodyText));
        }
        if (request.method().equals("HEAD")) {
            return status;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            finding(description + ": HTTP " + status + " with a body that is not JSON: " + abbreviate(bodyText));
            return status;
        }
        if (status >= 400) {
            if (json == null
                    || !json.path("error").isTextual()
                    || json.path("error").asText().isBlank()) {
                finding(description + ": HTTP " + status + " without {\"error\": \"...\"}: " + abbreviate(bodyText));
            }
            if (!answer.hasHeader("content-type: application/json")) {
                finding(description + ": HTTP " + status + " not labelled application/json");
            }
        }
        return status;
    }

    // ---- helpers

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Random text: printable ASCII mostly, with some control characters and some beyond ASCII. */
    private static String randomText(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.appendCodePoint(
                    switch (random.nextInt(20)) {
                        case 0 -> random.nextInt(32);
                        case 1 -> 0x80 + random.nextInt(0x2000);
                        case 2 -> 0x1F600 + random.nextInt(50);
                        default -> 0x20 + random.nextInt(0x5f);
                    });
        }
        return s.toString();
    }

    private static String randomToken(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = 1 + random.nextInt(10); i > 0; i--) {
            s.append((char) ('A' + random.nextInt(26)));
        }
        return s.toString();
    }

    private static final String ODD_PATH_CHARACTERS = "\"<>\\^`{|}#[] ";

    /** Text for a URL path: mostly characters a path may hold, with some that it may not, and %-escapes. */
    private static String randomPathText(Random random) {
        StringBuilder s = new StringBuilder();
        String allowed = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/";
        for (int i = random.nextInt(30); i > 0; i--) {
            switch (random.nextInt(12)) {
                case 0 -> s.append('%').append(Integer.toHexString(random.nextInt(256)));
                case 1 -> s.append('%').append((char) ('G' + random.nextInt(20)));
                case 2 -> s.append(ODD_PATH_CHARACTERS.charAt(random.nextInt(ODD_PATH_CHARACTERS.length())));
                case 3 -> s.appendCodePoint(0xA0 + random.nextInt(0x500));
                default -> s.append(allowed.charAt(random.nextInt(allowed.length())));
            }
        }
        return s.toString();
    }

    private static String abbreviate(String s) {
        String flat = s.replace("\n", "\\n").replace("\r", "\\r");
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }
}
