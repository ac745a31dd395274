package dev.digitpad.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.digitpad.inference.Futures;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.ClassificationRequest;
import dev.digitpad.protocol.serving.ClassificationResult;
import dev.digitpad.protocol.serving.Classifications;
import dev.digitpad.protocol.serving.Input;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.Regression;
import dev.digitpad.protocol.serving.RegressionRequest;
import dev.digitpad.protocol.serving.RegressionResult;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;

/**
 * TensorFlow Serving's REST {@code :classify} and {@code :regress}: the JSON request
 * {@code {"signature_name": ..., "context": {...}, "examples": [{...}, ...]}} becomes the gRPC request, each example
 * an object of features whose values are a value or a list of values (whole numbers and booleans become an
 * {@code int64_list}, other numbers a {@code float_list}, strings and {@code {"b64": "..."}} a {@code bytes_list});
 * the answer is {@code {"results": [[[label, score], ...], ...]}} for classify and {@code {"results": [value, ...]}}
 * for regress. Requests that do not read as that are refused with TensorFlow Serving's messages (HTTP 400).
 */
final class RestExamples {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** TensorFlow Serving quotes at most this much of a request in an error. */
    private static final int MAX_QUOTED_CHARS = 256;

    // NaN, Infinity and -Infinity are read as numbers, as TensorFlow Serving reads them.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private RestExamples() {}

    /**
     * Answers {@code :classify} or {@code :regress} ({@code verb}, with its colon or without) for the model {@code spec}
     * names, with the request
     * {@code body}; the call runs within {@code limits}.
     *
     * @return the answer's JSON
     */
    static String answer(String verb, ExampleCalls calls, ModelSpec.Builder spec, byte[] body, RunLimits limits) {
        JsonNode request = parse(body);
        JsonNode signature = request.get("signature_name");
        if (signature != null) {
            if (!signature.isTextual()) {
                throw invalid(request, "not formatted correctly. 'signature_name' key must be a string value.");
            }
            spec.setSignatureName(signature.textValue());
        }
        Input input = input(request);
        ObjectNode out = NODES.objectNode();
        if (verb.endsWith("classify")) {
            ClassificationRequest classify = ClassificationRequest.newBuilder()
                    .setModelSpec(spec)
                    .setInput(input)
                    .build();
            ClassificationResult result =
                    Futures.join(calls.classify(classify, limits)).getResult();
            ArrayNode results = out.putArray("results");
            for (Classifications example : result.getClassificationsList()) {
                ArrayNode classes = results.addArray();
                example.getClassesList()
                        .forEach(c -> classes.addArray().add(c.getLabel()).add(decimal(c.getScore())));
            }
        } else {
            RegressionRequest regress = RegressionRequest.newBuilder()
                    .setModelSpec(spec)
                    .setInput(input)
                    .build();
            RegressionResult result =
                    Futures.join(calls.regress(regress, limits)).getResult();
            ArrayNode results = out.putArray("results");
            for (Regression r : result.getRegressionsList()) {
                results.add(decimal(r.getValue()));
            }
        }
        return out.toString();
    }

