package dev.digitpad.client;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC against REST on one server, for one digit: N calls of each {@link ProtocolCase}, one call of each case per
 * round and the order turned by one each round, so that whatever else the machine does falls on every case alike;
 * after a few rounds that are not counted (connections, class loading, the JIT, the server's first runs). Each case's
 * latencies go into an HdrHistogram, and its request's and answer's sizes are counted: for gRPC the serialized
 * protobuf messages, for REST the JSON bodies. A case whose first call fails is left out, with the reason; the others
 * are measured all the same.
 */
public final class ProtocolComparison {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolComparison.class);
    /** How often, at most, the progress is reported while the rounds run. */
    static final Duration PROGRESS_EVERY = Duration.ofMillis(100);

    /**
     * How much to measure.
     *
     * @param calls measured calls of each case
     * @param warmupRounds rounds before them, not counted
     * @param timeout each call's deadline
     */
    public record Settings(int calls, int warmupRounds, Duration timeout) {
        public static final int DEFAULT_CALLS = 200;
        public static final int DEFAULT_WARMUP_ROUNDS = 20;

        public Settings {
            if (calls < 1) {
                throw new IllegalArgumentException("The number of calls must be at least 1, not " + calls + ".");
            }
            if (warmupRounds < 1) {
                throw new IllegalArgumentException(
                        "At least one warm-up round is needed (it finds what answers), not " + warmupRounds + ".");
            }
            if (!timeout.isPositive()) {
                throw new IllegalArgumentException("The timeout must be longer than zero.");
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_CALLS, DEFAULT_WARMUP_ROUNDS, PredictionClient.DEFAULT_DEADLINE);
        }
    }

    /**
     * The server to compare on.
     *
     * @param server how it is named to people
     * @param grpc a channel to its gRPC port (not owned)
     * @param rest its REST root, e.g. {@code http://localhost:8501}
     * @param options the model, version and signature to call
     */
    public record Target(String server, Channel grpc, URI rest, PredictionClient.Options options) {}

    /**
     * Where a server takes gRPC and REST calls for a comparison, open until closed.
     *
     * @param server how it is named to people
     * @param grpc a channel to its gRPC port
     * @param rest its REST root
     * @param closer closes what was opened for the comparison (nothing, when the channel is the window's)
     */
    public record Endpoints(String server, Channel grpc, URI rest, Runnable closer) implements AutoCloseable {
        public Target target(PredictionClient.Options options) {
            return new Target(server, grpc, rest, options);
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    /**
     * One case's figures so far.
     *
     * @param leftOut why the case was not measured; empty if it was
     * @param calls measured calls that were answered
     * @param errors measured calls that failed
     * @param firstError the first failure's message, or empty
     * @param latency the answered calls' latencies, in nanoseconds
     * @param latenciesNanos the same, in the order of the calls
     * @param requestBytes what one request carries: the serialized {@code PredictRequest}, or the JSON body
     * @param responseBytes what one answer carries: the serialized {@code PredictResponse}, or the JSON body
     */
    public record CaseFigures(
            ProtocolCase protocolCase,
            Optional<String> leftOut,
            long calls,
            long errors,
            String firstError,
            Histogram latency,
            long[] latenciesNanos,
            int requestBytes,
            int responseBytes) {

        public boolean measured() {
            return leftOut.isEmpty();
        }

        /** A percentile of the answered calls' latency in milliseconds; NaN if none was answered. */
        public double percentileMillis(double p) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1e6;
        }
    }

    /**
     * The comparison so far, or when finished.
     *
     * @param input what was sent, for people
     * @param roundsDone measured rounds done
     * @param rounds measured rounds in all
     * @param cases every case, in {@link ProtocolCase} order
     */
    public record Snapshot(
            String server,
            URI rest,
            String input,
            int warmupRounds,
            int roundsDone,
            int rounds,
            List<CaseFigures> cases,
            boolean finished) {

        public CaseFigures of(ProtocolCase c) {
            return cases.stream().filter(f -> f.protocolCase() == c).findFirst().orElseThrow();
        }

        /**
         * The median latency of gRPC with {@code tensor_content} as a share of REST rows' (0.25 for a quarter); empty
         * until both have answered.
         */
        public OptionalDouble grpcShareOfRest() {
            double grpc = of(ProtocolCase.GRPC_TENSOR_CONTENT).percentileMillis(50);
            double rest = of(ProtocolCase.REST_ROWS).percentileMillis(50);
            return Double.isNaN(grpc) || Double.isNaN(rest) || rest <= 0
                    ? OptionalDouble.empty()
                    : OptionalDouble.of(grpc / rest);
        }

        /** Why REST was not measured, when neither REST case was; the reasons, once each. */
        public Optional<String> restLeftOut() {
            List<CaseFigures> rest =
                    cases.stream().filter(c -> !c.protocolCase().grpc()).toList();
            if (rest.stream().anyMatch(CaseFigures::measured)) {
                return Optional.empty();
            }
            return Optional.of(
                    rest.stream().map(c -> c.leftOut().orElseThrow()).distinct().collect(Collectors.joining(" ")));
        }

        /**
         * The one sentence: "Here, gRPC answered in X% of REST's time", saying what it compares, or why it cannot be
         * said (yet).
         */
        public String sentence() {
            OptionalDouble share = grpcShareOfRest();
            if (share.isPresent()) {
                return String.format(
                        Locale.ROOT,
                        "Here, gRPC answered in %.0f%% of REST's time (median of gRPC tensor_content against median"
                                + " of REST rows, %d calls each).",
                        100 * share.getAsDouble(),
                        Math.min(
                                of(ProtocolCase.GRPC_TENSOR_CONTENT).calls(),
                                of(ProtocolCase.REST_ROWS).calls()));
            }
            Optional<String> noRest = restLeftOut();
            if (noRest.isPresent()) {
                return "REST was left out, so there is nothing to compare gRPC with: " + noRest.get()
                        + " gRPC was measured.";
            }
            if (!of(ProtocolCase.GRPC_TENSOR_CONTENT).measured()) {
                return "gRPC tensor_content was left out: "
                        + of(ProtocolCase.GRPC_TENSOR_CONTENT).leftOut().orElseThrow();
            }
            if (!of(ProtocolCase.REST_ROWS).measured()) {
                return "REST rows were left out: "
                        + of(ProtocolCase.REST_ROWS).leftOut().orElseThrow();
            }
            return finished ? "No call of gRPC tensor_content or REST rows was answered." : "Measuring…";
        }
    }

    /** One case's calls: a call returns the answer's size in bytes, or throws why there is none. */
    private interface Caller {
        int call() throws Exception;
    }

    /** One case's state while the rounds run. */
    private static final class Tally {
        final ProtocolCase protocolCase;
        final int requestBytes;
        final Caller caller;
        final Histogram latency = new Histogram(3);
        final long[] raw;
        int answered;
        long errors;
        String firstError = "";
        String leftOut;
        int responseBytes;

        Tally(ProtocolCase protocolCase, int requestBytes, Caller caller, int calls) {
            this.protocolCase = protocolCase;
            this.requestBytes = requestBytes;
            this.caller = caller;
            this.raw = new long[calls];
        }

        CaseFigures figures() {
            return new CaseFigures(
                    protocolCase,
                    Optional.ofNullable(leftOut),
                    answered,
                    errors,
                    firstError,
                    latency.copy(),
                    java.util.Arrays.copyOf(raw, answered),
                    requestBytes,
                    responseBytes);
        }
    }

    private ProtocolComparison() {}

    /**
     * Measures every case on {@code target} with {@code pixels} (784 values in 0..1, the model's view of the digit).
     * Returns when done; {@code progress} is told the figures as the rounds go, at most every 100 ms, and at the end.
     *
     * @throws PredictionException if the model cannot be asked what it takes (over gRPC), saying why
     * @throws InterruptedException if the thread is interrupted: the comparison is cancelled
     */
    public static Snapshot run(Settings settings, Target target, float[] pixels, Consumer<Snapshot> progress)
            throws InterruptedException {
        if (pixels.length != ModelContract.PIXELS) {
            throw new IllegalArgumentException("The digit has " + pixels.length + " values; the model takes "
                    + ModelContract.PIXELS + " (28x28).");
        }
        PredictionClient.Options options = target.options().withDeadline(settings.timeout());
        ModelInterface model =
                new PredictionClient(target.grpc(), target.server(), options, new MetadataCache()).describe();
        List<Long> shape = model.inputShape(1);
        PredictInputs inputs = PredictInputs.of(
                model.inputKey(), shape.stream().mapToLong(Long::longValue).toArray(), pixels);
        String input = "one 28x28 digit as " + model.inputKey() + " " + shape + " float, model \"" + options.model()
                + "\" (" + options.version().words() + ")";
        String signature = model.signature().equals(ModelContract.DEFAULT_SIGNATURE) ? "" : model.signature();

        try (RestPredict rest = new RestPredict(target.rest(), settings.timeout())) {
            Map<ProtocolCase, Tally> tallies = new EnumMap<>(ProtocolCase.class);
            for (ProtocolCase c : ProtocolCase.values()) {
                tallies.put(c, tally(c, settings, target, options, model, inputs, signature, rest));
            }
            List<Tally> order = new ArrayList<>(tallies.values());
            int k = order.size();
            for (int round = 0; round < settings.warmupRounds(); round++) {
                for (int i = 0; i < k; i++) {
                    warmUp(order.get((round + i) % k), target.server());
                }
            }
            long lastReport = System.nanoTime();
            for (int round = 0; round < settings.calls(); round++) {
                for (int i = 0; i < k; i++) {
                    measure(order.get((round + i) % k));
                }
                boolean last = round == settings.calls() - 1;
                if (last || System.nanoTime() - lastReport >= PROGRESS_EVERY.toNanos()) {
                    lastReport = System.nanoTime();
                    progress.accept(snapshot(target, input, settings, round + 1, tallies, last));
                }
            }
            Snapshot done = snapshot(target, input, settings, settings.calls(), tallies, true);
            LOG.info("Compared protocols on {}: {}", target.server(), done.sentence());
            return done;
        }
    }

    private static Snapshot snapshot(
            Target target, String input, Settings settings, int done, Map<ProtocolCase, Tally> tallies, boolean last) {
        return new Snapshot(
                target.server(),
                target.rest(),
                input,
                settings.warmupRounds(),
                done,
                settings.calls(),
                tallies.values().stream().map(Tally::figures).toList(),
                last);
    }

    private static Tally tally(
            ProtocolCase c,
            Settings settings,
            Target target,
            PredictionClient.Options options,
            ModelInterface model,
            PredictInputs inputs,
            String signature,
            RestPredict rest) {
        if (c.grpc()) {
            ModelSpec.Builder spec = options.spec().toBuilder();
            if (!signature.isEmpty()) {
                spec.setSignatureName(signature);
            }
            PredictRequest request = inputs.request(spec.build(), c == ProtocolCase.GRPC_TENSOR_CONTENT);
            PredictionServiceGrpc.PredictionServiceBlockingStub stub =
                    PredictionServiceGrpc.newBlockingStub(target.grpc());
            Caller caller = () -> {
                PredictResponse response;
                try {
                    response = stub.withDeadlineAfter(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
                            .predict(request);
                } catch (StatusRuntimeException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("cancelled");
                    }
                    throw ClientErrors.translate(
                            e, target.server(), options.model(), settings.timeout(), connected(target.grpc()));
                }
                if (!response.containsOutputs(model.outputKey())) {
                    throw new PredictionException(
                            io.grpc.Status.Code.INTERNAL,
                            target.server() + " answered without the output \"" + model.outputKey() + "\": "
                                    + response.getOutputsMap().keySet());
                }
                return response.getSerializedSize();
            };
            return new Tally(c, request.getSerializedSize(), caller, settings.calls());
        }
        RestPredict.Prepared prepared = rest.prepare(
                options.model(),
                options.version(),
                signature,
                inputs,
                c == ProtocolCase.REST_ROWS ? RestPredict.Format.ROWS : RestPredict.Format.COLUMNS);
        return new Tally(c, prepared.bodyBytes(), () -> rest.send(prepared).bodyBytes(), settings.calls());
    }

    private static boolean connected(Channel channel) {
        return !(channel instanceof ManagedChannel managed) || managed.getState(false) == ConnectivityState.READY;
    }

    private static void warmUp(Tally t, String server) throws InterruptedException {
        if (t.leftOut != null) {
            return;
        }
        try {
            t.responseBytes = t.caller.call();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            t.leftOut = e.getMessage();
            LOG.info("{} left out of the comparison on {}: {}", t.protocolCase.label(), server, e.getMessage());
        }
    }

    private static void measure(Tally t) throws InterruptedException {
        if (t.leftOut != null) {
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("cancelled");
        }
        long started = System.nanoTime();
        try {
            int bytes = t.caller.call();
            long nanos = Math.max(1, System.nanoTime() - started);
            t.latency.recordValue(nanos);
            t.raw[t.answered++] = nanos;
            t.responseBytes = bytes;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            t.errors++;
            if (t.firstError.isEmpty()) {
                t.firstError = String.valueOf(e.getMessage());
            }
        }
    }
}
