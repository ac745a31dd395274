package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.testing.RawHttpClient;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.TestModels.Kind;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the REST port routes a request, and the status it answers when the request routes nowhere: as TensorFlow
 * Serving's HTTP server does (its http_server.cc sends every path under {@code /v1/} to the API handler, whose
 * http_rest_api_handler.cc answers what it cannot route with 400 "Malformed request"; other paths are 404).
 */
class RestRoutingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ServingFixture serving = ServingFixture.inProcess().version("mnist", 1, Kind.MNIST);

    private static JsonNode json(RawHttpClient.Answer answer) throws IOException {
        return JSON.readTree(answer.body());
    }

    private static void assertError(RawHttpClient.Answer answer, int status, String messageStart) throws IOException {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.hasHeader("Content-Type: application/json"))
                .as(answer.head())
                .isTrue();
        assertThat(json(answer).path("error").asText()).as(answer.text()).startsWith(messageStart);
    }

    @Test
    void listingModelsIsNotSupportedAndSaysTheNameIsMissing() throws IOException {
        assertError(serving.rest().get("/v1/models"), 400, "Missing model name in request.");
        // No name before a version or metadata either: the same answer.
        assertError(serving.rest().get("/v1/models/versions/1/metadata"), 400, "Missing model name in request.");
    }

    /** The paths of TensorFlow Serving's own routing test, and more: each is 400 "Malformed request: METHOD PATH". */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /v1/foo",
        "POST, /v1/foo",
        "GET, /v1/",
        "GET, /v1/models/debug/model_name",
        "POST, /v1/models",
        "GET, /v1/models/mnist:predict",
        "GET, /v1/models/mnist/version/50:predict",
        "POST, /v1/models/mnist/version/50:regress",
        "POST, /v1/models/mnist/versions/HELLO:regress",
        "POST, /v1/models/mnist/metadata",
        "POST, /v1/models/mnist",
        "POST, /v1/models/mnist/label/some_label:regress",
        "POST, /v1/models/mnist/versions/50/labels/some_label:regress",
        "POST, /v1/models/mnist/versions/some_label:regress",
        "GET, /v1/models/mnist/versions/latest",
        "GET, /v1/models/mnist/versions/-1",
        "POST, /v1/models/mnist:explain",
        "POST, /v1/models/mnist:PREDICT",
        "PUT, /v1/models/mnist:predict",
        "DELETE, /v1/models/mnist",
        "PATCH, /v1/models/mnist/metadata",
    })
    void pathsUnderV1ThatRouteNowhereAreMalformedRequests(String method, String path) throws IOException {
        RawHttpClient.Answer answer = serving.rest().send(method, path, List.of(), "");

        assertError(answer, 400, "Malformed request: " + method + " " + path);
    }

    @Test
    void aHeadRequestThatRoutesNowhereIsAMalformedRequestToo() throws IOException {
        assertThat(serving.rest()
                        .send("HEAD", "/v1/models/mnist", List.of(), "")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aVersionTooLargeForAnInt64CannotBeConverted() throws IOException {
        assertError(
                serving.rest().post("/v1/models/mnist/versions/18446744073709551615:predict", "{}"),
                400,
                "Failed to convert version: 18446744073709551615 to numeric.");
    }

    @Test
    void pathsOutsideV1AreNotFound() throws IOException {
        for (String path : List.of("/", "/v1", "/v2/health", "/v1models/mnist", "/monitoring/prometheus/metrics")) {
            RawHttpClient.Answer answer = serving.rest().get(path);
            assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(404);
            assertThat(json(answer).path("error").asText()).as(path).isNotBlank();
        }
    }

    @Test
    void theV1PrefixAndTheModelsSegmentMatchInAnyCase() throws IOException {
        RawHttpClient.Answer answer = serving.rest().get("/V1/Models/mnist/versions/1");

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(json(answer).at("/model_version_status/0/state").asText()).isEqualTo("AVAILABLE");
    }

    @Test
    void modelStatusWithALabelIgnoresTheLabel() throws IOException {
        RawHttpClient.Answer answer = serving.rest().get("/v1/models/mnist/labels/no-such-label");

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        JsonNode versions = json(answer).path("model_version_status");
        assertThat(versions).hasSize(1);
        assertThat(versions.get(0).path("version").asText()).isEqualTo("1");
        assertThat(versions.get(0).path("state").asText()).isEqualTo("AVAILABLE");
    }

    @Test
    void corsPreflightNeedsAnOrigin() throws IOException {
        assertError(
                serving.rest().send("OPTIONS", "/v1/models/mnist:predict", List.of(), ""),
                400,
                "Origin header is missing in CORS preflight");
        assertThat(serving.rest()
                        .send("OPTIONS", "/v1/models/mnist:predict", List.of("Origin: https://example.com"), "")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void statusAndMetadataStillAnswer() throws IOException {
        RawHttpClient.Answer status = serving.rest().get("/v1/models/mnist");
        RawHttpClient.Answer metadata = serving.rest().get("/v1/models/mnist/versions/1/metadata");

        assertThat(status.status()).as(status.text()).isEqualTo(200);
        assertThat(metadata.status()).as(metadata.text()).isEqualTo(200);
        assertThat(json(metadata).at("/model_spec/version").asText()).isEqualTo("1");
        assertThat(json(metadata)
                        .at("/metadata/signature_def/signature_def/serving_default/method_name")
                        .asText())
                .isEqualTo("tensorflow/serving/predict");
    }
}
