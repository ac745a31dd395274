package dev.digitpad.client;

import dev.digitpad.client.ProtocolComparison.CaseFigures;
import dev.digitpad.client.ProtocolComparison.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The protocol comparison's figures as CSV: one line per case (calls, errors, percentiles in milliseconds as
 * HdrHistogram gives them, to 3 significant digits; the exact mean, least and most; the bytes
 * of one request and one answer, and why a case was left out), and, in a second table, every measured call's latency.
 */
public final class ComparisonCsv {
    static final String HEADER = "case,measured,calls,errors,p50_ms,p90_ms,p99_ms,mean_ms,min_ms,max_ms,"
            + "request_bytes,response_bytes,bytes_of,left_out";
    static final String RAW_HEADER = "case,call,latency_ms";

    private ComparisonCsv() {}

    /** The per-case table. */
    public static String summary(Snapshot snapshot) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (CaseFigures c : snapshot.cases()) {
            java.util.LongSummaryStatistics exact =
                    java.util.Arrays.stream(c.latenciesNanos()).summaryStatistics();
            boolean any = exact.getCount() > 0;
            csv.append(String.join(
                            ",",
                            quoted(c.protocolCase().label()),
                            Boolean.toString(c.measured()),
                            Long.toString(c.calls()),
                            Long.toString(c.errors()),
                            millis(c.percentileMillis(50)),
                            millis(c.percentileMillis(90)),
                            millis(c.percentileMillis(99)),
                            millis(any ? exact.getAverage() / 1e6 : Double.NaN),
                            millis(any ? exact.getMin() / 1e6 : Double.NaN),
                            millis(any ? exact.getMax() / 1e6 : Double.NaN),
                            c.measured() ? Integer.toString(c.requestBytes()) : "",
                            c.measured() ? Integer.toString(c.responseBytes()) : "",
                            c.protocolCase().grpc() ? "protobuf message" : "JSON body",
                            quoted(c.leftOut().orElse(""))))
                    .append('\n');
        }
        return csv.toString();
    }

    /** Every measured call's latency, case by case, in the order of the calls. */
    public static String raw(Snapshot snapshot) {
        StringBuilder csv = new StringBuilder(RAW_HEADER).append('\n');
        for (CaseFigures c : snapshot.cases()) {
            long[] nanos = c.latenciesNanos();
            for (int i = 0; i < nanos.length; i++) {
                csv.append(quoted(c.protocolCase().label()))
                        .append(',')
                        .append(i + 1)
                        .append(',')
                        .append(millis(nanos[i] / 1e6))
                        .append('\n');
            }
        }
        return csv.toString();
    }

    /** The summary, then a blank line, then the raw latencies: one file for a spreadsheet. */
    public static void write(Snapshot snapshot, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, summary(snapshot) + "\n" + raw(snapshot), StandardCharsets.UTF_8);
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "" : String.format(Locale.ROOT, "%.4f", ms);
    }

    /** A CSV field in quotes, its quotes doubled. */
    static String quoted(String s) {
        return "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"";
    }
}
