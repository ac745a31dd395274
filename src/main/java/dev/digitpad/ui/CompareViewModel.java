package dev.digitpad.ui;

import dev.digitpad.client.ComparisonChart;
import dev.digitpad.client.ComparisonCsv;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.ProtocolComparison;
import dev.digitpad.client.ProtocolComparison.CaseFigures;
import dev.digitpad.client.ProtocolComparison.Snapshot;
import dev.digitpad.client.RestPredict;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tools &gt; Compare protocols: gRPC against REST on the server in use, with the digit on the pad (see {@link
 * ProtocolComparison}). The comparison runs on the injected worker and reports back through {@code uiThread}: the
 * percentiles of each case as the rounds complete, the chart about once a second and at the end, and the one sentence.
 * It can be cancelled (the figures so far stay), and its figures exported as CSV and its chart as PNG.
 */
public final class CompareViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(CompareViewModel.class);
    /** How often the chart is drawn again while the rounds run; drawn between rounds, never during a call. */
    static final Duration CHART_EVERY = Duration.ofSeconds(1);

    /** One line of the table, as shown. */
    public record Row(
            String name,
            String calls,
            String errors,
            String p50,
            String p90,
            String p99,
            String requestBytes,
            String responseBytes) {}

    private final CompareConnector connector;
    private final Executor worker;
    private final Consumer<Runnable> uiThread;
    private final Supplier<Optional<float[]>> digit;
    private final Supplier<ServerSettings> server;

    private final ReadOnlyStringWrapper serverText = new ReadOnlyStringWrapper(this, "server", "");
    private final ReadOnlyBooleanWrapper remote = new ReadOnlyBooleanWrapper(this, "remote", false);
    private final StringProperty restAddress = new SimpleStringProperty(this, "restAddress", "");
    private final IntegerProperty calls =
            new SimpleIntegerProperty(this, "calls", ProtocolComparison.Settings.DEFAULT_CALLS);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper sentence = new ReadOnlyStringWrapper(this, "sentence", "");
    private final ReadOnlyStringWrapper leftOut = new ReadOnlyStringWrapper(this, "leftOut", "");
    private final ReadOnlyObjectWrapper<List<Row>> rows = new ReadOnlyObjectWrapper<>(this, "rows", List.of());
    private final ReadOnlyObjectWrapper<Snapshot> snapshot = new ReadOnlyObjectWrapper<>(this, "snapshot");
    private final ReadOnlyObjectWrapper<BufferedImage> chart = new ReadOnlyObjectWrapper<>(this, "chart");

    private ServerSettings preparedFor;
    private FutureTask<Void> task;
    /** Counts comparisons, so that the reports of a cancelled one are dropped. */
    private long generation;

    /**
     * @param digit the model's view of the digit on the pad, if there is one
     * @param server the settings of the server in use
     */
    public CompareViewModel(
            CompareConnector connector,
            Executor worker,
            Consumer<Runnable> uiThread,
            Supplier<Optional<float[]>> digit,
            Supplier<ServerSettings> server) {
        this.connector = connector;
        this.worker = worker;
        this.uiThread = uiThread;
        this.digit = digit;
        this.server = server;
    }

    /** Fills in the server in use, and for a remote one a REST address (its host, port 8501) unless one was typed. */
    public void prepare() {
        ServerSettings s = server.get();
        remote.set(!s.embedded());
        if (s.embedded()) {
            serverText.set(
                    "The embedded server, on its own loopback ports (gRPC and REST), model \"" + s.model() + "\".");
            restAddress.set("");
        } else {
            serverText.set("The server in use: " + s.address() + ", model \"" + s.model() + "\".");
            if (preparedFor == null
                    || preparedFor.embedded()
                    || !preparedFor.address().equals(s.address())) {
                restAddress.set(RestPredict.defaultAddressFor(s.address()));
            }
        }
        preparedFor = s;
        if (!running.get() && snapshot.get() == null) {
            status.set(
                    digit.get().isPresent()
                            ? "Ready: each round calls every case once, in turn, after "
                                    + ProtocolComparison.Settings.DEFAULT_WARMUP_ROUNDS + " rounds not counted."
                            : "Draw a digit first: the comparison sends the digit on the pad.");
        }
    }

    /** Starts a comparison with the digit on the pad; does nothing while one runs. */
    public void start() {
        if (running.get()) {
            return;
        }
        Optional<float[]> pixels = digit.get();
        if (pixels.isEmpty()) {
            status.set("Draw a digit first: the comparison sends the digit on the pad.");
            return;
        }
        ServerSettings s = server.get();
        String rest = restAddress.get();
        if (!s.embedded()) {
            try {
                RestPredict.parseAddress(rest);
            } catch (IllegalArgumentException e) {
                status.set(e.getMessage());
                return;
            }
        }
        ProtocolComparison.Settings settings;
        try {
            settings = new ProtocolComparison.Settings(
                    calls.get(), ProtocolComparison.Settings.DEFAULT_WARMUP_ROUNDS, PredictionClient.DEFAULT_DEADLINE);
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        long mine = ++generation;
        running.set(true);
        snapshot.set(null);
        chart.set(null);
        rows.set(List.of());
        sentence.set("");
        leftOut.set("");
        status.set("Connecting…");
        PredictionClient.Options options =
                new PredictionClient.Options(s.model(), s.version(), s.signature(), PredictionClient.DEFAULT_DEADLINE);
        FutureTask<Void> work = new FutureTask<>(() -> {
            compare(mine, s, rest, options, settings, pixels.get());
            return null;
        });
        task = work;
        try {
            worker.execute(work);
        } catch (RejectedExecutionException e) {
            running.set(false);
            status.set("DigitPad is shutting down.");
        }
    }

    private void compare(
            long mine,
            ServerSettings s,
            String rest,
            PredictionClient.Options options,
            ProtocolComparison.Settings settings,
            float[] pixels) {
        long[] lastChart = {0};
        try (ProtocolComparison.Endpoints endpoints = connector.open(s, rest)) {
            ui(
                    mine,
                    () -> status.set("Warming up on " + endpoints.server() + " (" + settings.warmupRounds()
                            + " rounds, not counted)…"));
            Snapshot done = ProtocolComparison.run(settings, endpoints.target(options), pixels, progress -> {
                BufferedImage image = null;
                if (progress.finished() || System.nanoTime() - lastChart[0] >= CHART_EVERY.toNanos()) {
                    lastChart[0] = System.nanoTime();
                    image = ComparisonChart.render(progress, ComparisonChart.WIDTH, ComparisonChart.HEIGHT);
                }
                BufferedImage drawn = image;
                ui(mine, () -> show(progress, drawn));
            });
            ui(mine, () -> {
                running.set(false);
                status.set("Done: " + done.rounds() + " rounds on " + done.server() + ", after " + done.warmupRounds()
                        + " not counted.");
            });
        } catch (InterruptedException e) {
            ui(mine, () -> running.set(false));
        } catch (Exception e) {
            LOG.info("The protocol comparison failed: {}", e.getMessage());
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            ui(mine, () -> {
                running.set(false);
                status.set("The comparison could not run: " + message);
            });
        }
    }

    /** Runs {@code update} on the UI thread, unless another comparison has started since {@code mine}. */
    private void ui(long mine, Runnable update) {
        uiThread.accept(() -> {
            if (mine == generation) {
                update.run();
            }
        });
    }

    private void show(Snapshot s, BufferedImage image) {
        snapshot.set(s);
        if (image != null) {
            chart.set(image);
        }
        rows.set(s.cases().stream().map(CompareViewModel::row).toList());
        sentence.set(s.sentence());
        leftOut.set(leftOutText(s));
        if (!s.finished()) {
            status.set("Measuring: round " + s.roundsDone() + " of " + s.rounds() + "…");
        }
    }

    /**
     * Each reason a case was left out, once, with the cases it left out ("REST rows (instances) and REST columns
     * (inputs) left out: ..."), except a reason the sentence already gives.
     */
    static String leftOutText(Snapshot s) {
        java.util.Map<String, List<String>> byReason = new java.util.LinkedHashMap<>();
        for (CaseFigures c : s.cases()) {
            c.leftOut()
                    .ifPresent(reason -> byReason.computeIfAbsent(reason, r -> new java.util.ArrayList<>())
                            .add(c.protocolCase().label()));
        }
        String sentence = s.sentence();
        return byReason.entrySet().stream()
                .filter(e -> !sentence.contains(e.getKey()))
                .map(e -> String.join(" and ", e.getValue()) + " left out: " + e.getKey())
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    static Row row(CaseFigures c) {
        if (!c.measured()) {
            return new Row(c.protocolCase().label(), "left out", "", "", "", "", "", "");
        }
        return new Row(
                c.protocolCase().label(),
                Long.toString(c.calls()),
                Long.toString(c.errors()),
                millis(c.percentileMillis(50)),
                millis(c.percentileMillis(90)),
                millis(c.percentileMillis(99)),
                String.format(Locale.ROOT, "%,d", c.requestBytes()),
                c.responseBytes() == 0 ? "" : String.format(Locale.ROOT, "%,d", c.responseBytes()));
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "–" : String.format(Locale.ROOT, "%.3f", ms);
    }

    /** Stops the comparison under way; the figures so far stay. */
    public void cancel() {
        if (!running.get()) {
            return;
        }
        generation++;
        if (task != null) {
            task.cancel(true);
        }
        running.set(false);
        Snapshot s = snapshot.get();
        status.set("Cancelled" + (s == null ? "." : " after " + s.roundsDone() + " of " + s.rounds() + " rounds."));
        if (s != null) {
            chart.set(ComparisonChart.render(s, ComparisonChart.WIDTH, ComparisonChart.HEIGHT));
        }
    }

    /** Writes the figures as CSV (per case, then every call). */
    public void exportCsv(Path file) {
        export(file, s -> ComparisonCsv.write(s, file), "The figures were written to ");
    }

    /** Writes the chart as PNG. */
    public void exportChart(Path file) {
        export(file, s -> ComparisonChart.writePng(s, file), "The chart was written to ");
    }

    private interface Writer {
        void write(Snapshot s) throws IOException;
    }

    private void export(Path file, Writer writer, String written) {
        Snapshot s = snapshot.get();
        if (s == null) {
            return;
        }
        long mine = generation;
        try {
            worker.execute(() -> {
                String done;
                try {
                    writer.write(s);
                    done = written + file + ".";
                } catch (IOException | RuntimeException e) {
                    done = "Writing " + file + " failed (" + e.getMessage() + "). Choose another folder.";
                }
                String message = done;
                ui(mine, () -> status.set(message));
            });
        } catch (RejectedExecutionException e) {
            status.set("DigitPad is shutting down.");
        }
    }

    /** Cancels a comparison under way, as the dialog closes. */
    public void close() {
        cancel();
    }

    public ReadOnlyStringProperty serverProperty() {
        return serverText.getReadOnlyProperty();
    }

    /** Whether the server is remote, so that its REST address is asked for. */
    public ReadOnlyBooleanProperty remoteProperty() {
        return remote.getReadOnlyProperty();
    }

    public StringProperty restAddressProperty() {
        return restAddress;
    }

    /** Measured calls of each case. */
    public IntegerProperty callsProperty() {
        return calls;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** "Here, gRPC answered in X% of REST's time (...)", or why it cannot be said. */
    public ReadOnlyStringProperty sentenceProperty() {
        return sentence.getReadOnlyProperty();
    }

    /** Each reason a case was left out that the sentence does not give, a line each, with the cases it left out. */
    public ReadOnlyStringProperty leftOutProperty() {
        return leftOut.getReadOnlyProperty();
    }

    /** The table: one row per case, in {@link dev.digitpad.client.ProtocolCase} order. */
    public ReadOnlyObjectProperty<List<Row>> rowsProperty() {
        return rows.getReadOnlyProperty();
    }

    /** The figures so far; null before the first round. */
    public ReadOnlyObjectProperty<Snapshot> snapshotProperty() {
        return snapshot.getReadOnlyProperty();
    }

    /** The chart as last drawn; null before. */
    public ReadOnlyObjectProperty<BufferedImage> chartProperty() {
        return chart.getReadOnlyProperty();
    }
}
