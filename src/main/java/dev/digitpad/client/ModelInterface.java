package dev.digitpad.client;

import dev.digitpad.contract.ModelContract;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * What DigitPad needs to know to call an MNIST-like model, learnt from its signature: the one float input
 * with 784 values per example (shaped [-1,28,28,1], [-1,28,28] or [-1,784]) and the one output with 10.
 *
 * @param exampleShape the input's dimensions after the batch dimension
 */
public record ModelInterface(
        String model, long version, String signature, String inputKey, List<Long> exampleShape, String outputKey) {

    static final int PIXELS = ModelContract.PIXELS;
    static final int CLASSES = 10;

    /** Finds the input and output in a signature, or says precisely why the model does not fit. */
    static ModelInterface of(String model, long version, String signatureKey, Map<String, SignatureDef> signatures) {
        SignatureDef signature = signatures.get(signatureKey);
        if (signature == null) {
            throw new PredictionException(
                    Status.Code.FAILED_PRECONDITION,
                    "Model \"" + model + "\" has no signature \"" + signatureKey + "\"; it has " + signatures.keySet()
                            + ". Choose one of those.");
        }
        List<Map.Entry<String, TensorInfo>> inputs = signature.getInputsMap().entrySet().stream()
                .filter(e -> perExample(e.getValue()) == PIXELS)
                .toList();
        List<Map.Entry<String, TensorInfo>> outputs = signature.getOutputsMap().entrySet().stream()
                .filter(e -> perExample(e.getValue()) == CLASSES)
                .toList();
        if (signature.getInputsCount() != 1 || inputs.size() != 1) {
            String side = Integer.toString(ModelContract.SIDE);
            throw unfit(
                    model,
                    signatureKey,
                    "one float input of " + PIXELS + " values per example ([-1," + side + "," + side + ",1], [-1,"
                            + side + "," + side + "] or [-1," + PIXELS + "])",
                    signature.getInputsMap());
        }
        if (outputs.size() != 1) {
            throw unfit(
                    model,
                    signatureKey,
                    "one float output of 10 values per example ([-1,10])",
                    signature.getOutputsMap());
        }
        List<Long> dims = inputs.get(0).getValue().getTensorShape().getDimList().stream()
                .map(TensorShapeProto.Dim::getSize)
                .toList();
        return new ModelInterface(
                model,
                version,
                signatureKey,
                inputs.get(0).getKey(),
                List.copyOf(dims.subList(1, dims.size())),
                outputs.get(0).getKey());
    }

    /** The input's full shape for a batch of {@code n} examples. */
    List<Long> inputShape(int n) {
        List<Long> shape = new ArrayList<>(exampleShape.size() + 1);
        shape.add((long) n);
        shape.addAll(exampleShape);
        return shape;
    }

    /** A short description for people, e.g. {@code flatten_input [-1,28,28,1] -> dense [-1,10]}. */
    public String describe() {
        return inputKey + " " + inputShape(-1).stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"))
                + " -> " + outputKey + " [-1,10]";
    }

    /** Values per example of a float tensor with a leading batch dimension, or -1 if it is not one. */
    private static long perExample(TensorInfo info) {
        TensorShapeProto shape = info.getTensorShape();
        if (info.getDtype() != DataType.DT_FLOAT || shape.getUnknownRank() || shape.getDimCount() < 2) {
            return -1;
        }
        long first = shape.getDim(0).getSize();
        if (first != -1 && first != 1) {
            return -1;
        }
        long n = 1;
        for (int i = 1; i < shape.getDimCount(); i++) {
            long d = shape.getDim(i).getSize();
            if (d < 1) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    private static PredictionException unfit(
            String model, String signature, String needed, Map<String, TensorInfo> found) {
        String have = found.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue().getDtype() + " "
                        + shape(e.getValue().getTensorShape()))
                .collect(Collectors.joining(", "));
        return new PredictionException(
                Status.Code.FAILED_PRECONDITION,
                "Model \"" + model + "\" (signature " + signature
                        + ") does not look like a digit classifier: DigitPad needs " + needed + ", but it has " + have
                        + ".");
    }

    private static String shape(TensorShapeProto shape) {
        return shape.getUnknownRank()
                ? "<unknown rank>"
                : shape.getDimList().stream()
                        .map(d -> Long.toString(d.getSize()))
                        .collect(Collectors.joining(",", "[", "]"));
    }
}
