package dev.digitpad.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.digitpad.inference.ServingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TensorFlow Serving's JSON forms of tensors: the row form ({@code instances}, one entry per example)
 * and the columnar form ({@code inputs}, one value per input). Values are read with the dtype the
 * signature declares. A string ({@code DT_STRING}) value is a JSON string, taken as its UTF-8 bytes, or
 * {@code {"b64": "<base64>"}}, taken as the bytes it encodes; string outputs whose key ends in {@code _bytes} are
 * written as {@code {"b64": ...}}, other string outputs as JSON strings of their bytes read as UTF-8.
 */
final class RestJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The key of a string value in base64: {@code {"b64": "..."}}. */
    private static final String BASE64_KEY = "b64";
    /** The suffix of the output keys whose strings are written in base64. */
    private static final String BYTES_SUFFIX = "_bytes";
    /** How much of a value an error message quotes, as TensorFlow Serving's do. */
    private static final int MAX_DEBUG_CHARS = 256;

    private RestJson() {}

    /** Inputs from the row form: a list of examples, each a value (one input) or an object of named values. */
    static Map<String, TensorProto> fromInstances(SignatureDef signature, JsonNode instances) {
        if (!instances.isArray() || instances.isEmpty()) {
            throw bad("'instances' must be a non-empty list with one entry per example");
        }
        Map<String, TensorInfo> inputs = signature.getInputsMap();
        boolean named = isNamedInputs(instances.get(0));
        if (!named && inputs.size() != 1) {
            throw bad("the signature has " + inputs.size() + " inputs " + inputs.keySet()
                    + ", so each instance must be an object naming them");
        }
        Map<String, TensorProto> tensors = new LinkedHashMap<>();
        Map<String, List<JsonNode>> columns = new LinkedHashMap<>();
        for (JsonNode instance : instances) {
            if (isNamedInputs(instance) != named) {
                throw bad("all instances must have the same form: either all objects of named inputs, or none");
            }
            if (named) {
                instance.properties()
                        .forEach(e -> columns.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(e.getValue()));
            } else {
                columns.computeIfAbsent(inputs.keySet().iterator().next(), k -> new ArrayList<>())
                        .add(instance);
            }
        }
        for (Map.Entry<String, List<JsonNode>> column : columns.entrySet()) {
            if (column.getValue().size() != instances.size()) {
                throw bad("input \"" + column.getKey()
                        + "\" is missing from some instances; every instance needs every input");
            }
            ArrayNode stacked = NODES.arrayNode().addAll(column.getValue());
            tensors.put(column.getKey(), tensor(column.getKey(), dtypeOf(inputs, column.getKey()), stacked));
        }
        return tensors;
    }

    /** Inputs from the columnar form: one value (one input) or an object of named values. */
    static Map<String, TensorProto> fromColumns(SignatureDef signature, JsonNode inputs) {
        Map<String, TensorInfo> expected = signature.getInputsMap();
        Map<String, TensorProto> tensors = new LinkedHashMap<>();
        if (isNamedInputs(inputs)) {
            inputs.properties()
                    .forEach(e ->
                            tensors.put(e.getKey(), tensor(e.getKey(), dtypeOf(expected, e.getKey()), e.getValue())));
        } else {
            if (expected.size() != 1) {
                throw bad("the signature has " + expected.size() + " inputs " + expected.keySet()
                        + ", so 'inputs' must be an object naming them");
            }
            String key = expected.keySet().iterator().next();
            tensors.put(key, tensor(key, expected.get(key).getDtype(), inputs));
        }
        return tensors;
    }

    /** The row form of outputs: one entry per example, split along the first dimension. */
    static JsonNode predictions(Map<String, TensorProto> outputs) {
        ArrayNode rows = NODES.arrayNode();
        long batch = -1;
        for (Map.Entry<String, TensorProto> e : outputs.entrySet()) {
            TensorShapeProto shape = e.getValue().getTensorShape();
            long first = shape.getDimCount() == 0 ? -1 : shape.getDim(0).getSize();
            if (batch >= 0 && first != batch || first < 0) {
                throw bad("the outputs do not share a batch size, so they cannot be returned as rows;"
                        + " use the columnar form ('inputs') instead");
            }
            batch = first;
        }
        for (int i = 0; i < batch; i++) {
            if (outputs.size() == 1) {
                Map.Entry<String, TensorProto> only =
                        outputs.entrySet().iterator().next();
                rows.add(row(only.getKey(), only.getValue(), i));
            } else {
                ObjectNode named = rows.addObject();
                for (Map.Entry<String, TensorProto> e : outputs.entrySet()) {
                    named.set(e.getKey(), row(e.getKey(), e.getValue(), i));
                }
            }
        }
        return rows;
    }

    /** The columnar form of outputs: the whole tensor (one output) or an object of them. */
    static JsonNode columns(Map<String, TensorProto> outputs) {
        if (outputs.size() == 1) {
            Map.Entry<String, TensorProto> only = outputs.entrySet().iterator().next();
            return nested(only.getValue(), isBytes(only.getKey()), 0, 0, dims(only.getValue()));
        }
        ObjectNode named = NODES.objectNode();
        outputs.forEach((k, t) -> named.set(k, nested(t, isBytes(k), 0, 0, dims(t))));
        return named;
    }

    static ObjectNode error(String message) {
        return NODES.objectNode().put("error", message);
    }

    /**
     * Whether a value names its inputs (an object of them) rather than being one: a {@code {"b64": "..."}} object is
     * one string value, as TensorFlow Serving reads it.
     */
    private static boolean isNamedInputs(JsonNode value) {
        return value.isObject() && !isBase64Object(value);
    }

    /** {@code {"b64": "<string>"}}, with no other key. */
    private static boolean isBase64Object(JsonNode value) {
        return value.isObject() && value.size() == 1 && value.path(BASE64_KEY).isTextual();
    }

    /** Whether a string output of this key is written as {@code {"b64": ...}}: TensorFlow Serving's naming rule. */
    private static boolean isBytes(String outputKey) {
        return outputKey.endsWith(BYTES_SUFFIX);
    }

    private static DataType dtypeOf(Map<String, TensorInfo> inputs, String key) {
        TensorInfo info = inputs.get(key);
        if (info == null) {
            throw bad("input \"" + key + "\" is not in the signature; its inputs are " + inputs.keySet());
        }
        return info.getDtype();
    }

    private static TensorProto tensor(String key, DataType dtype, JsonNode value) {
        List<Long> shape = new ArrayList<>();
        for (JsonNode n = value; n.isArray(); n = n.isEmpty() ? NODES.nullNode() : n.get(0)) {
            shape.add((long) n.size());
        }
        TensorProto.Builder out = TensorProto.newBuilder().setDtype(dtype);
        shape.forEach(d -> out.getTensorShapeBuilder().addDimBuilder().setSize(d));
        fill(key, dtype, value, shape, 0, out, new StringBuilder(key));
        return out.build();
    }

    private static void fill(
            String key,
            DataType dtype,
            JsonNode node,
            List<Long> shape,
            int depth,
            TensorProto.Builder out,
            StringBuilder where) {
        if (depth < shape.size()) {
            if (!node.isArray() || node.size() != shape.get(depth)) {
                throw bad("input \"" + key + "\" is ragged or malformed at " + where + ": every list at depth " + depth
                        + " must have " + shape.get(depth) + " entries");
            }
            int mark = where.length();
            for (int i = 0; i < node.size(); i++) {
                where.append('[').append(i).append(']');
                fill(key, dtype, node.get(i), shape, depth + 1, out, where);
                where.setLength(mark);
            }
            return;
        }
        if (node.isObject()) {
            if (dtype != DataType.DT_STRING) {
                throw typeError(node, dtype, key, where);
            }
            out.addStringVal(base64Object(node, key, where));
            return;
        }
        if (node.isContainerNode()) {
            throw bad("input \"" + key + "\" is ragged or malformed at " + where + ": expected a single value");
        }
        switch (dtype) {
            case DT_STRING -> {
                if (!node.isTextual()) {
                    throw typeError(node, dtype, key, where);
                }
                out.addStringVal(ByteString.copyFromUtf8(node.textValue()));
            }
            case DT_FLOAT -> out.addFloatVal((float) number(key, node, where));
            case DT_DOUBLE -> out.addDoubleVal(number(key, node, where));
            case DT_INT32 ->
                out.addIntVal(Math.toIntExact(integer(key, node, where, Integer.MIN_VALUE, Integer.MAX_VALUE)));
            case DT_UINT8 -> out.addIntVal((int) integer(key, node, where, 0, 255));
            case DT_INT64 -> out.addInt64Val(integer(key, node, where, Long.MIN_VALUE, Long.MAX_VALUE));
            case DT_BOOL -> {
                if (!node.isBoolean()) {
                    throw bad("input \"" + key + "\" at " + where + ": expected true or false, got " + node);
                }
                out.addBoolVal(node.booleanValue());
            }
            default ->
                throw bad("input \"" + key + "\" has dtype " + dtype
                        + ", which the JSON API of this server does not read");
        }
    }

    /** TensorFlow Serving's words for a value of the wrong JSON type, then where it is. */
    private static ServingException typeError(JsonNode node, DataType dtype, String key, CharSequence where) {
        return bad("JSON Value: " + debugString(node) + " Type: " + jsonType(node) + " is not of expected type: "
                + dtypeName(dtype) + " (input \"" + key + "\" at " + where + ")");
    }

    /** The bytes of a {@code {"b64": "..."}} value, decoded as TensorFlow Serving decodes them. */
    private static ByteString base64Object(JsonNode node, String key, CharSequence where) {
        if (!isBase64Object(node)) {
            throw bad("JSON Value: " + debugString(node) + " not formatted correctly for base64 data (input \"" + key
                    + "\" at " + where + ": a string in base64 is {\"b64\": \"<base64>\"}, with no other key)");
        }
        String text = node.get(BASE64_KEY).textValue();
        byte[] bytes = decodeBase64(text);
        if (bytes == null) {
            throw bad("Unable to base64 decode (input \"" + key + "\" at " + where + ": " + debugString(node)
                    + " is not standard base64, of A-Z a-z 0-9 + and /, padded with = or not)");
        }
        return ByteString.copyFrom(bytes);
    }

    /**
     * Base64 as TensorFlow Serving reads it (absl's Base64Unescape): the standard alphabet, whitespace anywhere
     * ignored, and padding with '=' (or '.') either left out or exactly right. Null if {@code text} is not that.
     */
    static byte[] decodeBase64(String text) {
        StringBuilder data = new StringBuilder(text.length());
        int pads = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || (c >= '\t' && c <= '\r')) {
                continue;
            }
            if (c == '=' || c == '.') {
                pads++;
            } else if (pads > 0 || !isBase64Char(c)) {
                return null; // data after padding, or not base64
            } else {
                data.append(c);
            }
        }
        int partial = data.length() % 4;
        int expectedPads = partial == 0 ? 0 : 4 - partial;
        if (partial == 1 || (pads != 0 && pads != expectedPads)) {
            return null;
        }
        return Base64.getDecoder().decode(data.toString());
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /** A value as TensorFlow Serving quotes it in an error: compact JSON, cut at 256 characters. */
    private static String debugString(JsonNode node) {
        String json = node.toString();
        return json.length() <= MAX_DEBUG_CHARS ? json : json.substring(0, MAX_DEBUG_CHARS);
    }

    /** RapidJSON's name of a value's type, which TensorFlow Serving's errors give. */
    private static String jsonType(JsonNode node) {
        return switch (node.getNodeType()) {
            case NULL, MISSING -> "Null";
            case BOOLEAN -> node.booleanValue() ? "True" : "False";
            case OBJECT, POJO -> "Object";
            case ARRAY -> "Array";
            case STRING, BINARY -> "String";
            case NUMBER -> "Number";
        };
    }

    /** TensorFlow's name of a dtype ({@code DataTypeString}), which TensorFlow Serving's errors give. */
    private static String dtypeName(DataType dtype) {
        return switch (dtype) {
            case DT_FLOAT -> "float";
            case DT_DOUBLE -> "double";
            case DT_INT32 -> "int32";
            case DT_UINT8 -> "uint8";
            case DT_INT64 -> "int64";
            case DT_BOOL -> "bool";
            case DT_STRING -> "string";
            default -> dtype.name();
        };
    }

    private static double number(String key, JsonNode node, CharSequence where) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw bad("input \"" + key + "\" at " + where + ": expected a number, got " + node);
    }

    private static long integer(String key, JsonNode node, CharSequence where, long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw bad("input \"" + key + "\" at " + where + ": expected a whole number from " + min + " to " + max
                    + ", got " + node);
        }
        return node.longValue();
    }

    private static long[] dims(TensorProto t) {
        return t.getTensorShape().getDimList().stream()
                .mapToLong(TensorShapeProto.Dim::getSize)
                .toArray();
    }

    private static JsonNode row(String key, TensorProto t, int index) {
        long[] dims = dims(t);
        long stride = 1;
        for (int d = 1; d < dims.length; d++) {
            stride *= dims[d];
        }
        return nested(t, isBytes(key), 1, index * stride, dims);
    }

    /**
     * The values of {@code t} from element {@code offset} on, nested along {@code dims[depth..]}; strings in base64 if
     * {@code bytes}.
     */
    private static JsonNode nested(TensorProto t, boolean bytes, int depth, long offset, long[] dims) {
        if (depth == dims.length) {
            return scalar(t, bytes, (int) offset);
        }
        long stride = 1;
        for (int d = depth + 1; d < dims.length; d++) {
            stride *= dims[d];
        }
        ArrayNode list = NODES.arrayNode();
        for (long i = 0; i < dims[depth]; i++) {
            list.add(nested(t, bytes, depth + 1, offset + i * stride, dims));
        }
        return list;
    }

    private static JsonNode scalar(TensorProto t, boolean bytes, int i) {
        return switch (t.getDtype()) {
            case DT_STRING -> {
                ByteString value = t.getStringVal(i);
                if (bytes) {
                    yield NODES.objectNode().put(BASE64_KEY, Base64.getEncoder().encodeToString(value.toByteArray()));
                }
                // TensorFlow Serving writes the bytes between the quotes as they are, which is not JSON when they are
                // not UTF-8; its clients (Python's requests, Go, browsers) then read U+FFFD for each bad sequence.
                // That is written here, so that the answer is JSON that any parser reads alike.
                yield NODES.textNode(value.toStringUtf8());
            }
            case DT_FLOAT -> floatNode(t.getFloatVal(i));
            case DT_DOUBLE ->
                Double.isFinite(t.getDoubleVal(i))
                        ? NODES.numberNode(t.getDoubleVal(i))
                        : NODES.textNode(Double.toString(t.getDoubleVal(i)));
            case DT_INT32, DT_UINT8 -> NODES.numberNode(t.getIntVal(i));
            case DT_INT64 -> NODES.numberNode(t.getInt64Val(i));
            case DT_BOOL -> NODES.booleanNode(t.getBoolVal(i));
            default ->
                throw new ServingException(
                        org.tensorflow.proto.error.Code.UNIMPLEMENTED,
                        "output dtype " + t.getDtype() + " cannot be written as JSON by this server");
        };
    }

    private static JsonNode floatNode(float f) {
        return Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(Float.toString(f));
    }

    private static ServingException bad(String message) {
        return ServingException.invalidArgument(message);
    }
}
