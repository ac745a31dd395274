package dev.digitpad.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The float inputs of one prediction, each with its full shape (batch dimension first), and the requests that carry
 * them: gRPC {@code PredictRequest}s with {@code tensor_content} or {@code float_val}, and REST bodies in the row or
 * the columnar format. The protocol comparison and the load test send the same bytes for the same inputs.
 *
 * @param values each input's values, row-major, in the order the inputs are sent
 * @param dims each input's shape, batch dimension first
 */
public record PredictInputs(Map<String, float[]> values, Map<String, long[]> dims) {
    public PredictInputs {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        dims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dims));
        if (!values.keySet().equals(dims.keySet())) {
            throw new IllegalArgumentException(
                    "every input needs values and a shape: " + values.keySet() + " against " + dims.keySet());
        }
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            long n = 1;
            for (long d : dims.get(e.getKey())) {
                n *= d;
            }
            if (n != e.getValue().length) {
                throw new IllegalArgumentException("input \"" + e.getKey() + "\" has " + e.getValue().length
                        + " values for a shape of " + n + ": " + java.util.Arrays.toString(dims.get(e.getKey())));
            }
        }
    }

    /** One input. */
    public static PredictInputs of(String key, long[] dims, float[] values) {
        return new PredictInputs(Map.of(key, values), Map.of(key, dims));
    }

    /** A {@code PredictRequest} for {@code spec}, each tensor in {@code tensor_content} or in {@code float_val}. */
    public PredictRequest request(ModelSpec spec, boolean tensorContent) {
        PredictRequest.Builder request = PredictRequest.newBuilder().setModelSpec(spec);
        values.forEach((key, v) -> request.putInputs(key, tensor(dims.get(key), v, tensorContent)));
        return request.build();
    }

    /** A float tensor of {@code dims}: its values as little-endian bytes in {@code tensor_content}, or in {@code float_val}. */
    public static TensorProto tensor(long[] dims, float[] values, boolean tensorContent) {
        TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT);
        TensorShapeProto.Builder shape = t.getTensorShapeBuilder();
        for (long d : dims) {
            shape.addDimBuilder().setSize(d);
        }
        if (tensorContent) {
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

    /**
     * {@code {"instances": [...]}}: one instance per example, each input without its batch dimension, named if there
     * are several; {@code signature} is named unless blank.
     */
    public String rowsJson(String signature) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        signature(body, signature);
        ArrayNode instances = body.putArray("instances");
        int batch = batch();
        for (int example = 0; example < batch; example++) {
            if (values.size() == 1) {
                String key = values.keySet().iterator().next();
                instances.add(nested(values.get(key), dims.get(key), 1, example * perExample(key)));
            } else {
                ObjectNode instance = instances.addObject();
                for (String key : values.keySet()) {
                    instance.set(key, nested(values.get(key), dims.get(key), 1, example * perExample(key)));
                }
            }
        }
        return body.toString();
    }

    /** {@code {"inputs": ...}}: each input with its batch dimension, named if there are several. */
    public String columnsJson(String signature) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        signature(body, signature);
        if (values.size() == 1) {
            String key = values.keySet().iterator().next();
            body.set("inputs", nested(values.get(key), dims.get(key), 0, 0));
        } else {
            ObjectNode inputs = body.putObject("inputs");
            values.forEach((key, v) -> inputs.set(key, nested(v, dims.get(key), 0, 0)));
        }
        return body.toString();
    }

    /** Examples in the batch: the first input's first dimension (1 for a scalar). */
    public int batch() {
        long[] first = dims.values().iterator().next();
        return first.length == 0 ? 1 : Math.toIntExact(first[0]);
    }

    private int perExample(String key) {
        return values.get(key).length / Math.max(1, batch());
    }

    private static void signature(ObjectNode body, String signature) {
        if (signature != null && !signature.isBlank()) {
            body.put("signature_name", signature);
        }
    }

    /** The values from {@code offset} on as nested lists along {@code dims[depth..]}. */
    private static JsonNode nested(float[] values, long[] dims, int depth, int offset) {
        if (depth >= dims.length) {
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
}
