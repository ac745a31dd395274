package dev.digitpad.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The load test's clients, as users run them: grpc-java over one Netty channel, and the JDK's HTTP client
 * (HTTP/1.1, kept-alive connections). Each case sends the same one example and checks the answer's form.
 */
public final class LoadClients implements AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /** What is measured: a protocol and the way the tensor travels in it. */
    public enum LoadCase {
        GRPC_TENSOR_CONTENT("gRPC tensor_content"),
        GRPC_FLOAT_VAL("gRPC float_val"),
        REST_ROWS("REST rows (instances)"),
        REST_COLUMNS("REST columns (inputs)");

        final String label;

        LoadCase(String label) {
            this.label = label;
        }

        boolean grpc() {
            return this == GRPC_TENSOR_CONTENT || this == GRPC_FLOAT_VAL;
        }
    }

    /** An HTTP answer that is not a 200 with the expected JSON. */
    static final class RestFailure extends Exception implements ClosedLoop.KindedFailure {
        private static final long serialVersionUID = 1L;
        private final String kind;

        RestFailure(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        @Override
        public String kind() {
            return kind;
        }
    }

    /** An answer that arrived but is not what the model answers. */
    static final class WrongAnswer extends Exception implements ClosedLoop.KindedFailure {
        private static final long serialVersionUID = 1L;

        WrongAnswer(String message) {
            super(message, null, false, false);
        }

        @Override
        public String kind() {
            return "wrong answer";
        }
    }

    /**
     * One example for a model: each input's values (float) and its shape with batch 1.
     *
     * @param description what the example is, for the report
     */
    public record Example(Map<String, float[]> values, Map<String, long[]> dims, int outputs, String description) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManagedChannel channel;
    private final HttpClient http;
    private final PredictRequest contentRequest;
    private final PredictRequest floatValRequest;
    private final HttpRequest rowsRequest;
    private final HttpRequest columnsRequest;
    private final int outputs;
    final int rowsBodyBytes;
    final int columnsBodyBytes;
    final int contentRequestBytes;
    final int floatValRequestBytes;

    public LoadClients(String host, int grpcPort, int restPort, String model, Example example) {
        this.outputs = example.outputs();
        this.channel =
                NettyChannelBuilder.forAddress(host, grpcPort).usePlaintext().build();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CALL_TIMEOUT)
                .build();
        ModelSpec spec = ModelSpec.newBuilder().setName(model).build();
        PredictRequest.Builder content = PredictRequest.newBuilder().setModelSpec(spec);
        PredictRequest.Builder floatVal = PredictRequest.newBuilder().setModelSpec(spec);
        example.values().forEach((key, values) -> {
            content.putInputs(key, tensor(example.dims().get(key), values, true));
            floatVal.putInputs(key, tensor(example.dims().get(key), values, false));
        });
        this.contentRequest = content.build();
        this.floatValRequest = floatVal.build();
        this.contentRequestBytes = contentRequest.getSerializedSize();
        this.floatValRequestBytes = floatValRequest.getSerializedSize();
        URI predict = URI.create("http://" + host + ":" + restPort + "/v1/models/" + model + ":predict");
        byte[] rows = rowsBody(example).getBytes(StandardCharsets.UTF_8);
        byte[] columns = columnsBody(example).getBytes(StandardCharsets.UTF_8);
        this.rowsBodyBytes = rows.length;
        this.columnsBodyBytes = columns.length;
        this.rowsRequest = post(predict, rows);
        this.columnsRequest = post(predict, columns);
    }

    private static HttpRequest post(URI uri, byte[] body) {
        return HttpRequest.newBuilder(uri)
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** A call of one case; the same call may be made by many clients at once. */
    ClosedLoop.Call call(LoadCase c) {
        return switch (c) {
            case GRPC_TENSOR_CONTENT -> grpc(contentRequest);
            case GRPC_FLOAT_VAL -> grpc(floatValRequest);
            case REST_ROWS -> rest(rowsRequest, "predictions");
            case REST_COLUMNS -> rest(columnsRequest, "outputs");
        };
    }

    private ClosedLoop.Call grpc(PredictRequest request) {
        PredictionServiceGrpc.PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel);
        return () -> {
            PredictResponse response = stub.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .predict(request);
            if (response.getOutputsCount() != outputs) {
                throw new WrongAnswer("the gRPC answer has outputs "
                        + response.getOutputsMap().keySet() + ", expected " + outputs);
            }
        };
    }

    private ClosedLoop.Call rest(HttpRequest request, String field) {
        return () -> {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                String body = new String(response.body(), StandardCharsets.UTF_8);
                throw new RestFailure(
                        "HTTP " + response.statusCode(), body.length() > 300 ? body.substring(0, 300) + "..." : body);
            }
            JsonNode answer = JSON.readTree(response.body());
            JsonNode values = answer.get(field);
            if (values == null || (field.equals("predictions") && values.size() != 1)) {
                throw new WrongAnswer(
                        "the REST answer has no \"" + field + "\" for one example: " + abbreviate(answer.toString()));
            }
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    public static TensorProto tensor(long[] dims, float[] values, boolean content) {
        TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT);
        TensorShapeProto.Builder shape = t.getTensorShapeBuilder();
        for (long d : dims) {
            shape.addDimBuilder().setSize(d);
        }
        if (content) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                bytes.putFloat(v);
            }
            t.setTensorContent(ByteString.copyFrom(bytes.flip()));
        } else {
            for (float v : values) {
                t.addFloatVal(v);
            }
        }
        return t.build();
    }

    /** {@code {"instances": [example]}}: each input without its batch dimension, named if there are several. */
    static String rowsBody(Example example) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode instances = body.putArray("instances");
        if (example.values().size() == 1) {
            String key = example.values().keySet().iterator().next();
            instances.add(nested(example.values().get(key), example.dims().get(key), 1, 0));
        } else {
            ObjectNode instance = instances.addObject();
            example.values()
                    .forEach((key, values) ->
                            instance.set(key, nested(values, example.dims().get(key), 1, 0)));
        }
        return body.toString();
    }

    /** {@code {"inputs": tensor}}: each input with its batch dimension, named if there are several. */
    static String columnsBody(Example example) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (example.values().size() == 1) {
            String key = example.values().keySet().iterator().next();
            body.set("inputs", nested(example.values().get(key), example.dims().get(key), 0, 0));
        } else {
            ObjectNode inputs = body.putObject("inputs");
            example.values()
                    .forEach((key, values) ->
                            inputs.set(key, nested(values, example.dims().get(key), 0, 0)));
        }
        return body.toString();
    }

    /** The values from {@code offset} on as nested lists along {@code dims[depth..]}. */
    private static JsonNode nested(float[] values, long[] dims, int depth, int offset) {
        if (depth == dims.length) {
            return JsonNodeFactory.instance.numberNode(values[offset]);
        }
        int stride = 1;
        for (int d = depth + 1; d < dims.length; d++) {
            stride *= (int) dims[d];
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < dims[depth]; i++) {
            list.add(nested(values, dims, depth + 1, offset + i * stride));
        }
        return list;
    }

    @Override
    public void close() throws IOException {
        channel.shutdownNow();
        http.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
            http.awaitTermination(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
