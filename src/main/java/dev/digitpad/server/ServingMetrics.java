package dev.digitpad.server;

import dev.digitpad.inference.NativeObjects;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.tensorflow.proto.error.Code;

/**
 * The model server's Prometheus metrics, under TensorFlow Serving's own names, so that dashboards and alerts
 * written for TensorFlow Serving work unchanged:
 *
 * <ul>
 *   <li>{@code :tensorflow:serving:request_count{model_name,status}}: Predict calls by model and outcome (a
 *       canonical code name such as {@code OK} or {@code INVALID_ARGUMENT}), from gRPC and REST alike;
 *   <li>{@code :tensorflow:serving:request_latency{model_name,API,entrypoint}}: a histogram of successful
 *       Predict calls in microseconds ({@code API="Predict",entrypoint="GRPC"} or
 *       {@code API="predict",entrypoint="REST"}), with TensorFlow Serving's buckets: 10 us times 1.8^i;
 *   <li>{@code :tensorflow:cc:saved_model:load_latency{model_path}}: microseconds spent loading the versions
 *       that loaded (a counter, as TensorFlow keeps it), and {@code load_attempt_count{model_path,status}};
 *   <li>{@code :tensorflow:serving:model_warmup_latency{model_path,status}} and
 *       {@code model_warmup_records_read{model_path,status}}: the replay of each version's warm-up file (see
 *       {@link WarmupReplay});
 *   <li>{@code :digitpad:native_objects_open}, DigitPad's own: tensorflow-java's native objects (tensors, sessions,
 *       graphs) open at the time of the scrape (see {@link NativeObjects}). It stays flat while calls are answered
 *       if every tensor is closed; tests check exactly that after long runs.
 * </ul>
 *
 * <p>The text exposition format is written here rather than by the Prometheus Java client: that client
 * (1.x) exposes every counter as {@code <name>_total}, so TensorFlow Serving's
 * {@code :tensorflow:serving:request_count} would be renamed, and queries written for it would find nothing.
 *
 * <p>Requests for models this server does not serve are counted with an empty {@code model_name}, so that
 * made-up names cannot grow the number of series without bound.
 */
public final class ServingMetrics {
    /** Where TensorFlow Serving answers scrapes when the monitoring config names no path. */
    public static final String DEFAULT_PATH = "/monitoring/prometheus/metrics";
    /** Prometheus's text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String REQUEST_COUNT = ":tensorflow:serving:request_count";
    static final String REQUEST_LATENCY = ":tensorflow:serving:request_latency";
    static final String LOAD_LATENCY = ":tensorflow:cc:saved_model:load_latency";
    static final String LOAD_ATTEMPT_COUNT = ":tensorflow:cc:saved_model:load_attempt_count";
    static final String NATIVE_OBJECTS = ":digitpad:native_objects_open";
    static final String WARMUP_LATENCY = ":tensorflow:serving:model_warmup_latency";
    static final String WARMUP_RECORDS = ":tensorflow:serving:model_warmup_records_read";

    /** TensorFlow Serving's request latency buckets: 33 upper bounds, 10 us times 1.8^i (about 25 minutes at the top). */
    static final double[] LATENCY_BOUNDS_MICROS = exponentialBounds(10, new BigDecimal("1.8"), 33);

    /** Where a prediction came in, with the API and entrypoint labels TensorFlow Serving gives each. */
    public enum Entrypoint {
        GRPC("Predict"),
        REST("predict");

        final String api;

        Entrypoint(String api) {
            this.api = api;
        }
    }

