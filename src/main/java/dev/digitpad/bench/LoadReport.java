package dev.digitpad.bench;

import dev.digitpad.bench.ClosedLoop.ErrorKind;
import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.bench.LoadRun.Results;
import dev.digitpad.bench.LoadRun.Row;
import dev.digitpad.client.ProtocolCase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The load test's report as Markdown: the figures of every case and concurrency, the gRPC/REST ratios and the
 * batching comparison computed from those same figures, and the targets, reported and not asserted.
 */
public final class LoadReport {
    /** Issue 7: gRPC p50 at concurrency 1, end to end, under this. */
    static final double TARGET_GRPC_P50_MS = 0.5;
    /** Issue 7: with batching at concurrency 64, at least this many predictions per second. */
    static final double TARGET_BATCHED_PER_SECOND = 5000;

    private LoadReport() {}

    /**
     * gRPC against REST at one concurrency, from the same run.
     *
     * @param latencyRatio REST's p50 divided by gRPC's: above 1, gRPC answers sooner
     * @param throughputRatio gRPC's predictions per second divided by REST's: above 1, gRPC serves more
     */
    record Ratio(
            int concurrency,
            boolean batched,
            ProtocolCase grpc,
            ProtocolCase rest,
            double latencyRatio,
            double throughputRatio) {}

    /** One case at one concurrency without and with batching. */
    record BatchingEffect(ProtocolCase loadCase, int concurrency, Figures without, Figures with, double rowsPerBatch) {
        double throughputGain() {
            return with.perSecond() / without.perSecond();
        }
    }

    /** The pairs compared: each gRPC encoding against the REST form closest to it. */
    static final List<List<ProtocolCase>> PAIRS = List.of(
            List.of(ProtocolCase.GRPC_TENSOR_CONTENT, ProtocolCase.REST_ROWS),
            List.of(ProtocolCase.GRPC_FLOAT_VAL, ProtocolCase.REST_COLUMNS));

    static List<Ratio> ratios(List<Row> rows) {
        List<Ratio> out = new ArrayList<>();
        for (Row grpc : rows) {
            for (List<ProtocolCase> pair : PAIRS) {
                if (grpc.loadCase() != pair.get(0)) {
                    continue;
                }
                find(rows, pair.get(1), grpc.concurrency(), grpc.batched())
                        .ifPresent(rest -> out.add(new Ratio(
                                grpc.concurrency(),
                                grpc.batched(),
                                pair.get(0),
                                pair.get(1),
                                rest.figures().percentileMicros(50)
                                        / grpc.figures().percentileMicros(50),
                                grpc.figures().perSecond() / rest.figures().perSecond())));
            }
        }
        out.sort(Comparator.comparing(Ratio::batched)
                .thenComparing(Ratio::concurrency)
                .thenComparing(r -> r.grpc().ordinal()));
        return out;
    }

    static List<BatchingEffect> batchingEffects(List<Row> rows) {
        List<BatchingEffect> out = new ArrayList<>();
        for (Row with : rows) {
            if (with.batched()) {
                find(rows, with.loadCase(), with.concurrency(), false)
                        .ifPresent(without -> out.add(new BatchingEffect(
                                with.loadCase(),
                                with.concurrency(),
                                without.figures(),
                                with.figures(),
                                with.rowsPerBatch())));
            }
        }
        return out;
    }

    private static Optional<Row> find(List<Row> rows, ProtocolCase loadCase, int concurrency, boolean batched) {
        return rows.stream()
                .filter(r -> r.loadCase() == loadCase && r.concurrency() == concurrency && r.batched() == batched)
                .findFirst();
    }

