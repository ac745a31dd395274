package dev.digitpad.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.contract.ModelDescription;
import dev.digitpad.contract.VersionLabels;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.GetModelMetadataResponse;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.GetModelStatusResponse;
import dev.digitpad.protocol.serving.ModelServiceGrpc;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.ModelVersionStatus;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.protocol.serving.SignatureDefMap;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/**
 * Asks a TensorFlow Serving compatible server which digit an image shows. It learns the model's input and
 * output from {@code GetModelMetadata} (cached), so it works with any MNIST-like model, not only
 * DigitPad's own. Every call has a deadline, and every failure becomes a {@link PredictionException}
 * whose message says what to do.
 *
 * <p>The channel is injected and not owned: whoever made it shuts it down. When it is a {@link ManagedChannel} that
 * has lost its server ({@code TRANSIENT_FAILURE}), a call first resets gRPC's reconnect back-off and gives the new
 * connection up to {@link #RECONNECT_WAIT} (within the call's deadline) to come up, so that the first call after a
 * server comes back is answered, instead of failing until gRPC's back-off (which grows to minutes) next tries.
 */
public final class PredictionClient {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionClient.class);
    /** The response header of DigitPad's server that lists a model's labels. */
    private static final Metadata.Key<String> LABELS =
            Metadata.Key.of(VersionLabels.HEADER, Metadata.ASCII_STRING_MARSHALLER);
    /** TensorFlow Serving's tutorials give each call 10 seconds. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    /**
     * How long a call waits for a new connection after a reset back-off, at most: a connection on a LAN, or a TLS
     * handshake across a continent, comes up well within it. While the server is still down, each call waits this
     * long once before it fails, since gRPC reports a failed attempt by staying in {@code TRANSIENT_FAILURE}.
     */
    static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);

    /**
     * What to ask for.
     *
     * @param version the latest version (also for null), a version number or a label
     */
    public record Options(String model, VersionChoice version, String signature, Duration deadline) {
        public Options {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("The model name is empty; the shipped model is called \""
                        + ModelContract.DEFAULT_MODEL_NAME + "\".");
            }
            version = version == null ? VersionChoice.LATEST : version;
            signature = signature == null || signature.isBlank() ? ModelContract.DEFAULT_SIGNATURE : signature;
            deadline = deadline == null ? DEFAULT_DEADLINE : deadline;
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("The deadline must be longer than zero.");
            }
        }

        public static Options model(String model) {
            return new Options(model, VersionChoice.LATEST, ModelContract.DEFAULT_SIGNATURE, DEFAULT_DEADLINE);
        }

        /** These options, asking for {@code choice} instead. */
        public Options withVersion(VersionChoice choice) {
            return new Options(model, choice, signature, deadline);
        }

        /** These options, with calls given {@code newDeadline} instead. */
        public Options withDeadline(Duration newDeadline) {
            return new Options(model, version, signature, newDeadline);
        }

        /** The model spec of a call: the model and the version asked for (a number or a label), no signature. */
        ModelSpec spec() {
            ModelSpec.Builder spec = ModelSpec.newBuilder().setName(model);
            switch (version.kind()) {
                case NUMBER -> spec.setVersion(Int64Value.of(version.number()));
                case LABEL -> spec.setVersionLabel(version.label());
                case LATEST -> {}
            }
            return spec.build();
        }
    }

    /** One version of the model as the server reports it. */
    public record VersionState(long version, String state, String error) {
        /** Whether the version answers calls. */
        public boolean available() {
            return state.equals("AVAILABLE");
        }
    }

    private final Channel channel;
    private final PredictionServiceGrpc.PredictionServiceBlockingStub prediction;
    private final ModelServiceGrpc.ModelServiceBlockingStub models;
    private final String server;
    private final Options options;
    private final MetadataCache cache;
    /** Counted down when the channel leaves its current {@code TRANSIENT_FAILURE}; one watch per failure. */
    private CountDownLatch leftFailure;

    /**
     * @param server how to name the server in messages, usually the address typed by the user
     */
    public PredictionClient(Channel channel, String server, Options options, MetadataCache cache) {
        this.channel = channel;
        this.prediction = PredictionServiceGrpc.newBlockingStub(channel);
        this.models = ModelServiceGrpc.newBlockingStub(channel);
        this.server = Objects.requireNonNull(server);
        this.options = Objects.requireNonNull(options);
        this.cache = Objects.requireNonNull(cache);
    }

    public Options options() {
        return options;
    }

    /** The model's input and output as this client will use them (asks the server once, then remembers). */
    public ModelInterface describe() {
        return cache.get(server, options.model(), options.version().key(), options.signature(), this::discover);
    }

    /**
     * The state of the version asked for, or of every version when the latest is asked for, as {@code
     * GetModelStatus} reports them. A label is not sent: TensorFlow Serving ignores it here, and answers for every
     * version.
     */
    public List<VersionState> status() {
        ModelSpec spec = spec();
        if (spec.hasVersionLabel()) {
            spec = spec.toBuilder().clearVersionLabel().build();
        }
        ModelSpec asked = spec;
        return states(call(deadline -> models.withDeadline(deadline)
                .getModelStatus(
                        GetModelStatusRequest.newBuilder().setModelSpec(asked).build())));
    }

    /**
     * Every version of the model with its state ({@code GetModelStatus}), and its labels when the server lists them:
     * DigitPad's server does, in a response header ({@link VersionLabels}); TensorFlow Serving does not, and then
     * the labels are empty (a label still works when asked for by name).
     */
    public ModelVersions versions() {
        return call(this::versions);
    }

    private ModelVersions versions(Deadline deadline) {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        GetModelStatusResponse response = models.withDeadline(deadline)
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
                .getModelStatus(GetModelStatusRequest.newBuilder()
                        .setModelSpec(ModelSpec.newBuilder().setName(options.model()))
                        .build());
        return new ModelVersions(options.model(), states(response), labels(headers.get()));
    }

    /** The labels in the response headers, if the server sent them; none if it did not, or sent them garbled. */
    private SortedMap<String, Long> labels(Metadata headers) {
        String value = headers == null ? null : headers.get(LABELS);
        if (value == null) {
            return Collections.emptySortedMap();
        }
        try {
            return VersionLabels.decode(value);
        } catch (IllegalArgumentException e) {
            LOG.warn("{} sent version labels that cannot be read ({}); showing none", server, e.getMessage());
            return Collections.emptySortedMap();
        }
    }

    private static List<VersionState> states(GetModelStatusResponse response) {
        List<VersionState> states = new ArrayList<>();
        for (ModelVersionStatus s : response.getModelVersionStatusList()) {
            states.add(new VersionState(
                    s.getVersion(), s.getState().name(), s.getStatus().getErrorMessage()));
        }
        return states;
    }

    /** Predicts one 28x28 image, given as 784 values in 0..1, row-major, ink bright on dark. */
    public Prediction predict(float[] pixels) {
        return predictBatch(List.of(pixels)).get(0);
    }

    /** Predicts several images in one call. */
    public List<Prediction> predictBatch(List<float[]> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        ModelInterface model = describe();
        ByteBuffer content = ByteBuffer.allocate(images.size() * ModelInterface.PIXELS * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float[] image : images) {
            if (image.length != ModelInterface.PIXELS) {
                throw new IllegalArgumentException("An image for the model has " + ModelInterface.PIXELS + " values ("
                        + ModelContract.SIDE + "x" + ModelContract.SIDE + "), not " + image.length + ".");
            }
            for (float v : image) {
                content.putFloat(v);
            }
        }
        TensorProto.Builder input = TensorProto.newBuilder()
                .setDtype(DataType.DT_FLOAT)
                .setTensorContent(ByteString.copyFrom(content.flip()));
        model.inputShape(images.size())
                .forEach(d -> input.getTensorShapeBuilder().addDimBuilder().setSize(d));
        PredictRequest request = PredictRequest.newBuilder()
                .setModelSpec(spec().toBuilder().setSignatureName(model.signature()))
                .putInputs(model.inputKey(), input.build())
                .addOutputFilter(model.outputKey())
                .build();
        long started = System.nanoTime();
        PredictResponse response;
        try {
            response = call(deadline -> prediction.withDeadline(deadline).predict(request));
        } catch (PredictionException e) {
            if (e.code() == Status.Code.INVALID_ARGUMENT
                    || e.code() == Status.Code.NOT_FOUND
                    || e.code() == Status.Code.FAILED_PRECONDITION) {
                cache.forget(server, options.model()); // the model may have changed under us
            }
            throw e;
        }
        Duration roundTrip = Duration.ofNanos(System.nanoTime() - started);
        TensorProto output = response.getOutputsMap().get(model.outputKey());
        if (output == null) {
            throw new PredictionException(
                    Status.Code.INTERNAL,
                    "The server at " + server + " answered without the output \"" + model.outputKey()
                            + "\"; it may not be a TensorFlow Serving compatible server.");
        }
        float[] values = Outputs.floats(output);
        if (values.length != images.size() * ModelInterface.CLASSES) {
            throw new PredictionException(
                    Status.Code.INTERNAL,
                    "The server at " + server + " answered " + values.length + " values for " + images.size()
                            + " images; expected 10 per image.");
        }
        long version = response.getModelSpec().hasVersion()
                ? response.getModelSpec().getVersion().getValue()
                : model.version();
        List<Prediction> predictions = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            float[] row =
                    java.util.Arrays.copyOfRange(values, i * ModelInterface.CLASSES, (i + 1) * ModelInterface.CLASSES);
            boolean logits = !Outputs.isDistribution(row);
            predictions.add(new Prediction(
                    logits ? Outputs.softmax(row) : row,
                    logits,
                    options.model(),
                    version,
                    roundTrip,
                    options.version().label()));
        }
        return predictions;
    }

    private ModelInterface discover() {
        Served served = metadata(spec());
        return ModelInterface.of(options.model(), served.version(), options.signature(), served.signatures());
    }

    /** A version's signatures as {@code GetModelMetadata} sends them; the version is -1 if the server did not say. */
    private record Served(long version, Map<String, SignatureDef> signatures) {}

    private Served metadata(ModelSpec spec) {
        GetModelMetadataResponse response = call(deadline -> prediction
                .withDeadline(deadline)
                .getModelMetadata(GetModelMetadataRequest.newBuilder()
                        .setModelSpec(spec)
                        .addMetadataField("signature_def")
                        .build()));
        SignatureDefMap signatures;
        try {
            var any = response.getMetadataMap().get("signature_def");
            if (any == null) {
                throw new PredictionException(
                        Status.Code.INTERNAL,
                        "The server at " + server + " sent no signature_def for model \"" + options.model() + "\".");
            }
            signatures = any.unpack(SignatureDefMap.class);
        } catch (InvalidProtocolBufferException e) {
            throw new PredictionException(
                    Status.Code.INTERNAL,
                    "The server at " + server + " sent metadata that is not a" + " SignatureDefMap (" + e.getMessage()
                            + ").",
                    e);
        }
        long version = response.getModelSpec().hasVersion()
                ? response.getModelSpec().getVersion().getValue()
                : -1;
        return new Served(version, signatures.getSignatureDefMap());
    }

    /**
     * What the model offers, as {@code digitpad inspect --server} prints it: each version with its state ({@code
     * GetModelStatus}) and, for each {@code AVAILABLE} one, its signatures ({@code GetModelMetadata}). Every version
     * when the latest is asked for; only the one asked for otherwise (a label is resolved by the server). The tag set
     * is not known: the metadata does not carry it.
     */
    public ModelDescription inspect() {
        ModelVersions listed = versions();
        Served asked = options.version().kind() == VersionChoice.Kind.LATEST ? null : metadata(spec());
        List<ModelDescription.Version> described = new ArrayList<>();
        for (VersionState v : listed.versions()) {
            if (asked != null && asked.version() != v.version()) {
                continue;
            }
            List<ModelDescription.MetaGraph> graphs = List.of();
            if (v.available()) {
                Served served = asked != null
                        ? asked
                        : metadata(ModelSpec.newBuilder()
                                .setName(options.model())
                                .setVersion(Int64Value.of(v.version()))
                                .build());
                graphs = List.of(
                        new ModelDescription.MetaGraph(null, ModelDescriptions.signatures(served.signatures())));
            }
            described.add(new ModelDescription.Version(v.version(), v.state(), graphs));
        }
        return new ModelDescription(options.model(), server, ModelDescription.Origin.SERVER, described);
    }

    private ModelSpec spec() {
        return options.spec();
    }

    /** Runs one call with the options' deadline; a lost connection is tried again first, within that deadline. */
    private <T> T call(Function<Deadline, T> rpc) {
        Deadline deadline = Deadline.after(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
        reconnectIfFailed(deadline);
        try {
            return rpc.apply(deadline);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                throw ClientErrors.notFound(e, server, options.model(), options.version(), whatTheServerHas());
            }
            if (ClientErrors.unknownLabel(e)) {
                throw ClientErrors.unknownLabel(e, server, options.model(), options.version(), whatTheServerHas());
            }
            throw ClientErrors.translate(e, server, options.model(), options.deadline(), connected());
        }
    }

    /**
     * What the server has of the model, for a message about a version or label it does not have: its versions and
     * labels, or none when it has no such model or will not say.
     */
    private ModelVersions whatTheServerHas() {
        try {
            return versions(Deadline.after(options.deadline().toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException notEvenTheModel) {
            return new ModelVersions(options.model(), List.of(), Collections.emptySortedMap());
        }
    }

    /**
     * If the channel has lost its server, resets gRPC's reconnect back-off and waits, up to {@link #RECONNECT_WAIT} and
     * never past {@code deadline}, for the new connection: had the call gone at once, it would fail with the old
     * error even when the server is back, since gRPC keeps a channel in {@code TRANSIENT_FAILURE} until a connection
     * is ready.
     */
    private void reconnectIfFailed(Deadline deadline) {
        if (!(channel instanceof ManagedChannel managed)
                || managed.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
            return;
        }
        CountDownLatch left;
        synchronized (this) {
            if (leftFailure == null || leftFailure.getCount() == 0) {
                CountDownLatch latch = new CountDownLatch(1);
                leftFailure = latch;
                managed.notifyWhenStateChanged(ConnectivityState.TRANSIENT_FAILURE, latch::countDown);
            }
            left = leftFailure;
        }
        // Starts an attempt unless one is under way (gRPC ignores the reset then). Each call waits for its attempt, so
        // attempts come no faster than calls do, and a call is at most RECONNECT_WAIT slower for it.
        managed.resetConnectBackoff();
        long wait = Math.min(RECONNECT_WAIT.toNanos(), deadline.timeRemaining(TimeUnit.NANOSECONDS));
        try {
            left.await(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the channel has a connection now (a channel that is not a {@link ManagedChannel} is taken to have). */
    private boolean connected() {
        return !(channel instanceof ManagedChannel managed) || managed.getState(false) == ConnectivityState.READY;
    }

    /**
     * Tries to reach the server again at once ("Retry now"): resets gRPC's reconnect back-off and asks for a
     * connection. Returns at once; the next call, or {@link #whenConnectedAgain}, tells whether it worked.
     */
    public void reconnectNow() {
        if (channel instanceof ManagedChannel managed) {
            managed.resetConnectBackoff();
            managed.getState(true);
        }
    }

    /**
     * Runs {@code callback} once, on a gRPC thread, the next time the channel gets a connection to the server after
     * being without one (gRPC's own reconnects, with its back-off, or {@link #reconnectNow()}). This only watches the
     * channel: it sends nothing to the server. A channel that is not a {@link ManagedChannel} is never watched.
     *
     * @return stops the watch
     */
    public Runnable whenConnectedAgain(Runnable callback) {
        if (!(channel instanceof ManagedChannel managed)) {
            return () -> {};
        }
        AtomicBoolean stopped = new AtomicBoolean();
        watch(managed, managed.getState(false), callback, stopped);
        return () -> stopped.set(true);
    }

    private static void watch(
            ManagedChannel channel, ConnectivityState from, Runnable callback, AtomicBoolean stopped) {
        channel.notifyWhenStateChanged(from, () -> {
            ConnectivityState now = channel.getState(false);
            if (stopped.get() || now == ConnectivityState.SHUTDOWN) {
                return;
            }
            if (now == ConnectivityState.READY && from != ConnectivityState.READY) {
                callback.run();
            } else {
                watch(channel, now, callback, stopped);
            }
        });
    }
}
