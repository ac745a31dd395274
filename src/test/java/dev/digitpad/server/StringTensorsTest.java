package dev.digitpad.server;

import static dev.digitpad.testing.GrpcAssertions.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.testing.RawHttpClient;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels.Kind;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * String tensors ({@code DT_STRING}) through both front ends, on a model that answers its string input unchanged and
 * each string's length. Over REST, as TensorFlow Serving's json_tensor.cc reads and writes them: a value is a JSON
 * string (its UTF-8 bytes) or {@code {"b64": "..."}} (the bytes it encodes); outputs whose key ends in {@code _bytes}
 * are answered as {@code {"b64": "..."}}, other string outputs as JSON strings of their bytes.
 */
class StringTensorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bytes that are not UTF-8, with a NUL, a quote and a backslash among them. */
    private static final byte[] BINARY = {0, (byte) 0xff, (byte) 0xfe, 'a', '"', '\\', (byte) 0x80, '\n'};

    @RegisterExtension
    static final ServingFixture serving =
            ServingFixture.inProcess().version("strings", 1, Kind.STRINGS).version("logits", 1, Kind.LOGITS);

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static JsonNode json(RawHttpClient.Answer answer) throws IOException {
        return JSON.readTree(answer.body());
    }

    private static RawHttpClient.Answer predict(String model, String body) throws IOException {
        return serving.rest().post("/v1/models/" + model + ":predict", body);
    }

    private static void assertError(RawHttpClient.Answer answer, String messageStart) throws IOException {
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(json(answer).path("error").asText()).as(answer.text()).startsWith(messageStart);
    }

    @Test
    void rowsTakeBase64AndPlainStringsAndAnswerBytesOutputsInBase64() throws IOException {
        String body = "{\"instances\": [{\"b64\": \"" + b64(BINARY) + "\"}, \"h\u00e9llo\"]}";

        RawHttpClient.Answer answer = predict("strings", body);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        JsonNode rows = json(answer).path("predictions");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).path("text_bytes").path("b64").asText()).isEqualTo(b64(BINARY));
        assertThat(rows.get(0).path("length").asInt()).isEqualTo(BINARY.length);
        byte[] hello = "h\u00e9llo".getBytes(StandardCharsets.UTF_8);
        assertThat(rows.get(1).path("text_bytes"))
                .isEqualTo(JSON.createObjectNode().put("b64", b64(hello)));
        assertThat(rows.get(1).path("length").asInt()).isEqualTo(hello.length);
        assertThat(rows.get(1).path("echo").asText()).isEqualTo("h\u00e9llo");
    }

    @Test
    void aStringOutputNotNamedBytesThatIsNotUtf8IsAnsweredAsJsonReadsIt() throws IOException {
        RawHttpClient.Answer answer = predict("strings", "{\"inputs\": [{\"b64\": \"" + b64(BINARY) + "\"}]}");

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        // TensorFlow Serving writes the bytes as they are, which its clients read with U+FFFD for each bad sequence;
        // here the answer says that itself, and stays valid UTF-8 JSON. The _bytes output keeps every byte.
        assertThat(StandardCharsets.UTF_8
                        .newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(answer.body()))
                        .toString())
                .contains("\"echo\":[\"\\u0000\ufffd\ufffda\\\"\\\\\ufffd\\n\"]");
        JsonNode outputs = json(answer).path("outputs");
        assertThat(outputs.path("echo").get(0).asText()).isEqualTo(new String(BINARY, StandardCharsets.UTF_8));
        assertThat(outputs.path("text_bytes").get(0).path("b64").asText()).isEqualTo(b64(BINARY));
    }

    @Test
    void columnsTakeBase64AndPlainStrings() throws IOException {
        RawHttpClient.Answer named =
                predict("strings", "{\"inputs\": {\"text\": [\"ab\", {\"b64\": \"" + b64(BINARY) + "\"}]}}");

        assertThat(named.status()).as(named.text()).isEqualTo(200);
        JsonNode outputs = json(named).path("outputs");
        assertThat(outputs.path("length").toString()).isEqualTo("[2," + BINARY.length + "]");
        assertThat(outputs.path("text_bytes").get(0).path("b64").asText()).isEqualTo(b64("ab".getBytes()));
        assertThat(outputs.path("text_bytes").get(1).path("b64").asText()).isEqualTo(b64(BINARY));
    }

    @Test
    void base64IsReadAsTensorFlowServingReadsItWithOrWithoutPaddingAndWithWhitespace() throws IOException {
        RawHttpClient.Answer answer = predict(
                "strings", "{\"instances\": [{\"b64\": \"aGVsbG8\"}, {\"b64\": \" aGVs\\nbG8= \"}, {\"b64\": \"\"}]}");

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        JsonNode rows = json(answer).path("predictions");
        assertThat(rows.get(0).path("echo").asText()).isEqualTo("hello");
        assertThat(rows.get(1).path("echo").asText()).isEqualTo("hello");
        assertThat(rows.get(2).path("length").asInt()).isZero();
    }

    @Test
    void badBase64IsRefused() throws IOException {
        for (String bad : List.of("aGVsbG8=x", "a", "aGVsbG8===", "aGV*bG8=", "aGVsbG8-")) {
            assertError(predict("strings", "{\"instances\": [{\"b64\": \"" + bad + "\"}]}"), "Unable to base64 decode");
        }
    }

    @Test
    void aBase64ObjectWithAnotherKeyOrANonStringValueIsNotFormattedCorrectly() throws IOException {
        assertError(
                predict("strings", "{\"inputs\": {\"text\": [{\"b64\": \"aGk=\", \"x\": 1}]}}"),
                "JSON Value: {\"b64\":\"aGk=\",\"x\":1} not formatted correctly for base64 data");
        assertError(
                predict("strings", "{\"inputs\": [{\"b64\": 5}]}"),
                "JSON Value: {\"b64\":5} not formatted correctly for base64 data");
    }

    @Test
    void aBase64ObjectForAnInputThatIsNotAStringIsOfTheWrongType() throws IOException {
        assertError(
                predict("logits", "{\"instances\": [[{\"b64\": \"AAAA\"}]]}"),
                "JSON Value: {\"b64\":\"AAAA\"} Type: Object is not of expected type: float");
    }

    @Test
    void aNumberForAStringInputIsOfTheWrongType() throws IOException {
        assertError(
                predict("strings", "{\"instances\": [5]}"),
                "JSON Value: 5 Type: Number is not of expected type: string");
    }

    @Test
    void grpcTakesStringTensorsAndChecksThemLikeAnyOther() {
        TensorProto text = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(Tensors.shape(2))
                .addStringVal(ByteString.copyFrom(BINARY))
                .addStringVal(ByteString.copyFromUtf8("xyz"))
                .build();

        PredictResponse response =
                serving.grpc().prediction().predict(Tensors.predict(Tensors.spec("strings"), Map.of("text", text)));

        assertThat(response.getOutputsOrThrow("text_bytes").getStringValList())
                .containsExactly(ByteString.copyFrom(BINARY), ByteString.copyFromUtf8("xyz"));
        assertThat(response.getOutputsOrThrow("text_bytes").getDtype()).isEqualTo(DataType.DT_STRING);
        assertThat(Tensors.dims(response.getOutputsOrThrow("text_bytes"))).containsExactly(2);
        assertThat(response.getOutputsOrThrow("length").getIntValList()).containsExactly(BINARY.length, 3);

        Status tooFew = statusOf(() -> serving.grpc()
                .prediction()
                .predict(Tensors.predict(
                        Tensors.spec("strings"),
                        Map.of(
                                "text",
                                text.toBuilder()
                                        .setTensorShape(Tensors.shape(3))
                                        .build()))));
        assertThat(tooFew.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(tooFew.getDescription()).contains("string_val has 2 values, but shape [3] needs 3");

        Status floats = statusOf(() -> serving.grpc()
                .prediction()
                .predict(Tensors.predict(
                        Tensors.spec("strings"), Map.of("text", Tensors.floatVal(new long[] {1}, 1f)))));
        assertThat(floats.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(floats.getDescription()).contains("expects dtype DT_STRING, but DT_FLOAT was sent");
    }

    @Test
    void oneStringStandsForAllOfTheShapeAsInTensorFlow() {
        TensorProto one = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(Tensors.shape(3))
                .addStringVal(ByteString.copyFromUtf8("same"))
                .build();

        PredictResponse response =
                serving.grpc().prediction().predict(Tensors.predict(Tensors.spec("strings"), Map.of("text", one)));

        assertThat(response.getOutputsOrThrow("length").getIntValList()).containsExactly(4, 4, 4);
    }
}
