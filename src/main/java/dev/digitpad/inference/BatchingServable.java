package dev.digitpad.inference;

import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.error.Code;

/**
 * A servable whose predictions go through a {@link BatchScheduler}: each request is checked on its own (so a
 * bad request fails alone), queued, concatenated with others along dimension 0, run once per batch, and
 * answered with its own rows of the outputs.
 *
 * <p>A signature is batched only if every input and output has the batch as its leading dimension ({@code -1}
 * in the signature). Other signatures, and requests whose inputs do not share one leading size, run on their
 * own, at once, as without batching.
 *
 * <p>If {@code inner} bounds its runs ({@link RunAdmission}), a batch takes one of its slots when the scheduler is
 * about to run it, and waits in the scheduler's queue until one is free; requests that are not batched wait in the
 * gate's own queue.
 */
final class BatchingServable implements QueueingServable {

    /** What requests must share to run in one batch (the owner compares by identity: one loaded version). */
    record QueueKey(BatchingServable owner, String signature, List<String> outputs, List<InputForm> inputs) {
        String describe() {
            return owner.name + ", signature \"" + signature + "\"";
        }
    }

    /** One input as it takes part in a batch: its dtype and its shape without the leading dimension. */
    record InputForm(String key, DataType dtype, List<Long> innerDims) {}

    private final String name;
    private final Servable inner;
    /** What runs a batch: the servable behind the gate, since a batch takes its slot before it runs. */
    private final Servable batchRunner;

    private final Optional<RunGate> gate;
    private final BatchScheduler scheduler;
    private final Map<String, Boolean> batchable = new LinkedHashMap<>();

    BatchingServable(String name, Servable inner, BatchScheduler scheduler) {
        this.name = name;
        this.inner = inner;
        this.scheduler = scheduler;
        if (inner instanceof AdmittedServable admitted) {
            this.batchRunner = admitted.ungated();
            this.gate = Optional.of(admitted.gate());
        } else {
            this.batchRunner = inner;
            this.gate = Optional.empty();
        }
        inner.signatures().forEach((key, signature) -> batchable.put(key, batchable(signature)));
    }

    /** The gate whose slot a batch of this servable must take before it runs; empty if its runs are not bounded. */
    Optional<RunGate> gate() {
        return gate;
    }

    /** Whether every input and output of the signature has an unknown leading dimension: the batch. */
    static boolean batchable(SignatureDef signature) {
        return !signature.getInputsMap().isEmpty()
                && !signature.getOutputsMap().isEmpty()
                && signature.getInputsMap().values().stream().allMatch(BatchingServable::leadingDimIsBatch)
                && signature.getOutputsMap().values().stream().allMatch(BatchingServable::leadingDimIsBatch);
    }

    private static boolean leadingDimIsBatch(TensorInfo info) {
        TensorShapeProto shape = info.getTensorShape();
        return !shape.getUnknownRank()
                && shape.getDimCount() >= 1
                && shape.getDim(0).getSize() == -1;
    }

    @Override
    public Map<String, SignatureDef> signatures() {
        return inner.signatures();
    }