    private static JsonNode parse(byte[] body) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ServingException.invalidArgument("JSON Parse error: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ServingException.invalidArgument("JSON Parse error: " + e.getMessage());
        }
        if (request == null || request.isMissingNode()) {
            throw ServingException.invalidArgument("JSON Parse error: The document is empty.");
        }
        if (!request.isObject()) {
            throw invalid(request, "Is not object");
        }
        return request;
    }

    /** The examples of the request, and its context if it has one. */
    static Input input(JsonNode request) {
        Input.Builder input = Input.newBuilder();
        JsonNode context = request.get("context");
        if (context != null) {
            input.getExampleListWithContextBuilder().setContext(example(context));
        }
        JsonNode examples = request.get("examples");
        if (examples == null) {
            // TensorFlow Serving names classify here whichever verb was called.
            throw invalid(request, "When method is classify, key 'examples' is expected and was not found");
        }
        if (!examples.isArray()) {
            throw invalid(request, "Expecting 'examples' value to be an list/array");
        }
        if (examples.isEmpty()) {
            throw invalid(request, "'examples' value is an empty array");
        }
        for (JsonNode e : examples) {
            if (context != null) {
                input.getExampleListWithContextBuilder().addExamples(example(e));
            } else {
                input.getExampleListBuilder().addExamples(example(e));
            }
        }
        return input.build();
    }

    /** One example: an object whose every member is a feature, its value a value or a list of values. */
    private static Example example(JsonNode object) {
        if (!object.isObject()) {
            throw ServingException.invalidArgument("Example must be JSON object but got JSON " + typeName(object));
        }
        Features.Builder features = Features.newBuilder();
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            String name = member.getKey();
            Feature.Builder feature = Feature.newBuilder();
            if (member.getValue().isArray()) {
                member.getValue().forEach(v -> addValue(name, v, feature));
            } else {
                addValue(name, member.getValue(), feature);
            }
            features.putFeature(name, feature.build());
        }
        return Example.newBuilder().setFeatures(features).build();
    }

    private static void addValue(String name, JsonNode value, Feature.Builder feature) {
        if (value.isNull() || value.isArray() || (value.isObject() && !isBase64(value))) {
            throw ServingException.invalidArgument(
                    "Feature: " + name + " has element with unexpected JSON type: " + typeName(value));
        }
        if (value.isBoolean()) {
            requireKind(name, feature, Feature.KindCase.INT64_LIST);
            feature.getInt64ListBuilder().addValue(value.booleanValue() ? 1 : 0);
        } else if (value.isObject()) {
            requireKind(name, feature, Feature.KindCase.BYTES_LIST);
            try {
                feature.getBytesListBuilder()
                        .addValue(ByteString.copyFrom(
                                Base64.getDecoder().decode(value.get("b64").textValue())));
            } catch (IllegalArgumentException e) {
                throw ServingException.invalidArgument("Unable to base64 decode");
            }
        } else if (value.isTextual()) {
            requireKind(name, feature, Feature.KindCase.BYTES_LIST);
            feature.getBytesListBuilder().addValue(ByteString.copyFromUtf8(value.textValue()));
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
            requireKind(name, feature, Feature.KindCase.INT64_LIST);
            feature.getInt64ListBuilder().addValue(value.longValue());
        } else if (value.isIntegralNumber() && value.bigIntegerValue().bitLength() <= 64) {
            // A whole number above int64's range but within uint64's, which TensorFlow Serving refuses.
            throw ServingException.invalidArgument(
                    "Feature: " + name + " has uint64_t element. Only int64_t is supported.");
        } else {
            // A number with a fraction or an exponent, or a whole number beyond uint64: a float, as JSON parsers read
            // it.
            requireKind(name, feature, Feature.KindCase.FLOAT_LIST);
            feature.getFloatListBuilder().addValue(value.floatValue());
        }
    }

    /** A feature takes values of one kind: the kind of its first value. */
    private static void requireKind(String name, Feature.Builder feature, Feature.KindCase kind) {
        Feature.KindCase current = feature.getKindCase();
        if (current != Feature.KindCase.KIND_NOT_SET && current != kind) {
            String kindName = switch (current) {
                case BYTES_LIST -> "bytes";
                case FLOAT_LIST -> "float";
                case INT64_LIST -> "int64";
                case KIND_NOT_SET -> "UNKNOWN";
            };
            throw ServingException.invalidArgument(
                    "Unexpected element type in feature: " + name + " expecting type: " + kindName);
        }
    }

    /** Binary data as TensorFlow Serving's JSON writes it: an object of one member, {@code b64}, a string. */
    private static boolean isBase64(JsonNode value) {
        return value.size() == 1 && value.path("b64").isTextual();
    }

    private static String typeName(JsonNode value) {
        return switch (value.getNodeType()) {
            case NULL, MISSING -> "Null";
            case BOOLEAN -> value.booleanValue() ? "True" : "False";
            case OBJECT, POJO -> "Object";
            case ARRAY -> "Array";
            case STRING, BINARY -> "String";
            case NUMBER -> "Number";
        };
    }

    /** TensorFlow Serving's error about (a part of) the request, which it quotes, cut short if long. */
    private static ServingException invalid(JsonNode request, String what) {
        String quoted = request.toString();
        if (quoted.length() > MAX_QUOTED_CHARS) {
            quoted = quoted.substring(0, MAX_QUOTED_CHARS);
        }
        return ServingException.invalidArgument("JSON Value: " + quoted + " " + what);
    }

    /** A float as JSON: a number, or its name when it is not finite (JSON has no literal for those). */
    private static JsonNode decimal(float value) {
        return Float.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(Float.toString(value));
    }
}
