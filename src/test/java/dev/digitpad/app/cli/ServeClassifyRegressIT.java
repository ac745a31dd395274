package dev.digitpad.app.cli;

import static dev.digitpad.testing.TfExamples.bias;
import static dev.digitpad.testing.TfExamples.classify;
import static dev.digitpad.testing.TfExamples.list;
import static dev.digitpad.testing.TfExamples.spec;
import static dev.digitpad.testing.TfExamples.withContext;
import static dev.digitpad.testing.TfExamples.x;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.protocol.serving.Class;
import dev.digitpad.protocol.serving.ClassificationResponse;
import dev.digitpad.protocol.serving.ClassifyLog;
import dev.digitpad.protocol.serving.PredictionLog;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.TestModels;
import dev.digitpad.testing.TestModels.Examples;
import dev.digitpad.testing.TfRecordWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/digitpad serve} with a model whose signatures classify and regress {@code tf.Example}s, as a user runs
 * it: its warm-up file is replayed before it serves, and gRPC Classify and REST {@code :classify} and
 * {@code :regress} answer.
 */
class ServeClassifyRegressIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long VERSION = 3;

    @TempDir
    Path work;

    private static JsonNode post(HttpClient http, ServedProcess server, String path, String body) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.restPort + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    @Test
    void classifiesAndRegressesOverGrpcAndRestAfterReplayingTheWarmupFile() throws Exception {
        Path base = work.resolve("models/examples");
        Path version = TestModels.writeVersion(base, VERSION, TestModels.Kind.EXAMPLES);
        Path warmup = TfRecordWriter.writeWarmup(
                version,
                List.of(PredictionLog.newBuilder()
                        .setClassifyLog(ClassifyLog.newBuilder()
                                .setRequest(classify(spec("examples", Examples.CLASSIFY), list(x(1f)))))
                        .build()));
        try (ServedProcess server =
                ServedProcess.start(work, Map.of(), "--model_name=examples", "--model_base_path=" + base)) {
            server.awaitServing(Duration.ofSeconds(60));
            assertThat(server.log()).contains("Replayed 1 warm-up requests from " + warmup);

            ClassificationResponse grpc = PredictionServiceGrpc.newBlockingStub(server.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .classify(classify(spec("examples", Examples.CLASSIFY), withContext(bias(2f), x(1f), x(-3f))));
            assertThat(grpc.getModelSpec().getVersion().getValue()).isEqualTo(VERSION);
            assertThat(grpc.getResult().getClassificationsList()).hasSize(2);
            float[] xs = {1f, -3f};
            for (int e = 0; e < xs.length; e++) {
                assertThat(grpc.getResult().getClassifications(e).getClassesList())
                        .extracting(Class::getLabel, Class::getScore)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(
                                        Examples.LABELS.get(0), Examples.scores(xs[e], 2f, VERSION)[0]),
                                org.assertj.core.groups.Tuple.tuple(
                                        Examples.LABELS.get(1), Examples.scores(xs[e], 2f, VERSION)[1]));
            }

            try (HttpClient http = HttpClient.newHttpClient()) {
                JsonNode classified = post(
                        http,
                        server,
                        "/v1/models/examples:classify",
                        "{\"signature_name\": \"classify\", \"examples\": [{\"x\": 0.5}]}");
                JsonNode first = classified.get("results").get(0);
                assertThat(first.get(1).get(0).asText()).isEqualTo(Examples.LABELS.get(1));
                assertThat(first.get(1).get(1).floatValue()).isEqualTo(Examples.scores(0.5f, 0, VERSION)[1]);

                JsonNode regressed = post(
                        http,
                        server,
                        "/v1/models/examples/versions/" + VERSION + ":regress",
                        "{\"signature_name\": \"regress\", \"context\": {\"bias\": 1.0}, \"examples\":"
                                + " [{\"x\": 2.0}, {\"x\": [4.0]}]}");
                assertThat(regressed.get("results").get(0).floatValue())
                        .isEqualTo(Examples.regression(2f, 1f, VERSION));
                assertThat(regressed.get("results").get(1).floatValue())
                        .isEqualTo(Examples.regression(4f, 1f, VERSION));
            }
            assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
