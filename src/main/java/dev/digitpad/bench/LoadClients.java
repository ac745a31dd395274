package dev.digitpad.bench;

import dev.digitpad.client.PredictInputs;
import dev.digitpad.client.ProtocolCase;
import dev.digitpad.client.RestPredict;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load test's clients, as users run them: grpc-java over one Netty channel, and the JDK's HTTP client
 * (HTTP/1.1, kept-alive connections, through {@link RestPredict}). Each case sends the same one example and checks the answer's form.
 */
public final class LoadClients implements AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

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
    public record Example(Map<String, float[]> values, Map<String, long[]> dims, int outputs, String description) {
        /** The inputs, as the requests carry them. */
        public PredictInputs inputs() {
            return new PredictInputs(values, dims);
        }
    }

    private final ManagedChannel channel;
    private final RestPredict rest;
    private final PredictRequest contentRequest;
    private final PredictRequest floatValRequest;
    private final RestPredict.Prepared rowsRequest;
    private final RestPredict.Prepared columnsRequest;
    private final int outputs;
    final int rowsBodyBytes;
    final int columnsBodyBytes;
    final int contentRequestBytes;
    final int floatValRequestBytes;

    public LoadClients(String host, int grpcPort, int restPort, String model, Example example) {
        this.outputs = example.outputs();
        this.channel =
                NettyChannelBuilder.forAddress(host, grpcPort).usePlaintext().build();
        this.rest = new RestPredict(URI.create("http://" + host + ":" + restPort), CALL_TIMEOUT);
        ModelSpec spec = ModelSpec.newBuilder().setName(model).build();
        PredictInputs inputs = example.inputs();
        this.contentRequest = inputs.request(spec, true);
        this.floatValRequest = inputs.request(spec, false);
        this.contentRequestBytes = contentRequest.getSerializedSize();
        this.floatValRequestBytes = floatValRequest.getSerializedSize();
        this.rowsRequest = rest.prepare(model, VersionChoice.LATEST, "", inputs, RestPredict.Format.ROWS);
        this.columnsRequest = rest.prepare(model, VersionChoice.LATEST, "", inputs, RestPredict.Format.COLUMNS);
        this.rowsBodyBytes = rowsRequest.bodyBytes();
        this.columnsBodyBytes = columnsRequest.bodyBytes();
    }

    /** A call of one case; the same call may be made by many clients at once. */
    ClosedLoop.Call call(ProtocolCase c) {
        return switch (c) {
            case GRPC_TENSOR_CONTENT -> grpc(contentRequest);
            case GRPC_FLOAT_VAL -> grpc(floatValRequest);
            case REST_ROWS -> () -> rest.send(rowsRequest);
            case REST_COLUMNS -> () -> rest.send(columnsRequest);
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

    @Override
    public void close() throws IOException {
        channel.shutdownNow();
        rest.close();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