    @Override
    public CompletableFuture<Map<String, TensorProto>> predictAsync(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
        try {
            SignatureDef signature = inner.signatures().get(signatureKey);
            if (signature == null || !batchable.get(signatureKey)) {
                return inner.predictAsync(signatureKey, inputs, outputFilter, limits);
            }
            TensorChecks.checkInputs(signature, inputs);
            List<String> outputs = TensorChecks.outputsToFetch(signature, outputFilter);
            int rows = commonLeadingSize(inputs);
            if (rows < 1) {
                // Nothing to batch (no rows), or inputs that disagree on the batch: TensorFlow says what is wrong.
                return inner.predictAsync(signatureKey, inputs, outputFilter, limits);
            }
            int max = scheduler.options().maxBatchSize();
            if (rows > max) {
                throw ServingException.invalidArgument("Task size " + rows + " is larger than maximum input batch size "
                        + max + " (max_batch_size in the batching parameters file): send at most " + max
                        + " examples per request, or raise max_batch_size.");
            }
            if (limits.timeLeft()
                    .map(left -> left.isNegative() || left.isZero())
                    .orElse(false)) {
                throw new ServingException(Code.DEADLINE_EXCEEDED, "the deadline passed before the request was queued");
            }
            List<InputForm> forms = new ArrayList<>();
            for (String key :
                    signature.getInputsMap().keySet().stream().sorted().toList()) {
                TensorProto t = inputs.get(key);
                forms.add(new InputForm(
                        key,
                        t.getDtype(),
                        t.getTensorShape().getDimList().stream()
                                .skip(1)
                                .map(TensorShapeProto.Dim::getSize)
                                .toList()));
            }
            return scheduler.submit(new QueueKey(this, signatureKey, outputs, forms), inputs, rows, limits);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The leading size every input shares, or -1 if an input is a scalar or they disagree. */
    private static int commonLeadingSize(Map<String, TensorProto> inputs) {
        long size = -1;
        for (TensorProto t : inputs.values()) {
            if (t.getTensorShape().getDimCount() == 0) {
                return -1;
            }
            long first = t.getTensorShape().getDim(0).getSize();
            if (size >= 0 && first != size) {
                return -1;
            }
            size = first;
        }
        return size > Integer.MAX_VALUE ? -1 : (int) size;
    }

    /**
     * Runs one batch: the requests' inputs (already checked, all of the form {@code key} describes) joined along
     * dimension 0, and the outputs split back into each request's rows.
     */
    List<Map<String, TensorProto>> runBatch(
            QueueKey key, List<Map<String, TensorProto>> requests, int rows, RunLimits limits) {
        if (requests.size() == 1) {
            return List.of(batchRunner.predict(key.signature(), requests.getFirst(), key.outputs(), limits));
        }
        int[] sizes = requests.stream()
                .mapToInt(r -> (int)
                        r.values().iterator().next().getTensorShape().getDim(0).getSize())
                .toArray();
        Map<String, TensorProto> joined = new LinkedHashMap<>();
        for (InputForm form : key.inputs()) {
            joined.put(form.key(), join(form, requests, sizes, rows));
        }
        Map<String, TensorProto> outputs = batchRunner.predict(key.signature(), joined, key.outputs(), limits);
        List<Map<String, TensorProto>> answers = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            answers.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, TensorProto> output : outputs.entrySet()) {
            List<TensorProto> parts = split(key, output.getKey(), output.getValue(), sizes, rows);
            for (int i = 0; i < parts.size(); i++) {
                answers.get(i).put(output.getKey(), parts.get(i));
            }
        }
        return answers;
    }

    private static TensorProto join(InputForm form, List<Map<String, TensorProto>> requests, int[] sizes, int rows) {
        long rowElements = form.innerDims().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
        if (form.dtype() == DataType.DT_STRING) {
            TensorProto.Builder out = TensorProto.newBuilder().setDtype(form.dtype());
            out.getTensorShapeBuilder().addDimBuilder().setSize(rows);
            form.innerDims()
                    .forEach(d -> out.getTensorShapeBuilder().addDimBuilder().setSize(d));
            for (int i = 0; i < requests.size(); i++) {
                out.addAllStringVal(StringValues.values(requests.get(i).get(form.key()), rowElements * sizes[i]));
            }
            return out.build();
        }
        ElementType type = ElementType.of(form.dtype()).orElseThrow();
        long totalBytes = Math.multiplyExact(Math.multiplyExact(rowElements, rows), type.width());
        if (totalBytes > Integer.MAX_VALUE) {
            throw ServingException.invalidArgument(
                    "input \"" + form.key() + "\": a batch of " + rows + " examples would be " + totalBytes
                            + " bytes, more than one tensor can hold; lower max_batch_size");
        }
        byte[] bytes = new byte[(int) totalBytes];
        int offset = 0;
        for (int i = 0; i < requests.size(); i++) {
            long elements = rowElements * sizes[i];
            type.copyRawBytes(requests.get(i).get(form.key()), elements, bytes, offset);
            offset += (int) (elements * type.width());
        }
        TensorProto.Builder out = TensorProto.newBuilder().setDtype(form.dtype());
        out.getTensorShapeBuilder().addDimBuilder().setSize(rows);
        form.innerDims()
                .forEach(d -> out.getTensorShapeBuilder().addDimBuilder().setSize(d));
        return out.setTensorContent(UnsafeByteOperations.unsafeWrap(bytes)).build();
    }

    private static List<TensorProto> split(QueueKey key, String name, TensorProto output, int[] sizes, int rows) {
        TensorShapeProto shape = output.getTensorShape();
        if (shape.getDimCount() == 0 || shape.getDim(0).getSize() != rows) {
            throw new ServingException(
                    Code.INTERNAL,
                    "output \"" + name + "\" of " + key.describe() + " has shape "
                            + TensorChecks.describe(shape) + ", which does not have the batch of " + rows
                            + " examples as its leading"
                            + " dimension, so it cannot be split into answers; serve this model without --enable_batching");
        }
        if (output.getDtype() == DataType.DT_STRING) {
            return splitStrings(output, sizes, rows);
        }
        ElementType type = ElementType.of(output.getDtype())
                .orElseThrow(() -> new ServingException(
                        Code.UNIMPLEMENTED,
                        "output \"" + name + "\" has dtype " + output.getDtype() + ", which batching cannot split"));
        List<Long> inner = shape.getDimList().stream()
                .skip(1)
                .map(TensorShapeProto.Dim::getSize)
                .toList();
        long rowElements = inner.stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
        ByteBuffer values =
                ByteBuffer.wrap(type.rawBytes(output, rowElements * rows)).order(ByteOrder.LITTLE_ENDIAN);
        boolean raw = !output.getTensorContent().isEmpty();
        List<TensorProto> parts = new ArrayList<>(sizes.length);
        for (int size : sizes) {
            TensorProto.Builder part = TensorProto.newBuilder().setDtype(output.getDtype());
            part.getTensorShapeBuilder().addDimBuilder().setSize(size);
            inner.forEach(d -> part.getTensorShapeBuilder().addDimBuilder().setSize(d));
            long elements = rowElements * size;
            if (raw) {
                // Answered as raw bytes: keep each part raw too.
                byte[] bytes = new byte[(int) (elements * type.width())];
                values.get(bytes);
                part.setTensorContent(UnsafeByteOperations.unsafeWrap(bytes));
            } else {
                for (long e = 0; e < elements; e++) {
                    type.addValue(values, part);
                }
            }
            parts.add(part.build());
        }
        return parts;
    }

    /** A string output of a batch, split into each request's rows. */
    private static List<TensorProto> splitStrings(TensorProto output, int[] sizes, int rows) {
        List<TensorShapeProto.Dim> inner = output.getTensorShape()
                .getDimList()
                .subList(1, output.getTensorShape().getDimCount());
        long rowElements =
                inner.stream().mapToLong(TensorShapeProto.Dim::getSize).reduce(1, Math::multiplyExact);
        List<com.google.protobuf.ByteString> values = StringValues.values(output, rowElements * rows);
        List<TensorProto> parts = new ArrayList<>(sizes.length);
        int from = 0;
        for (int size : sizes) {
            int to = from + Math.toIntExact(rowElements * size);
            TensorProto.Builder part = TensorProto.newBuilder().setDtype(output.getDtype());
            part.getTensorShapeBuilder().addDimBuilder().setSize(size);
            inner.forEach(d -> part.getTensorShapeBuilder().addDim(d));
            parts.add(part.addAllStringVal(values.subList(from, to)).build());
            from = to;
        }
        return parts;
    }

    /**
     * As the servable behind: a call that is batched only joins a queue, but one that is not (no batch dimension)
     * runs at once, and the servable behind knows how long that takes.
     */
    @Override
    public boolean answersBrieflyNow(long inputBytes) {
        return inner.answersBrieflyNow(inputBytes);
    }

    @Override
    public void close() {
        scheduler.remove(this);
        inner.close();
    }

    @Override
    public String toString() {
        return name + " (batched: "
                + batchable.entrySet().stream()
                        .filter(Map.Entry::getValue)
                        .map(Map.Entry::getKey)
                        .collect(Collectors.joining(", "))
                + ")";
    }
}
