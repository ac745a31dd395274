package dev.digitpad.server;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.NativeObjects;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import dev.digitpad.inference.VersionStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * The model server's Prometheus metrics, under TensorFlow Serving's own names and labels, so that dashboards and alerts
 * written for TensorFlow Serving work unchanged, and a few of DigitPad's own under {@code :digitpad:}. Per model:
 *
 * <ul>
 *   <li>{@code :tensorflow:serving:request_count{model_name,status}}: requests by outcome (a canonical code name such
 *       as {@code OK} or {@code INVALID_ARGUMENT}). Counted as TensorFlow Serving counts them: gRPC Predict, Classify
 *       and Regress (not GetModelMetadata, GetModelStatus or MultiInference), and every REST request under
 *       {@code /v1/}, status and metadata included;
 *   <li>{@code :tensorflow:serving:request_latency{model_name,API,entrypoint}}: a histogram of the successful ones, in
 *       microseconds: {@code API} is {@code Predict}, {@code Classify} or {@code Regress} with {@code
 *       entrypoint="GRPC"}, and the verb of the path ({@code predict}, {@code classify}, {@code regress}, or empty for
 *       status and metadata) with {@code entrypoint="REST"}. TensorFlow Serving's buckets: 10 us times 1.8^i;
 *   <li>{@code :tensorflow:serving:runtime_latency{model_name,API,runtime}}: the time of each successful model run
 *       ({@code runtime="TF1"}, a TensorFlow session), in microseconds; with batching, one run per batch;
 *   <li>{@code :tensorflow:serving:request_example_counts{model}} (a histogram, buckets 1, 2, 4 ... 16384) and
 *       {@code request_example_count_total{model}}: tf.Examples per request, which TensorFlow Serving records for
 *       MultiInference ({@link #recordExamples});
 *   <li>{@code :tensorflow:serving:model_warmup_latency{model_path,status}} and {@code
 *       model_warmup_records_read{model_path,status}}: the replay of a version's warm-up requests ({@link
 *       #recordWarmup});
 *   <li>{@code :tensorflow:cc:saved_model:load_latency{model_path}}: microseconds spent loading the versions that
 *       loaded (a counter, as TensorFlow keeps it), and {@code load_attempt_count{model_path,status}}, per version
 *       folder;
 *   <li>{@code :digitpad:version_request_count{model_name,version,status}}, DigitPad's own: Predict calls by the
 *       version that answered them (empty for a call that failed), so that a canary's share of the traffic shows;
 *   <li>{@code :digitpad:model_version_state{model_name,version,state}}, DigitPad's own: 1 for each version the
 *       server knows, in its state ({@code LOADING}, {@code AVAILABLE}, {@code UNLOADING}, {@code END}...), read at
 *       the scrape;
 *   <li>{@code :digitpad:native_objects_open}, DigitPad's own: tensorflow-java's native objects (tensors, sessions,
 *       graphs) open at the time of the scrape (see {@link NativeObjects}). It stays flat while calls are answered
 *       if every tensor is closed; tests check exactly that after long runs.
 * </ul>
 *
 * <p>The text exposition format is written here rather than by the Prometheus Java client: that client
 * (1.x) exposes every counter as {@code <name>_total}, so TensorFlow Serving's
 * {@code :tensorflow:serving:request_count} would be renamed, and queries written for it would find nothing.
 *
 * <p>Label values stay bounded: callers pass the name of a model this server does not serve as "" (so made-up names
 * cannot grow the number of series), and versions are those that loaded.
 */
public final class ServingMetrics {
    /** Where TensorFlow Serving answers scrapes when the monitoring config names no path. */
    public static final String DEFAULT_PATH = "/monitoring/prometheus/metrics";
    /** Prometheus's text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String REQUEST_COUNT = ":tensorflow:serving:request_count";
    static final String REQUEST_LATENCY = ":tensorflow:serving:request_latency";
    static final String RUNTIME_LATENCY = ":tensorflow:serving:runtime_latency";
    static final String EXAMPLE_COUNTS = ":tensorflow:serving:request_example_counts";
    static final String EXAMPLE_COUNT_TOTAL = ":tensorflow:serving:request_example_count_total";
    static final String WARMUP_LATENCY = ":tensorflow:serving:model_warmup_latency";
    static final String WARMUP_RECORDS = ":tensorflow:serving:model_warmup_records_read";
    static final String LOAD_LATENCY = ":tensorflow:cc:saved_model:load_latency";
    static final String LOAD_ATTEMPT_COUNT = ":tensorflow:cc:saved_model:load_attempt_count";
    static final String VERSION_REQUEST_COUNT = ":digitpad:version_request_count";
    static final String VERSION_STATE = ":digitpad:model_version_state";
    static final String NATIVE_OBJECTS = ":digitpad:native_objects_open";

    /** TensorFlow Serving's latency buckets: 33 upper bounds, 10 us times 1.8^i (about 25 minutes at the top). */
    static final double[] LATENCY_BOUNDS_MICROS = exponentialBounds(10, new BigDecimal("1.8"), 33);
    /** TensorFlow Serving's buckets of examples per request: 1, 2, 4, ... 16384. */
    static final double[] EXAMPLE_COUNT_BOUNDS = exponentialBounds(1, new BigDecimal("2"), 15);
    /** TensorFlow Serving's runtime label for a model run in a TensorFlow session. */
    static final String RUNTIME = "TF1";

    /** Where a request came in: TensorFlow Serving's {@code entrypoint} label. */
    public enum Entrypoint {
        GRPC,
        REST
    }

    /** The gRPC methods TensorFlow Serving counts, each with its {@code API} label. */
    public enum Api {
        PREDICT("Predict"),
        CLASSIFY("Classify"),
        REGRESS("Regress");

        final String label;

        Api(String label) {
            this.label = label;
        }
    }

    private final Counter requestCount = new Counter(
            REQUEST_COUNT, "The total number of requests, by model and canonical status code.", "model_name", "status");
    private final Histogram requestLatency = new Histogram(
            REQUEST_LATENCY,
            "Distribution of wall time (in microseconds) for successful requests.",
            LATENCY_BOUNDS_MICROS,
            "model_name",
            "API",
            "entrypoint");
    private final Histogram runtimeLatency = new Histogram(
            RUNTIME_LATENCY,
            "Distribution of wall time (in microseconds) for successful model runs.",
            LATENCY_BOUNDS_MICROS,
            "model_name",
            "API",
            "runtime");
    private final Histogram exampleCounts = new Histogram(
            EXAMPLE_COUNTS, "The number of tensorflow.Examples per request.", EXAMPLE_COUNT_BOUNDS, "model");
    private final Counter exampleCountTotal =
            new Counter(EXAMPLE_COUNT_TOTAL, "The total number of tensorflow.Examples.", "model");
    private final Histogram warmupLatency = new Histogram(
            WARMUP_LATENCY,
            "Distribution of wall time (in microseconds) for warming up a version with its warm-up requests.",
            LATENCY_BOUNDS_MICROS,
            "model_path",
            "status");
    private final Counter warmupRecords =
            new Counter(WARMUP_RECORDS, "Total number of warm-up records read during warm-up.", "model_path", "status");
    private final Counter loadLatency = new Counter(
            LOAD_LATENCY,
            "Microseconds spent loading (and warming up) the SavedModel versions that loaded.",
            "model_path");
    private final Counter loadAttempts = new Counter(
            LOAD_ATTEMPT_COUNT,
            "Attempts to load a SavedModel version, by folder and outcome (success or fail).",
            "model_path",
            "status");
    private final Counter versionRequests = new Counter(
            VERSION_REQUEST_COUNT,
            "Predict calls by the version that answered them (empty for a call that failed) and canonical status code.",
            "model_name",
            "version",
            "status");
    private final Gauge nativeObjects = new Gauge(
            NATIVE_OBJECTS,
            "tensorflow-java native objects (tensors, sessions, graphs, statuses) allocated and not yet freed.",
            NativeObjects::open);

    /**
     * Records one gRPC call of a method TensorFlow Serving counts. Only successful calls are timed, as there.
     *
     * @param model the model's name, or "" for a model this server does not serve
     */
    public void recordGrpc(String model, Api api, Code status, long nanos) {
        record(model, api.label, Entrypoint.GRPC, status, nanos);
    }

    /**
     * Records one REST request under {@code /v1/}, whatever it asked for, as TensorFlow Serving's HTTP server does.
     *
     * @param model the model's name from the path, or "" for none or one this server does not serve
     * @param verb the path's verb ({@code predict}, {@code classify}, {@code regress}), or "" for status and metadata
     */
    public void recordRest(String model, String verb, Code status, long nanos) {
        record(model, verb, Entrypoint.REST, status, nanos);
    }

    private void record(String model, String api, Entrypoint entrypoint, Code status, long nanos) {
        requestCount.add(1, model, status.name());
        if (status == Code.OK) {
            requestLatency.observe(TimeUnit.NANOSECONDS.toMicros(nanos), model, api, entrypoint.name());
        }
    }

    /**
     * Records which version answered one call (Predict, from either front end), or that it failed.
     *
     * @param model the model's name, or "" for a model this server does not serve
     * @param version the version that answered; empty for a call that failed
     */
    public void recordVersion(String model, OptionalLong version, Code status) {
        versionRequests.add(1, model, version.isPresent() ? Long.toString(version.getAsLong()) : "", status.name());
    }

    /** Records one successful run of a model, which took {@code nanos}. */
    public void recordRuntime(String model, Api api, long nanos) {
        runtimeLatency.observe(TimeUnit.NANOSECONDS.toMicros(nanos), model, api.label, RUNTIME);
    }

    /**
     * Records the number of tf.Examples of one request to {@code model}: what TensorFlow Serving records for each
     * MultiInference call.
     */
    public void recordExamples(String model, long examples) {
        exampleCounts.observe(examples, model);
        exampleCountTotal.add(examples, model);
    }

    /**
     * Records the replay of a version's warm-up requests ({@code assets.extra/tf_serving_warmup_requests}), as
     * TensorFlow Serving records it when the file is there: its time, and the records read, labelled with the version
     * folder and the outcome ({@code OK}, or the failure as {@code CODE: message}).
     */
    public void recordWarmup(String modelPath, Optional<ServingException> failure, long records, long nanos) {
        String status =
                failure.map(e -> e.code().name() + ": " + e.getMessage()).orElse("OK");
        warmupLatency.observe(TimeUnit.NANOSECONDS.toMicros(nanos), modelPath, status);
        warmupRecords.add(records, modelPath, status);
    }

    /** Records one attempt to load a version from {@code modelPath}. */
    void recordLoad(String modelPath, boolean success, long nanos) {
        loadAttempts.add(1, modelPath, success ? "success" : "fail");
        if (success) {
            loadLatency.add(TimeUnit.NANOSECONDS.toMicros(nanos), modelPath);
        }
    }

    /**
     * {@code loader}, with each load timed and counted (load latency covers loading and the warm-up run), and each
     * successful run of a loaded version timed as its runtime.
     */
    public ServableLoader timing(ServableLoader loader) {
        return (model, version, dir) -> {
            long started = System.nanoTime();
            boolean loaded = false;
            try {
                Servable servable = loader.load(model, version, dir);
                loaded = true;
                return new TimedRuns(model, servable, this);
            } finally {
                recordLoad(dir.toString(), loaded, System.nanoTime() - started);
            }
        };
    }

    /** Every metric in Prometheus's text exposition format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return scrape(null);
    }

    /**
     * Every metric in Prometheus's text exposition format ({@link #CONTENT_TYPE}), with the state of each version that
     * {@code models} knows.
     */
    public String scrape(ModelManager models) {
        StringBuilder out = new StringBuilder(4096);
        loadAttempts.writeTo(out);
        loadLatency.writeTo(out);
        warmupLatency.writeTo(out);
        warmupRecords.writeTo(out);
        requestCount.writeTo(out);
        requestLatency.writeTo(out);
        runtimeLatency.writeTo(out);
        exampleCounts.writeTo(out);
        exampleCountTotal.writeTo(out);
        versionRequests.writeTo(out);
        if (models != null) {
            versionStates(models).writeTo(out);
        }
        nativeObjects.writeTo(out);
        return out.toString();
    }

    /** The versions {@code models} knows now, each with its state. */
    private static Counter versionStates(ModelManager models) {
        Counter states = Counter.gauge(
                VERSION_STATE,
                "1 for each version of a model the server knows, in its state (LOADING, AVAILABLE, UNLOADING, END...).",
                "model_name",
                "version",
                "state");
        for (String model : models.modelNames()) {
            List<VersionStatus> versions;
            try {
                versions = models.status(model, OptionalLong.empty());
            } catch (ServingException e) {
                continue; // no version seen yet
            }
            for (VersionStatus v : versions) {
                states.add(1, model, Long.toString(v.version()), v.state().name());
            }
        }
        return states;
    }

    /**
     * A loaded version whose successful runs are timed: what TensorFlow Serving records around its session's run. With
     * batching, the batch is run here, once for all its requests.
     */
    private record TimedRuns(String model, Servable inner, ServingMetrics metrics) implements Servable {
        @Override
        public Map<String, SignatureDef> signatures() {
            return inner.signatures();
        }

        @Override
        public SignatureDef signature(String signatureKey) {
            return inner.signature(signatureKey);
        }

        @Override
        public Map<String, TensorProto> predict(
                String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
            long started = System.nanoTime();
            Map<String, TensorProto> outputs = inner.predict(signatureKey, inputs, outputFilter, limits);
            metrics.recordRuntime(model, Api.PREDICT, System.nanoTime() - started);
            return outputs;
        }

        @Override
        public CompletableFuture<Map<String, TensorProto>> predictAsync(
                String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
            long started = System.nanoTime();
            return inner.predictAsync(signatureKey, inputs, outputFilter, limits)
                    .whenComplete((outputs, error) -> {
                        if (error == null) {
                            metrics.recordRuntime(model, Api.PREDICT, System.nanoTime() - started);
                        }
                    });
        }

        @Override
        public boolean answersBrieflyNow(long inputBytes) {
            return inner.answersBrieflyNow(inputBytes);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static double[] exponentialBounds(long scale, BigDecimal growth, int count) {
        double[] bounds = new double[count];
        BigDecimal bound = BigDecimal.valueOf(scale);
        for (int i = 0; i < count; i++) {
            bounds[i] = bound.doubleValue(); // exact decimals, so that the le labels read 18 and 32.4, not
            // 32.400000000000006
            bound = bound.multiply(growth);
        }
        return bounds;
    }

    /** The label values of one series, compared element by element so the output is in a stable order. */
    private record Labels(List<String> values) {
        static final Comparator<Labels> ORDER =
                (a, b) -> Arrays.compare(a.values.toArray(String[]::new), b.values.toArray(String[]::new));
    }

    private abstract static class Family {
        final String name;
        final String help;
        final String type;
        final List<String> labelNames;

        Family(String name, String help, String type, String... labelNames) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.labelNames = List.of(labelNames);
        }

        Labels labels(String... values) {
            if (values.length != labelNames.size()) {
                throw new IllegalArgumentException(
                        name + " takes labels " + labelNames + ", got " + Arrays.toString(values));
            }
            return new Labels(List.of(values));
        }

        void writeHeader(StringBuilder out) {
            out.append("# HELP ")
                    .append(name)
                    .append(' ')
                    .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        /** {@code name{a="x",b="y"[,extraName="extraValue"]}}, with label values escaped as the format requires. */
        void writeSeries(StringBuilder out, String suffix, Labels labels, String extraName, String extraValue) {
            out.append(name).append(suffix).append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendLabel(out, labelNames.get(i), labels.values().get(i));
            }
            if (extraName != null) {
                if (!labelNames.isEmpty()) {
                    out.append(',');
                }
                appendLabel(out, extraName, extraValue);
            }
            out.append("} ");
        }

        private static void appendLabel(StringBuilder out, String name, String value) {
            out.append(name).append("=\"");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '"' -> out.append("\\\"");
                    case '\n' -> out.append("\\n");
                    default -> out.append(c);
                }
            }
            out.append('"');
        }

        abstract void writeTo(StringBuilder out);
    }

    private static final class Counter extends Family {
        private final Map<Labels, LongAdder> cells = new ConcurrentHashMap<>();

        Counter(String name, String help, String... labelNames) {
            this(name, help, "counter", labelNames);
        }

        private Counter(String name, String help, String type, String[] labelNames) {
            super(name, help, type, labelNames);
        }

        /** Values per series that are summed as a counter's, and exposed as a gauge: one built at each scrape. */
        static Counter gauge(String name, String help, String... labelNames) {
            return new Counter(name, help, "gauge", labelNames);
        }

        void add(long amount, String... labelValues) {
            cells.computeIfAbsent(labels(labelValues), l -> new LongAdder()).add(amount);
        }

        @Override
        void writeTo(StringBuilder out) {
            writeHeader(out);
            List<Map.Entry<Labels, LongAdder>> series = new ArrayList<>(cells.entrySet());
            series.sort(Map.Entry.comparingByKey(Labels.ORDER));
            for (Map.Entry<Labels, LongAdder> s : series) {
                writeSeries(out, "", s.getKey(), null, null);
                out.append(s.getValue().sum()).append('\n');
            }
        }
    }

    /** One value without labels, read when scraped. */
    private static final class Gauge extends Family {
        private final java.util.function.LongSupplier value;

        Gauge(String name, String help, java.util.function.LongSupplier value) {
            super(name, help, "gauge");
            this.value = value;
        }

        @Override
        void writeTo(StringBuilder out) {
            writeHeader(out);
            out.append(name).append(' ').append(value.getAsLong()).append('\n');
        }
    }

    private static final class Histogram extends Family {
        private final double[] bounds;
        private final Map<Labels, Cells> cells = new ConcurrentHashMap<>();

        /** Counts per bucket (the last one above every bound), not cumulative; and the sum of what was observed. */
        private record Cells(LongAdder[] buckets, LongAdder sum) {}

        Histogram(String name, String help, double[] bounds, String... labelNames) {
            super(name, help, "histogram", labelNames);
            this.bounds = bounds.clone();
        }

        void observe(long value, String... labelValues) {
            Cells c = cells.computeIfAbsent(labels(labelValues), l -> {
                LongAdder[] buckets = new LongAdder[bounds.length + 1];
                Arrays.setAll(buckets, i -> new LongAdder());
                return new Cells(buckets, new LongAdder());
            });
            int bucket = Arrays.binarySearch(bounds, value);
            if (bucket < 0) {
                bucket = -bucket - 1; // the first bound above the value; bounds.length if there is none
            }
            c.buckets()[bucket].increment();
            c.sum().add(value);
        }

        @Override
        void writeTo(StringBuilder out) {
            writeHeader(out);
            List<Map.Entry<Labels, Cells>> series = new ArrayList<>(cells.entrySet());
            series.sort(Map.Entry.comparingByKey(Labels.ORDER));
            for (Map.Entry<Labels, Cells> s : series) {
                // Each bucket is read once, so the +Inf bucket and the count always agree within one scrape.
                long cumulative = 0;
                LongAdder[] buckets = s.getValue().buckets();
                for (int i = 0; i < buckets.length; i++) {
                    cumulative += buckets[i].sum();
                    writeSeries(out, "_bucket", s.getKey(), "le", i < bounds.length ? number(bounds[i]) : "+Inf");
                    out.append(cumulative).append('\n');
                }
                writeSeries(out, "_sum", s.getKey(), null, null);
                out.append(s.getValue().sum().sum()).append('\n');
                writeSeries(out, "_count", s.getKey(), null, null);
                out.append(cumulative).append('\n');
            }
        }

        private static String number(double d) {
            return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
    }
}