    public static String markdown(Results results) {
        LoadRun.Settings s = results.settings();
        LoadRun.Setup setup = results.setup();
        StringBuilder md = new StringBuilder();
        md.append("# DigitPad load test\n\n");
        md.append("- Command: `").append(setup.command()).append("`\n");
        md.append("- Model: ")
                .append(setup.model())
                .append("; input: ")
                .append(setup.input())
                .append('\n');
        md.append("- Request size: ");
        List<String> sizes = new ArrayList<>();
        setup.requestBytes()
                .forEach((c, bytes) -> sizes.add(String.format(Locale.ROOT, "%s %,d bytes", c.label(), bytes)));
        md.append(String.join(", ", sizes)).append(" (protobuf message or JSON body, without framing and headers)\n");
        md.append(String.format(
                Locale.ROOT,
                "- Machine: %d cores, %s; TensorFlow threads: intra-op %s, inter-op %s%n",
                setup.cores(),
                setup.java(),
                threads(s.threads().intraOp()),
                threads(s.threads().interOp())));
        md.append(String.format(
                Locale.ROOT,
                "- Each measurement: %s after a warm-up of %s, closed loop (each client sends its"
                        + " next call when its previous one has answered); clients and server in one process on this machine, over"
                        + " loopback sockets (grpc-java with Netty, the JDK's HTTP client against Jetty)%n",
                seconds(s.length()),
                seconds(s.warmup())));
        if (!results.warmupRounds().isEmpty()) {
            DoubleSummaryStatistics rounds = results.warmupRounds().stream()
                    .mapToDouble(Figures::warmupSeconds)
                    .summaryStatistics();
            md.append(String.format(
                    Locale.ROOT,
                    "- Before them, after each server start: every case once, unmeasured, for"
                            + " %s and then on while the JIT compilers were busy (at most %s more): %.1f to %.1f s a case%n",
                    seconds(s.warmup()),
                    seconds(s.warmupRoundLimit()),
                    rounds.getMin(),
                    rounds.getMax()));
        }
        if (s.batchingConcurrency() > 0) {
            md.append("- Batching (rows marked \"on\"): ")
                    .append(s.batching().describe())
                    .append('\n');
        }

        md.append("\n## Latency and throughput\n\n");
        md.append(
                "Latency of the successful calls, from the client's send to its answer read; predictions per second count"
                        + " successful calls (one example each).\n\n");
        md.append(
                "| case | concurrency | batching | calls | errors | p50 (ms) | p90 (ms) | p99 (ms) | predictions/s |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : results.rows()) {
            Figures f = row.figures();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %,d | %,d | %s | %s | %s | %,.0f |%n",
                    row.loadCase().label(),
                    row.concurrency(),
                    row.batched() ? "on" : "off",
                    f.calls(),
                    f.errors(),
                    ms(f.percentileMillis(50)),
                    ms(f.percentileMillis(90)),
                    ms(f.percentileMillis(99)),
                    f.perSecond()));
        }

        List<Ratio> ratios = ratios(results.rows());
        if (!ratios.isEmpty()) {
            md.append("\n## gRPC against REST\n\n");
            md.append("From the figures above. Latency ratio: REST's p50 divided by gRPC's; throughput ratio: gRPC's"
                    + " predictions per second divided by REST's. Above 1, gRPC is ahead.\n\n");
            md.append(
                    "| concurrency | batching | gRPC | REST | p50 gRPC (ms) | p50 REST (ms) | latency ratio | throughput ratio |\n");
            md.append("|---:|---|---|---|---:|---:|---:|---:|\n");
            for (Ratio r : ratios) {
                Figures g = find(results.rows(), r.grpc(), r.concurrency(), r.batched())
                        .orElseThrow()
                        .figures();
                Figures h = find(results.rows(), r.rest(), r.concurrency(), r.batched())
                        .orElseThrow()
                        .figures();
                md.append(String.format(
                        Locale.ROOT,
                        "| %d | %s | %s | %s | %s | %s | %s | %s |%n",
                        r.concurrency(),
                        r.batched() ? "on" : "off",
                        r.grpc().label(),
                        r.rest().label(),
                        ms(g.percentileMillis(50)),
                        ms(h.percentileMillis(50)),
                        times(r.latencyRatio()),
                        times(r.throughputRatio())));
            }
        }

        List<BatchingEffect> effects = batchingEffects(results.rows());
        if (!effects.isEmpty()) {
            md.append("\n## Batching\n\n");
            md.append("The same case and concurrency without and with batching, in this run.\n\n");
            md.append(
                    "| case | concurrency | p99 off (ms) | p99 on (ms) | predictions/s off | predictions/s on | on ÷ off |"
                            + " examples per batch |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (BatchingEffect e : effects) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %s | %s | %,.0f | %,.0f | %s | %.1f |%n",
                        e.loadCase().label(),
                        e.concurrency(),
                        ms(e.without().percentileMillis(99)),
                        ms(e.with().percentileMillis(99)),
                        e.without().perSecond(),
                        e.with().perSecond(),
                        times(e.throughputGain()),
                        e.rowsPerBatch()));
            }
        }

        md.append("\n## Targets of issue 7 (reported, not asserted)\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        Optional<Row> grpcAtOne = find(results.rows(), ProtocolCase.GRPC_TENSOR_CONTENT, 1, false);
        md.append("| gRPC p50 at concurrency 1, end to end: under ")
                .append(TARGET_GRPC_P50_MS)
                .append(" ms | ");
        md.append(grpcAtOne
                .map(r -> ms(r.figures().percentileMillis(50)) + " ms (tensor_content)")
                .orElse("not measured"));
        md.append(" | ")
                .append(grpcAtOne
                        .map(r -> r.figures().percentileMillis(50) < TARGET_GRPC_P50_MS ? "yes" : "no")
                        .orElse("-"))
                .append(" |\n");
        Optional<Row> bestBatched = results.rows().stream()
                .filter(r -> r.batched() && r.concurrency() == 64)
                .max(Comparator.comparingDouble(r -> r.figures().perSecond()));
        md.append(String.format(
                Locale.ROOT,
                "| with batching at concurrency 64: at least %,.0f predictions/s | ",
                TARGET_BATCHED_PER_SECOND));
        md.append(bestBatched
                .map(r -> String.format(
                        Locale.ROOT,
                        "%,.0f (%s)",
                        r.figures().perSecond(),
                        r.loadCase().label()))
                .orElse("not measured"));
        md.append(" | ")
                .append(bestBatched
                        .map(r -> r.figures().perSecond() >= TARGET_BATCHED_PER_SECOND ? "yes" : "no")
                        .orElse("-"))
                .append(" |\n");

        md.append("\n## Errors\n\n");
        List<String> errors = new ArrayList<>();
        for (Row row : results.rows()) {
            for (ErrorKind k : row.figures().errorKinds()) {
                errors.add(String.format(
                        Locale.ROOT,
                        "| %s | %d | %s | %s | %,d | %,d | %s |",
                        row.loadCase().label(),
                        row.concurrency(),
                        row.batched() ? "on" : "off",
                        k.kind(),
                        k.warmup(),
                        k.measured(),
                        k.example().replace("|", "\\|").replace("\n", " ")));
            }
        }
        for (Figures round : results.warmupRounds()) {
            for (ErrorKind k : round.errorKinds()) {
                errors.add(String.format(
                        Locale.ROOT,
                        "| %s | %d | - | %s | %,d | %,d | %s |",
                        round.what(),
                        round.concurrency(),
                        k.kind(),
                        k.warmup(),
                        k.measured(),
                        k.example().replace("|", "\\|").replace("\n", " ")));
            }
        }
        if (errors.isEmpty()) {
            md.append("None: every call of the warm-ups and measurements succeeded.\n");
        } else {
            md.append("| case | concurrency | batching | kind | in warm-up | measured | first message |\n");
            md.append("|---|---:|---|---|---:|---:|---|\n");
            errors.forEach(line -> md.append(line).append('\n'));
        }
        return md.toString();
    }

    /** Every error of the run, warm-ups included. */
    public static long totalErrors(Results results) {
        return results.rows().stream().mapToLong(r -> r.figures().allErrors()).sum()
                + results.warmupRounds().stream().mapToLong(Figures::allErrors).sum();
    }

    private static String threads(int n) {
        return n == 0 ? "0 (TensorFlow's choice)" : n < 0 ? n + " (the calling thread)" : Integer.toString(n);
    }

    static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0
                ? d.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** Milliseconds: two decimals below 10 ms, one above; "-" when there is nothing to show. */
    static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        return String.format(Locale.ROOT, millis < 10 ? "%.2f" : "%.1f", millis);
    }

    static String times(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2fx", ratio) : "-";
    }
}
