package dev.digitpad.inference;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.error.Code;

/**
 * Checks a request's tensors against a signature before anything runs, and says precisely what
 * does not match: the key, what the signature expects, and what was sent.
 */
final class TensorChecks {
    private TensorChecks() {}

    /** Checks the input keys, and every input's dtype, shape and value count. */
    static void checkInputs(SignatureDef signature, Map<String, TensorProto> inputs) {
        Set<String> expected = signature.getInputsMap().keySet();
        if (!expected.equals(inputs.keySet())) {
            Set<String> extra = new TreeSet<>(inputs.keySet());
            extra.removeAll(expected);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(inputs.keySet());
            throw ServingException.invalidArgument(String.format(
                    "input size does not match signature: %d!=%d for inputs: {%s}. Sent extra: {%s}. Missing but required: {%s}.",
                    inputs.size(),
                    expected.size(),
                    String.join(",", new TreeSet<>(expected)),
                    String.join(",", extra),
                    String.join(",", missing)));
        }
        for (Map.Entry<String, TensorInfo> e : signature.getInputsMap().entrySet()) {
            checkTensor(e.getKey(), e.getValue(), inputs.get(e.getKey()));
        }
    }

    /** Checks the output filter: known keys, no duplicates. Returns the keys to fetch, in order. */
    static List<String> outputsToFetch(SignatureDef signature, List<String> filter) {
        Set<String> known = signature.getOutputsMap().keySet();
        if (filter.isEmpty()) {
            return List.copyOf(new TreeSet<>(known));
        }
        Set<String> seen = new TreeSet<>();
        for (String key : filter) {
            if (!known.contains(key)) {
                throw ServingException.invalidArgument(String.format(
                        "output tensor alias not found in signature: %s. Outputs expected to be in the set {%s}.",
                        key, String.join(",", new TreeSet<>(known))));
            }
            if (!seen.add(key)) {
                throw ServingException.invalidArgument("duplicate output tensor alias in output_filter: " + key);
            }
        }
        return List.copyOf(filter);
    }

    /** The most a single typed value may stand for (a tensor of N equal values, sent as one). */
    static final long MAX_FILL_BYTES = 64L << 20;

    static long checkTensor(String key, TensorInfo expected, TensorProto got) {
        boolean strings = got.getDtype() == DataType.DT_STRING;
        ElementType type = strings
                ? null
                : ElementType.of(got.getDtype())
                        .orElseThrow(() -> ServingException.invalidArgument(String.format(
                                "input \"%s\": dtype %s is not supported; the signature expects %s.",
                                key, got.getDtype(), expected.getDtype())));
        if (got.getDtype() != expected.getDtype()) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": the signature expects dtype %s, but %s was sent.",
                    key, expected.getDtype(), got.getDtype()));
        }
        TensorShapeProto shape = got.getTensorShape();
        if (shape.getUnknownRank() || shape.getDimList().stream().anyMatch(d -> d.getSize() < 0)) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": a request tensor needs a fully known shape, but %s was sent.",
                    key, describe(shape)));
        }
        if (!compatible(expected.getTensorShape(), shape)) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": the signature expects shape %s (-1 means any size), but %s was sent.",
                    key, describe(expected.getTensorShape()), describe(shape)));
        }
        long elements = elementCount(key, shape);
        if (strings) {
            return checkStrings(key, got, elements);
        }
        if (elements * type.width() > Integer.MAX_VALUE) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": shape %s of %s is too large: %d bytes, more than the 2 GiB one tensor can hold.",
                    key, describe(shape), got.getDtype(), elements * type.width()));
        }
        long contentBytes = got.getTensorContent().size();
        if (contentBytes > 0) {
            long needed = elements * type.width();
            if (contentBytes != needed) {
                throw ServingException.invalidArgument(String.format(
                        "input \"%s\": tensor_content has %d bytes, but shape %s of %s needs %d bytes.",
                        key, contentBytes, describe(shape), got.getDtype(), needed));
            }
            return elements;
        }
        int values = type.valueCount(got);
        if (values == 1 && elements > 1 && elements * type.width() > MAX_FILL_BYTES) {
            // A few bytes on the wire would otherwise make the server allocate up to 2 GiB, whatever the request limit.
            throw new ServingException(
                    Code.RESOURCE_EXHAUSTED,
                    String.format(
                            "input \"%s\": one value for all of shape %s would fill %d bytes, more than the %d MiB the server"
                                    + " fills from a single value. Send the values themselves, or fewer examples per request.",
                            key, describe(shape), elements * type.width(), MAX_FILL_BYTES >> 20));
        }
        boolean ok = values == elements || (values == 1 && elements > 0);
        if (!ok) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": %s has %d values, but shape %s needs %d (or a single value for all of them).",
                    key, type.valField(), values, describe(shape), elements));
        }
        return elements;
    }

    /** The value count of a string tensor of {@code elements} values, which travel in string_val. */
    private static long checkStrings(String key, TensorProto got, long elements) {
        if (!got.getTensorContent().isEmpty()) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": DT_STRING values travel in string_val, one entry per string, not in tensor_content.",
                    key));
        }
        int values = got.getStringValCount();
        if (values == 1 && elements > 1 && elements * got.getStringVal(0).size() > MAX_FILL_BYTES) {
            throw new ServingException(
                    Code.RESOURCE_EXHAUSTED,
                    String.format(
                            "input \"%s\": one string of %d bytes for all of shape %s would fill %d bytes, more than the"
                                    + " %d MiB the server fills from a single value. Send the values themselves, or"
                                    + " fewer examples per request.",
                            key,
                            got.getStringVal(0).size(),
                            describe(got.getTensorShape()),
                            elements * got.getStringVal(0).size(),
                            MAX_FILL_BYTES >> 20));
        }
        if (values != elements && !(values == 1 && elements > 0)) {
            throw ServingException.invalidArgument(String.format(
                    "input \"%s\": string_val has %d values, but shape %s needs %d (or a single value for all of them).",
                    key, values, describe(got.getTensorShape()), elements));
        }
        return elements;
    }

    static boolean compatible(TensorShapeProto expected, TensorShapeProto got) {
        if (expected.getUnknownRank()) {
            return true;
        }
        if (expected.getDimCount() != got.getDimCount()) {
            return false;
        }
        for (int i = 0; i < expected.getDimCount(); i++) {
            long want = expected.getDim(i).getSize();
            if (want >= 0 && want != got.getDim(i).getSize()) {
                return false;
            }
        }
        return true;
    }

    static long elementCount(String key, TensorShapeProto shape) {
        long n = 1;
        try {
            for (TensorShapeProto.Dim d : shape.getDimList()) {
                n = Math.multiplyExact(n, d.getSize());
            }
        } catch (ArithmeticException e) {
            throw ServingException.invalidArgument(
                    String.format("input \"%s\": shape %s is too large.", key, describe(shape)));
        }
        if (n > Integer.MAX_VALUE) {
            throw ServingException.invalidArgument(
                    String.format("input \"%s\": shape %s is too large.", key, describe(shape)));
        }
        return n;
    }

    /** A shape as {@code [-1,28,28,1]}, or {@code <unknown rank>}. */
    static String describe(TensorShapeProto shape) {
        if (shape.getUnknownRank()) {
            return "<unknown rank>";
        }
        return shape.getDimList().stream()
                .map(d -> Long.toString(d.getSize()))
                .collect(Collectors.joining(",", "[", "]"));
    }
}
