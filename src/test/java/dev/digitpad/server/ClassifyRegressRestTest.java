package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.digitpad.protocol.serving.Input;
import dev.digitpad.testing.RawHttpClient;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.TestModels.Examples;
import dev.digitpad.testing.TestModels.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * REST {@code :classify} and {@code :regress} over a real socket, against a real SavedModel whose signatures parse
 * {@code tf.Example}s: TensorFlow Serving's JSON in and out, the context, how each JSON value becomes a feature, and
 * its 400s for everything that does not fit.
 */
class ClassifyRegressRestTest {
    private static final long VERSION = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ServingFixture serving = ServingFixture.inProcess()
            .version("examples", VERSION, Kind.EXAMPLES)
            .version("mnist", 1, Kind.MNIST);

    private static ModelServer server;
    private static RawHttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = ModelServer.start(
                serving.core(),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30)));
        http = new RawHttpClient(ModelServer.Options.LOOPBACK, server.restPort().orElseThrow(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Answer(int status, JsonNode body) {
        String error() {
            return body.path("error").asText();
        }
    }

    private static Answer send(String method, String path, String body) throws Exception {
        RawHttpClient.Answer answer = http.exchange(new RawHttpClient.Request(
                        method,
                        path,
                        List.of("Content-Type: application/json"),
                        body.getBytes(StandardCharsets.UTF_8),
                        true))
                .orElseThrow(() -> new AssertionError("no answer to " + method + " " + path));
        return new Answer(answer.status(), JSON.readTree(answer.body()));
    }

    private static Answer post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    private static List<Float> floats(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.spliterator(), false)
                .map(n -> n.floatValue())
                .toList();
    }

    @Test
    void classifyAnswersALabelAndAScoreForEachClassOfEachExample() throws Exception {
        Answer answer = post(
                "/v1/models/examples:classify",
                "{\"signature_name\": \"classify\", \"examples\": [{\"x\": 1.5}, {\"x\": [-2.0]}]}");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode results = answer.body().get("results");
        assertThat(results).hasSize(2);
        float[][] xs = {{1.5f}, {-2f}};
        for (int e = 0; e < 2; e++) {
            float[] scores = Examples.scores(xs[e][0], 0, VERSION);
            JsonNode classes = results.get(e);
            assertThat(classes).hasSize(2);
            for (int c = 0; c < 2; c++) {
                assertThat(classes.get(c).get(0).asText()).isEqualTo(Examples.LABELS.get(c));
                assertThat(classes.get(c).get(1).floatValue()).isEqualTo(scores[c]);
            }
        }
    }

    @Test
    void regressWithAContextAnswersOneValueAnExample() throws Exception {
        Answer answer = post(
                "/v1/models/examples/versions/" + VERSION + ":regress",
                "{\"signature_name\": \"regress\", \"context\": {\"bias\": 0.25},"
                        + " \"examples\": [{\"x\": 1.0}, {\"x\": 2.0, \"bias\": -1.5}]}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(floats(answer.body().get("results")))
                .containsExactly(Examples.regression(1f, 0.25f, VERSION), Examples.regression(2f, -1.5f, VERSION));
    }

    @Test
    void aSignatureWithScoresAloneAnswersEmptyLabels() throws Exception {
        Answer answer = post(
                "/v1/models/examples:classify",
                "{\"signature_name\": \"classify_scores\", \"examples\": [{\"x\": 1.0}]}");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode classes = answer.body().get("results").get(0);
        assertThat(classes.get(0).get(0).asText()).isEmpty();
        assertThat(classes.get(0).get(1).floatValue()).isEqualTo(Examples.scores(1f, 0, VERSION)[0]);
    }

    @Test
    void eachJsonValueBecomesTheFeatureKindTensorFlowServingMakesOfIt() {
        Input input = RestExamples.input(JSON.valueToTree(Map.of(
                "context",
                Map.of("flag", true),
                "examples",
                List.of(Map.of(
                        "whole",
                        3,
                        "real",
                        1.5,
                        "list",
                        List.of(1, 2),
                        "word",
                        "seven",
                        "raw",
                        Map.of("b64", "AAH/"),
                        "none",
                        List.of())))));

        Example context = input.getExampleListWithContext().getContext();
        Map<String, Feature> features =
                input.getExampleListWithContext().getExamples(0).getFeatures().getFeatureMap();
        assertThat(context.getFeatures()
                        .getFeatureOrThrow("flag")
                        .getInt64List()
                        .getValueList())
                .containsExactly(1L);
        assertThat(features.get("whole").getInt64List().getValueList()).containsExactly(3L);
        assertThat(features.get("real").getFloatList().getValueList()).containsExactly(1.5f);
        assertThat(features.get("list").getInt64List().getValueList()).containsExactly(1L, 2L);
        assertThat(features.get("word").getBytesList().getValueList())
                .containsExactly(ByteString.copyFromUtf8("seven"));
        assertThat(features.get("raw").getBytesList().getValueList())
                .containsExactly(ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff}));
        assertThat(features.get("none").getKindCase()).isEqualTo(Feature.KindCase.KIND_NOT_SET);
    }

    @Test
    void aWholeNumberForAFloatFeatureIsAnInt64ListWhichTheModelRefuses() throws Exception {
        Answer answer =
                post("/v1/models/examples:regress", "{\"signature_name\": \"regress\", \"examples\": [{\"x\": 1}]}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.error()).contains("x").contains("int64");
    }

    @Test
    void malformedRequestsAreRefusedWithTensorFlowServingsMessages() throws Exception {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("[1, 2]", "JSON Value: [1,2] Is not object"),
                Map.entry(
                        "{\"signature_name\": 3, \"examples\": [{}]}",
                        "not formatted correctly. 'signature_name' key must be a string value."),
                Map.entry("{}", "JSON Value: {} When method is classify, key 'examples' is expected and was not found"),
                Map.entry("{\"examples\": {}}", "Expecting 'examples' value to be an list/array"),
                Map.entry("{\"examples\": []}", "'examples' value is an empty array"),
                Map.entry("{\"examples\": [3]}", "Example must be JSON object but got JSON Number"),
                Map.entry("{\"context\": [], \"examples\": [{}]}", "Example must be JSON object but got JSON Array"),
                Map.entry("{\"examples\": [{\"x\": null}]}", "Feature: x has element with unexpected JSON type: Null"),
                Map.entry(
                        "{\"examples\": [{\"x\": [[1.0]]}]}",
                        "Feature: x has element with unexpected JSON type: Array"),
                Map.entry(
                        "{\"examples\": [{\"x\": {\"a\": 1}}]}",
                        "Feature: x has element with unexpected JSON type: Object"),
                Map.entry(
                        "{\"examples\": [{\"x\": [1.0, \"a\"]}]}",
                        "Unexpected element type in feature: x expecting type: float"),
                Map.entry(
                        "{\"examples\": [{\"x\": [18446744073709551615]}]}",
                        "Feature: x has uint64_t element. Only int64_t is supported."),
                Map.entry("{\"examples\": [{\"x\": {\"b64\": \"@@\"}}]}", "Unable to base64 decode"),
                Map.entry("{\"examples\": [", "JSON Parse error"));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            for (String verb : List.of(":classify", ":regress")) {
                Answer answer = post("/v1/models/examples" + verb, e.getKey());

                assertThat(answer.status()).as(e.getKey()).isEqualTo(400);
                assertThat(answer.error()).as(e.getKey()).contains(e.getValue());
            }
        }
    }

    @Test
    void aModelWithoutSuchSignaturesIsABadRequest() throws Exception {
        Answer classify = post("/v1/models/mnist:classify", "{\"examples\": [{\"x\": 1.0}]}");
        Answer regress = post("/v1/models/mnist:regress", "{\"examples\": [{\"x\": 1.0}]}");

        assertThat(classify.status()).isEqualTo(400);
        assertThat(classify.error()).startsWith("No classification inputs found in SignatureDef: ");
        assertThat(regress.status()).isEqualTo(400);
        assertThat(regress.error()).startsWith("No regression inputs found in SignatureDef: ");
    }

    @Test
    void signatureAndOutputErrorsAreBadRequests() throws Exception {
        Answer missing = post("/v1/models/examples:classify", "{\"signature_name\": \"nope\", \"examples\": [{}]}");
        Answer wrongKind =
                post("/v1/models/examples:regress", "{\"signature_name\": \"classify\", \"examples\": [{\"x\": 1.0}]}");
        Answer doubles = post(
                "/v1/models/examples:classify",
                "{\"signature_name\": \"classify_double_scores\", \"examples\": [{\"x\": 1.0}]}");

        assertThat(List.of(missing.status(), wrongKind.status(), doubles.status()))
                .containsOnly(400);
        assertThat(missing.error()).isEqualTo("No signature was found with the name: nope");
        assertThat(wrongKind.error()).isEqualTo("Expected one output Tensor.");
        assertThat(doubles.error()).isEqualTo("Expected scores Tensor of DT_FLOAT. Got: DT_DOUBLE");
    }

    @Test
    void anUnknownModelIsNotFound() throws Exception {
        Answer answer = post("/v1/models/nope:classify", "{\"examples\": [{\"x\": 1.0}]}");

        assertThat(answer.status()).isEqualTo(404);
    }
}
