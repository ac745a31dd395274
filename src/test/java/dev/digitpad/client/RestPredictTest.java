package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** REST addresses as people type them, the predict URLs, and the bodies and requests built for the inputs. */
class RestPredictTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
        "http://localhost:8501, http://localhost:8501",
        "localhost:8501, http://localhost:8501",
        "HTTPS://Example.org:443/serving/, https://Example.org:443/serving",
        "  10.0.0.7:8501  , http://10.0.0.7:8501",
        "http://[::1]:8501, http://[::1]:8501"
    })
    void readsRestAddressesAsPeopleTypeThem(String typed, String uri) {
        assertThat(RestPredict.parseAddress(typed)).hasToString(uri);
    }

    @ParameterizedTest
    @CsvSource({"''", "ftp://host:21", "http://", "grpc://host:8500"})
    void refusesWhatIsNotARestAddressSayingWhatToType(String typed) {
        assertThatThrownBy(() -> RestPredict.parseAddress(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for example http://localhost:8501");
    }

    @ParameterizedTest
    @CsvSource({
        "localhost:8500, http://localhost:8501",
        "models.example.org:9000, http://models.example.org:8501",
        "dns:///models.example.org:8500, http://models.example.org:8501",
        "[::1]:8500, http://[::1]:8501",
        "myhost, http://myhost:8501",
        "'', http://localhost:8501"
    })
    void theDefaultRestAddressIsTheGrpcHostOnPort8501(String grpc, String rest) {
        assertThat(RestPredict.defaultAddressFor(grpc)).isEqualTo(rest);
    }

    @Test
    void predictsAtTheVersionOrLabelAskedFor() {
        try (RestPredict rest = new RestPredict(URI.create("http://h:8501/prefix"), Duration.ofSeconds(1))) {
            assertThat(rest.predictUri("mnist", VersionChoice.LATEST))
                    .hasToString("http://h:8501/prefix/v1/models/mnist:predict");
            assertThat(rest.predictUri("mnist", VersionChoice.number(3)))
                    .hasToString("http://h:8501/prefix/v1/models/mnist/versions/3:predict");
            assertThat(rest.predictUri("mnist", VersionChoice.label("stable")))
                    .hasToString("http://h:8501/prefix/v1/models/mnist/labels/stable:predict");
        }
    }

    @Test
    void rowsAndColumnsCarryTheSameValuesInTheirOwnShapes() throws Exception {
        PredictInputs inputs = PredictInputs.of("x", new long[] {1, 2, 3}, new float[] {1, 2, 3, 4, 5, 6.5f});
        JsonNode rows = JSON.readTree(inputs.rowsJson(""));
        JsonNode columns = JSON.readTree(inputs.columnsJson("sig"));

        assertThat(rows.toString()).isEqualTo("{\"instances\":[[[1.0,2.0,3.0],[4.0,5.0,6.5]]]}");
        assertThat(columns.toString())
                .isEqualTo("{\"signature_name\":\"sig\",\"inputs\":[[[1.0,2.0,3.0],[4.0,5.0,6.5]]]}");
    }

    @Test
    void rowsHaveOneInstancePerExampleAndNameSeveralInputs() throws Exception {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("a", new float[] {1, 2, 3, 4});
        values.put("b", new float[] {5, 6});
        Map<String, long[]> dims = new LinkedHashMap<>();
        dims.put("a", new long[] {2, 2});
        dims.put("b", new long[] {2});
        PredictInputs inputs = new PredictInputs(values, dims);

        assertThat(inputs.batch()).isEqualTo(2);
        assertThat(JSON.readTree(inputs.rowsJson("")).toString())
                .isEqualTo("{\"instances\":[{\"a\":[1.0,2.0],\"b\":5.0},{\"a\":[3.0,4.0],\"b\":6.0}]}");
        assertThat(JSON.readTree(inputs.columnsJson("")).toString())
                .isEqualTo("{\"inputs\":{\"a\":[[1.0,2.0],[3.0,4.0]],\"b\":[5.0,6.0]}}");
    }

    @Test
    void theGrpcRequestsCarryTheValuesAsBytesOrOneByOne() {
        PredictInputs inputs = PredictInputs.of("x", new long[] {1, 3}, new float[] {0.5f, -1f, 2f});
        ModelSpec spec = ModelSpec.newBuilder().setName("m").build();
        PredictRequest content = inputs.request(spec, true);
        PredictRequest floatVal = inputs.request(spec, false);

        ByteBuffer bytes = content.getInputsOrThrow("x")
                .getTensorContent()
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {bytes.getFloat(), bytes.getFloat(), bytes.getFloat()})
                .containsExactly(0.5f, -1f, 2f);
        assertThat(content.getInputsOrThrow("x").getFloatValCount()).isZero();
        assertThat(floatVal.getInputsOrThrow("x").getFloatValList()).containsExactly(0.5f, -1f, 2f);
        assertThat(floatVal.getInputsOrThrow("x").getTensorContent().isEmpty()).isTrue();
        assertThat(content.getInputsOrThrow("x").getTensorShape().getDimList())
                .extracting(d -> d.getSize())
                .containsExactly(1L, 3L);
        assertThat(content.getModelSpec()).isEqualTo(spec);
    }

    @Test
    void refusesInputsWhoseValuesDoNotFillTheirShape() {
        assertThatThrownBy(() -> PredictInputs.of("x", new long[] {1, 784}, new float[783]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("783 values for a shape of 784");
    }
}