    private final Counter requestCount = new Counter(
            REQUEST_COUNT, "Predict calls answered, by model and canonical status code.", "model_name", "status");
    private final Histogram requestLatency = new Histogram(
            REQUEST_LATENCY,
            "Time to answer a successful Predict call, in microseconds.",
            LATENCY_BOUNDS_MICROS,
            "model_name",
            "API",
            "entrypoint");
    private final Counter loadLatency = new Counter(
            LOAD_LATENCY,
            "Microseconds spent loading (and warming up) the SavedModel versions that loaded.",
            "model_path");
    private final Counter loadAttempts = new Counter(
            LOAD_ATTEMPT_COUNT,
            "Attempts to load a SavedModel version, by folder and outcome (success or fail).",
            "model_path",
            "status");
    private final Histogram warmupLatency = new Histogram(
            WARMUP_LATENCY,
            "Time to replay a version's warm-up file, in microseconds.",
            LATENCY_BOUNDS_MICROS,
            "model_path",
            "status");
    private final Counter warmupRecords = new Counter(
            WARMUP_RECORDS,
            "Warm-up records read and replayed, by version folder and outcome.",
            "model_path",
            "status");
    private final Gauge nativeObjects = new Gauge(
            NATIVE_OBJECTS,
            "tensorflow-java native objects (tensors, sessions, graphs, statuses) allocated and not yet freed.",
            NativeObjects::open);

    /**
     * Records one Predict call. TensorFlow Serving records the latency of successful calls only; so does this.
     *
     * @param model the model's name, or "" for a model this server does not serve
     */
    void recordPredict(String model, Entrypoint entrypoint, Code status, long nanos) {
        requestCount.add(1, model, status.name());
        if (status == Code.OK) {
            requestLatency.observe(TimeUnit.NANOSECONDS.toMicros(nanos), model, entrypoint.api, entrypoint.name());
        }
    }

    /** The gRPC methods besides Predict that TensorFlow Serving counts, each with its {@code API} label. */
    public enum Api {
        CLASSIFY("Classify"),
        REGRESS("Regress");

        final String label;

        Api(String label) {
            this.label = label;
        }
    }

    /** Records one gRPC Classify or Regress call as {@link #recordPredict} records a Predict, under its API label. */
    public void recordGrpc(String model, Api api, Code status, long nanos) {
        requestCount.add(1, model, status.name());
        if (status == Code.OK) {
            requestLatency.observe(TimeUnit.NANOSECONDS.toMicros(nanos), model, api.label, Entrypoint.GRPC.name());
        }
    }

    /** Records one attempt to load a version from {@code modelPath}. */
    void recordLoad(String modelPath, boolean success, long nanos) {
        loadAttempts.add(1, modelPath, success ? "success" : "fail");
        if (success) {
            loadLatency.add(TimeUnit.NANOSECONDS.toMicros(nanos), modelPath);
        }
    }

    /**
     * Records the replay of a warm-up file as TensorFlow Serving does: for the version folder {@code modelPath}, with
     * the status {@code OK}, or the error that ended the reading.
     */
    public void recordWarmup(String modelPath, Optional<ServingException> failure, long records, long nanos) {
        String status =
                failure.map(e -> e.code().name() + ": " + e.getMessage()).orElse("OK");
        warmupLatency.observe(TimeUnit.NANOSECONDS.toMicros(nanos), modelPath, status);
        warmupRecords.add(records, modelPath, status);
    }

    /** {@code loader}, with each load timed and counted (load latency covers loading and the warm-up run). */
    public ServableLoader timing(ServableLoader loader) {
        return (model, version, dir) -> {
            long started = System.nanoTime();
            boolean loaded = false;
            try {
                Servable servable = loader.load(model, version, dir);
                loaded = true;
                return servable;
            } finally {
                recordLoad(dir.toString(), loaded, System.nanoTime() - started);
            }
        };
    }

    /** Every metric in Prometheus's text exposition format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        loadAttempts.writeTo(out);
        loadLatency.writeTo(out);
        requestCount.writeTo(out);
        requestLatency.writeTo(out);
        warmupLatency.writeTo(out);
        warmupRecords.writeTo(out);
        nativeObjects.writeTo(out);
        return out.toString();
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
            super(name, help, "counter", labelNames);
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
