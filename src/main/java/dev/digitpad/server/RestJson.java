package dev.digitpad.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.digitpad.inference.ServingException;
import java.util.ArrayList;
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
 * signature declares.
 */
final class RestJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RestJson() {}

    /** Inputs from the row form: a list of examples, each a value (one input) or an object of named values. */
    static Map<String, TensorProto> fromInstances(SignatureDef signature, JsonNode instances) {
        if (!instances.isArray() || instances.isEmpty()) {
            throw bad("'instances' must be a non-empty list with one entry per example");
        }
        Map<String, TensorInfo> inputs = signature.getInputsMap();
        boolean named = instances.get(0).isObject();
        if (!named && inputs.size() != 1) {
            throw bad("the signature has " + inputs.size() + " inputs " + inputs.keySet()
                    + ", so each instance must be an object naming them");
        }
        Map<String, TensorProto> tensors = new LinkedHashMap<>();
        Map<String, List<JsonNode>> columns = new LinkedHashMap<>();
        for (JsonNode instance : instances) {
            if (instance.isObject() != named) {
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
        if (inputs.isObject()) {
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
                rows.add(row(outputs.values().iterator().next(), i));
            } else {
                ObjectNode named = rows.addObject();
                for (Map.Entry<String, TensorProto> e : outputs.entrySet()) {
                    named.set(e.getKey(), row(e.getValue(), i));
                }
            }
        }
        return rows;
    }

    /** The columnar form of outputs: the whole tensor (one output) or an object of them. */
    static JsonNode columns(Map<String, TensorProto> outputs) {
        if (outputs.size() == 1) {
            TensorProto t = outputs.values().iterator().next();
            return nested(t, 0, 0, dims(t));
        }
        ObjectNode named = NODES.objectNode();
        outputs.forEach((k, t) -> named.set(k, nested(t, 0, 0, dims(t))));
        return named;
    }

    static ObjectNode error(String message) {
        return NODES.objectNode().put("error", message);
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
        if (node.isContainerNode()) {
            throw bad("input \"" + key + "\" is ragged or malformed at " + where + ": expected a single value");
        }
        switch (dtype) {
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

    private static JsonNode row(TensorProto t, int index) {
        long[] dims = dims(t);
        long stride = 1;
        for (int d = 1; d < dims.length; d++) {
            stride *= dims[d];
        }
        return nested(t, 1, index * stride, dims);
    }

    /** The values of {@code t} from element {@code offset} on, nested along {@code dims[depth..]}. */
    private static JsonNode nested(TensorProto t, int depth, long offset, long[] dims) {
        if (depth == dims.length) {
            return scalar(t, (int) offset);
        }
        long stride = 1;
        for (int d = depth + 1; d < dims.length; d++) {
            stride *= dims[d];
        }
        ArrayNode list = NODES.arrayNode();
        for (long i = 0; i < dims[depth]; i++) {
            list.add(nested(t, depth + 1, offset + i * stride, dims));
        }
        return list;
    }

    private static JsonNode scalar(TensorProto t, int i) {
        return switch (t.getDtype()) {
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
