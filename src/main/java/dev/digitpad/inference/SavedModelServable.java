package dev.digitpad.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.RawTensor;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.error.Code;
import org.tensorflow.types.TString;

/** A TensorFlow SavedModel (tag {@code serve}) loaded with tensorflow-java. */
public final class SavedModelServable implements Servable {
    private static final Logger log = LoggerFactory.getLogger(SavedModelServable.class);
    public static final String SERVE_TAG = "serve";

    private final SavedModelBundle bundle;
    private final Map<String, SignatureDef> signatures;
    private final AtomicLong runs = new AtomicLong();

    private SavedModelServable(SavedModelBundle bundle) {
        this.bundle = bundle;
        this.signatures = Map.copyOf(bundle.metaGraphDef().getSignatureDefMap());
    }

    /**
     * Loads the SavedModel in {@code dir}.
     *
     * @throws ServingException NOT_FOUND if there is no saved_model.pb, FAILED_PRECONDITION if TensorFlow cannot
     *     load it or it has no signature
     */
    public static SavedModelServable load(Path dir) {
        return load(dir, SessionThreads.AUTOMATIC);
    }

    /** Loads the SavedModel in {@code dir} with the given TensorFlow thread pools; see {@link #load(Path)}. */
    public static SavedModelServable load(Path dir, SessionThreads threads) {
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))
                && !Files.isRegularFile(dir.resolve("saved_model.pbtxt"))) {
            throw ServingException.notFound("no saved_model.pb in " + dir);
        }
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(dir.toString())
                    .withTags(SERVE_TAG)
                    .withConfigProto(threads.config())
                    .load();
        } catch (TensorFlowException | IllegalArgumentException | UnsupportedOperationException e) {
            throw ServingException.failedPrecondition(
                    "TensorFlow could not load the SavedModel in " + dir + ": " + firstLine(e));
        }
        SavedModelServable servable = new SavedModelServable(bundle);
        if (servable.signatures.isEmpty()) {
            servable.close();
            throw ServingException.failedPrecondition("the SavedModel in " + dir + " has no signatures to serve");
        }
        return servable;
    }

    @Override
    public Map<String, SignatureDef> signatures() {
        return signatures;
    }

    /** How many times the model has actually been run. */
    public long runCount() {
        return runs.get();
    }

    @Override
    public Map<String, TensorProto> predict(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
        SignatureDef signature = signature(signatureKey);
        TensorChecks.checkInputs(signature, inputs);
        List<String> outputs = TensorChecks.outputsToFetch(signature, outputFilter);
        if (limits.cancelled().getAsBoolean()) {
            throw new ServingException(Code.CANCELLED, "the call was cancelled before the model ran");
        }
        Session.Runner runner = bundle.session().runner();
        Optional<Duration> timeLeft = limits.timeLeft();
        if (timeLeft.isPresent()) {
            Duration left = timeLeft.get();
            if (left.isNegative() || left.isZero()) {
                throw new ServingException(Code.DEADLINE_EXCEEDED, "the deadline passed before the model ran");
            }
            runner.setOptions(RunOptions.newBuilder()
                    .setTimeoutInMs(Math.max(1, left.toMillis()))
                    .build());
        }
        List<Tensor> fed = new ArrayList<>(inputs.size());
        try {
            for (Map.Entry<String, TensorInfo> e : signature.getInputsMap().entrySet()) {
                Tensor tensor = toTensor(inputs.get(e.getKey()));
                fed.add(tensor);
                runner.feed(e.getValue().getName(), tensor);
            }
            for (String key : outputs) {
                runner.fetch(signature.getOutputsMap().get(key).getName());
            }
            runs.incrementAndGet();
            try (Result result = runner.run()) {
                Map<String, TensorProto> answer = new LinkedHashMap<>();
                for (int i = 0; i < outputs.size(); i++) {
                    answer.put(outputs.get(i), toProto(result.get(i)));
                }
                return answer;
            }
        } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
            throw translate(e, timeLeft);
        } finally {
            fed.forEach(Tensor::close);
        }
    }

    /**
     * Runs every signature once on zeros, so that the first real call is not slowed by TensorFlow's lazy
     * initialisation. Signatures whose input shapes are not fully known apart from the batch are skipped.
     */
    public void warmUp() {
        for (Map.Entry<String, SignatureDef> sig : signatures.entrySet()) {
            Map<String, TensorProto> zeros = new LinkedHashMap<>();
            for (Map.Entry<String, TensorInfo> in :
                    sig.getValue().getInputsMap().entrySet()) {
                TensorShapeProto shape = in.getValue().getTensorShape();
                boolean strings = in.getValue().getDtype() == DataType.DT_STRING;
                if (shape.getUnknownRank()
                        || (!strings && ElementType.of(in.getValue().getDtype()).isEmpty())) {
                    zeros = null;
                    break;
                }
                TensorShapeProto.Builder concrete = TensorShapeProto.newBuilder();
                shape.getDimList().forEach(d -> concrete.addDimBuilder().setSize(d.getSize() < 0 ? 1 : d.getSize()));
                if (strings) {
                    // Empty strings: one value stands for all of them.
                    zeros.put(
                            in.getKey(),
                            TensorProto.newBuilder()
                                    .setDtype(DataType.DT_STRING)
                                    .setTensorShape(concrete)
                                    .addStringVal(com.google.protobuf.ByteString.EMPTY)
                                    .build());
                    continue;
                }
                ElementType type = ElementType.of(in.getValue().getDtype()).orElseThrow();
                long n = TensorChecks.elementCount(in.getKey(), concrete.build());
                zeros.put(
                        in.getKey(),
                        TensorProto.newBuilder()
                                .setDtype(type.dataType())
                                .setTensorShape(concrete)
                                .setTensorContent(com.google.protobuf.ByteString.copyFrom(
                                        new byte[Math.toIntExact(n * type.width())]))
                                .build());
            }
            if (zeros == null) {
                log.debug("Not warming up signature {}: its inputs are not fully known", sig.getKey());
                continue;
            }
            try {
                predict(sig.getKey(), zeros, List.of(), RunLimits.within(Duration.ofSeconds(30)));
            } catch (ServingException e) {
                log.warn("Warm-up run of signature \"{}\" failed: {}", sig.getKey(), e.getMessage());
            }
        }
    }

    /**
     * The same signature run straight through tensorflow-java, with the input tensors made once: no
     * checks, no proto conversion. Benchmarks use it as the baseline that serving adds to.
     */
    public DirectRun directRun(String signatureKey, Map<String, TensorProto> inputs) {
        SignatureDef signature = signature(signatureKey);
        TensorChecks.checkInputs(signature, inputs);
        return new DirectRun(signature, inputs);
    }

    /** A prepared run of one signature; see {@link #directRun}. Close it to free its input tensors. */
    public final class DirectRun implements AutoCloseable {
        private final Map<String, Tensor> feeds = new LinkedHashMap<>();
        private final List<String> fetches;

        private DirectRun(SignatureDef signature, Map<String, TensorProto> inputs) {
            signature.getInputsMap().forEach((key, info) -> feeds.put(info.getName(), toTensor(inputs.get(key))));
            fetches = signature.getOutputsMap().values().stream()
                    .map(TensorInfo::getName)
                    .sorted()
                    .toList();
        }

        /** Runs the model once and discards the outputs. */
        public void run() {
            Session.Runner runner = bundle.session().runner();
            feeds.forEach(runner::feed);
            fetches.forEach(runner::fetch);
            try (Result ignored = runner.run()) {
                runs.incrementAndGet();
            }
        }

        @Override
        public void close() {
            feeds.values().forEach(Tensor::close);
        }
    }

    @Override
    public void close() {
        bundle.close();
    }

    private static Tensor toTensor(TensorProto proto) {
        long[] dims = proto.getTensorShape().getDimList().stream()
                .mapToLong(TensorShapeProto.Dim::getSize)
                .toArray();
        long elements = TensorChecks.elementCount("", proto.getTensorShape());
        if (proto.getDtype() == DataType.DT_STRING) {
            return StringValues.toTensor(proto, dims, elements);
        }
        ElementType type = ElementType.of(proto.getDtype()).orElseThrow();
        byte[] bytes = type.rawBytes(proto, elements);
        // One bulk copy into the tensor's native memory.
        return Tensor.of(
                type.tensorClass(),
                Shape.of(dims),
                bytes.length,
                t -> t.asRawTensor().data().write(bytes));
    }

    private static TensorProto toProto(Tensor tensor) {
        if (tensor instanceof TString strings) {
            return StringValues.toProto(strings);
        }
        ElementType type = ElementType.of(tensor.dataType())
                .orElseThrow(() -> new ServingException(
                        Code.UNIMPLEMENTED,
                        "the model answered with dtype " + tensor.dataType() + ", which DigitPad cannot send"));
        RawTensor raw = tensor.asRawTensor();
        byte[] bytes = new byte[Math.toIntExact(raw.numBytes())];
        raw.data().read(bytes);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        TensorProto.Builder out = TensorProto.newBuilder().setDtype(type.dataType());
        for (long d : tensor.shape().asArray()) {
            out.getTensorShapeBuilder().addDimBuilder().setSize(d);
        }
        while (in.hasRemaining()) {
            type.addValue(in, out);
        }
        return out.build();
    }

    private static ServingException translate(RuntimeException e, Optional<Duration> timeLeft) {
        String message = firstLine(e);
        Code code;
        if (e instanceof TFInvalidArgumentException) {
            code = Code.INVALID_ARGUMENT;
        } else if (e instanceof TFFailedPreconditionException) {
            code = Code.FAILED_PRECONDITION;
        } else if (e instanceof TFOutOfRangeException) {
            code = Code.OUT_OF_RANGE;
        } else if (e instanceof TFResourceExhaustedException) {
            code = Code.RESOURCE_EXHAUSTED;
        } else if (e instanceof TFUnimplementedException) {
            code = Code.UNIMPLEMENTED;
        } else if (timeLeft.isPresent()
                && message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
            code = Code.DEADLINE_EXCEEDED;
            // TensorFlow reports the timeout once the graph has ended: it cannot interrupt CPU kernels midway.
            message = "the model did not finish within the " + timeLeft.get().toMillis()
                    + " ms left before the deadline; give the call a longer deadline, or a faster model";
        } else {
            code = Code.INTERNAL;
        }
        return new ServingException(code, message, e);
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
