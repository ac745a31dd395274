package dev.digitpad.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.digitpad.bench.ClosedLoop.ErrorKind;
import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.bench.LoadRun.Results;
import dev.digitpad.bench.LoadRun.Row;
import dev.digitpad.client.ProtocolCase;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.inference.SessionThreads;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's figures and ratios, and the chart file, from figures made up by the test (no server). */
class LoadReportTest {
    @TempDir
    Path dir;

    /** Figures whose p50 is {@code p50Micros} (half the calls), p90 and p99 twice and four times that. */
    private static Figures figures(
            String what, int concurrency, double perSecond, double p50Micros, long errors, List<ErrorKind> kinds) {
        Histogram h = new Histogram(3);
        long p50 = Math.round(p50Micros * 1000);
        h.recordValueWithCount(p50, 60);
        h.recordValueWithCount(2 * p50, 35);
        h.recordValueWithCount(4 * p50, 5);
        long calls = Math.round(perSecond * 5);
        return new Figures(what, concurrency, calls, errors, 5.0, 2.0, h, kinds);
    }

    private static Row row(ProtocolCase c, int concurrency, boolean batched, double perSecond, double p50Micros) {
        return new Row(
                c,
                batched,
                figures(c.label(), concurrency, perSecond, p50Micros, 0, List.of()),
                batched ? 12.5 : Double.NaN);
    }

    private static Results results(List<Row> rows) {
        return results(rows, List.of());
    }

    private static Results results(List<Row> rows, List<Figures> warmupRounds) {
        LoadRun.Settings settings = new LoadRun.Settings(
                Path.of("/models/mnist"),
                new SessionThreads(1, 1),
                List.of(1, 8, 64),
                Duration.ofSeconds(1),
                Duration.ofSeconds(20),
                Duration.ofSeconds(5),
                List.of(ProtocolCase.values()),
                64,
                new BatchingOptions(64, 500, 100, 2));
        Map<ProtocolCase, Integer> bytes = new EnumMap<>(ProtocolCase.class);
        for (ProtocolCase c : ProtocolCase.values()) {
            bytes.put(c, 1000 + c.ordinal());
        }
        return new Results(
                settings,
                new LoadRun.Setup(
                        "/models/mnist (signature serving_default)",
                        "a digit",
                        bytes,
                        2,
                        "OpenJDK 25",
                        "digitpad loadtest --seconds 5"),
                rows,
                warmupRounds);
    }

    /** Every case at 1, 8 and 64, then with batching at 64; gRPC 3x faster at p50 and 2.5x the throughput of REST. */
    private static List<Row> fullRun() {
        List<Row> rows = new ArrayList<>();
        for (int c : new int[] {1, 8, 64}) {
            rows.add(row(ProtocolCase.GRPC_TENSOR_CONTENT, c, false, 2000 * Math.min(c, 4), 400 * c));
            rows.add(row(ProtocolCase.GRPC_FLOAT_VAL, c, false, 1600 * Math.min(c, 4), 500 * c));
            rows.add(row(ProtocolCase.REST_ROWS, c, false, 800 * Math.min(c, 4), 1200 * c));
            rows.add(row(ProtocolCase.REST_COLUMNS, c, false, 1000 * Math.min(c, 4), 1000 * c));
        }
        rows.add(row(ProtocolCase.GRPC_TENSOR_CONTENT, 64, true, 12000, 5000));
        rows.add(row(ProtocolCase.GRPC_FLOAT_VAL, 64, true, 9000, 7000));
        rows.add(row(ProtocolCase.REST_ROWS, 64, true, 4000, 15000));
        rows.add(row(ProtocolCase.REST_COLUMNS, 64, true, 4500, 14000));
        return rows;
    }

    @Test
    void ratiosCompareTheGrpcAndRestFiguresOfTheSameRun() {
        List<LoadReport.Ratio> ratios = LoadReport.ratios(fullRun());

        // 3 concurrencies without batching and one with, two pairs each.
        assertThat(ratios).hasSize(8);
        LoadReport.Ratio atOne = ratios.getFirst();
        assertThat(atOne.concurrency()).isEqualTo(1);
        assertThat(atOne.batched()).isFalse();
        assertThat(atOne.grpc()).isEqualTo(ProtocolCase.GRPC_TENSOR_CONTENT);
        assertThat(atOne.rest()).isEqualTo(ProtocolCase.REST_ROWS);
        assertThat(atOne.latencyRatio()).isCloseTo(3.0, withinPercentage(0.5));
        assertThat(atOne.throughputRatio()).isCloseTo(2.5, withinPercentage(0.5));
        LoadReport.Ratio floatVal = ratios.get(1);
        assertThat(floatVal.grpc()).isEqualTo(ProtocolCase.GRPC_FLOAT_VAL);
        assertThat(floatVal.rest()).isEqualTo(ProtocolCase.REST_COLUMNS);
        assertThat(floatVal.latencyRatio()).isCloseTo(2.0, withinPercentage(0.5));
        assertThat(floatVal.throughputRatio()).isCloseTo(1.6, withinPercentage(0.5));
        LoadReport.Ratio batched = ratios.get(6);
        assertThat(batched.batched()).isTrue();
        assertThat(batched.concurrency()).isEqualTo(64);
        assertThat(batched.latencyRatio()).isCloseTo(3.0, withinPercentage(0.5));
        assertThat(batched.throughputRatio()).isCloseTo(3.0, withinPercentage(0.5));
    }

    @Test
    void aPairWithOneSideMissingHasNoRatio() {
        List<Row> rows = List.of(
                row(ProtocolCase.GRPC_TENSOR_CONTENT, 1, false, 100, 100),
                row(ProtocolCase.REST_ROWS, 8, false, 100, 100));

        assertThat(LoadReport.ratios(rows)).isEmpty();
    }

    @Test
    void batchingIsComparedWithTheSameCaseAndConcurrencyWithout() {
        List<LoadReport.BatchingEffect> effects = LoadReport.batchingEffects(fullRun());

        assertThat(effects).hasSize(4);
        LoadReport.BatchingEffect grpc = effects.getFirst();
        assertThat(grpc.loadCase()).isEqualTo(ProtocolCase.GRPC_TENSOR_CONTENT);
        assertThat(grpc.concurrency()).isEqualTo(64);
        assertThat(grpc.without().perSecond()).isCloseTo(8000, withinPercentage(0.1));
        assertThat(grpc.throughputGain()).isCloseTo(1.5, withinPercentage(0.1));
        assertThat(grpc.rowsPerBatch()).isEqualTo(12.5);
    }

    @Test
    void theMarkdownHasEveryRowTheRatiosAndTheTargets() {
        String md = LoadReport.markdown(results(fullRun()));

        assertThat(md)
                .contains(
                        "| case | concurrency | batching | calls | errors | p50 (ms) | p90 (ms) | p99 (ms) | predictions/s |");
        assertThat(md.lines()
                        .filter(l -> l.startsWith("| gRPC tensor_content |")
                                || l.startsWith("| gRPC float_val |")
                                || l.startsWith("| REST "))
                        .count())
                .as("16 measurements and 4 batching comparisons")
                .isEqualTo(16 + 4);
        // gRPC tensor_content at 1: p50 0.40 ms, p90 0.80, p99 1.60, 2,000/s from 10,000 calls in 5 s.
        assertThat(md).contains("| gRPC tensor_content | 1 | off | 10,000 | 0 | 0.40 | 0.80 | 1.60 | 2,000 |");
        assertThat(md)
                .contains("| 1 | off | gRPC tensor_content | REST rows (instances) | 0.40 | 1.20 | 3.00x | 2.50x |");
        assertThat(md)
                .contains("| 64 | on | gRPC tensor_content | REST rows (instances) | 5.00 | 15.0 | 3.00x | 3.00x |");
        assertThat(md).contains("| gRPC tensor_content | 64 | 102.4 | 20.0 | 8,000 | 12,000 | 1.50x | 12.5 |");
        assertThat(md)
                .contains("| gRPC p50 at concurrency 1, end to end: under 0.5 ms | 0.40 ms (tensor_content) | yes |");
        assertThat(md)
                .contains(
                        "| with batching at concurrency 64: at least 5,000 predictions/s | 12,000 (gRPC tensor_content) | yes |");
        assertThat(md).contains("None: every call");
        assertThat(md)
                .contains("`digitpad loadtest --seconds 5`")
                .contains("max_batch_size=64, batch_timeout_micros=500");
    }

    @Test
    void missedTargetsAndErrorsAreReported() {
        List<ErrorKind> kinds = List.of(new ErrorKind("gRPC UNAVAILABLE", 2, 3, "queue | full"));
        List<Row> rows = List.of(
                new Row(ProtocolCase.GRPC_TENSOR_CONTENT, false, figures("g", 1, 1000, 700, 3, kinds), Double.NaN),
                row(ProtocolCase.GRPC_TENSOR_CONTENT, 64, true, 4000, 9000));

        String md = LoadReport.markdown(results(rows));

        assertThat(md)
                .contains("| gRPC p50 at concurrency 1, end to end: under 0.5 ms | 0.70 ms (tensor_content) | no |");
        assertThat(md)
                .contains(
                        "| with batching at concurrency 64: at least 5,000 predictions/s | 4,000 (gRPC tensor_content) | no |");
        assertThat(md).contains("| gRPC tensor_content | 1 | off | gRPC UNAVAILABLE | 2 | 3 | queue \\| full |");
        assertThat(md).contains("| gRPC tensor_content | 1 | off | 5,000 | 3 |");
        assertThat(LoadReport.totalErrors(results(rows))).isEqualTo(5);
    }

    @Test
    void errorsOfTheWarmUpRoundAreReportedToo() {
        Figures round = figures(
                "REST rows (instances) (warm-up round)",
                64,
                100,
                900,
                0,
                List.of(new ErrorKind("HTTP 503", 0, 4, "{\"error\": \"overloaded\"}")));

        Results results = results(fullRun(), List.of(round));

        assertThat(LoadReport.markdown(results))
                .contains(
                        "| REST rows (instances) (warm-up round) | 64 | - | HTTP 503 | 0 | 4 | {\"error\": \"overloaded\"} |")
                .contains(
                        "- Before them, after each server start: every case once, unmeasured, for 1 s and then on while the"
                                + " JIT compilers were busy (at most 20 s more): 2.0 to 2.0 s a case")
                .doesNotContain("None: every call");
        assertThat(LoadReport.totalErrors(results)).isEqualTo(4);
    }

    @Test
    void aCaseWhoseEveryCallFailedIsReportedAndChartedWithoutLatency() throws Exception {
        Figures failed = new Figures(
                "REST rows (instances)",
                1,
                0,
                7,
                5.0,
                2.0,
                new Histogram(3),
                List.of(new ErrorKind("HTTP 500", 0, 7, "boom")));
        List<Row> rows = List.of(
                row(ProtocolCase.GRPC_TENSOR_CONTENT, 1, false, 1000, 500),
                new Row(ProtocolCase.REST_ROWS, false, failed, Double.NaN));

        String md = LoadReport.markdown(results(rows));
        LoadChart.write(results(rows), dir.resolve("failed.png"));

        assertThat(md).contains("| REST rows (instances) | 1 | off | 0 | 7 | - | - | - | 0 |");
        assertThat(ImageIO.read(dir.resolve("failed.png").toFile()).getHeight()).isEqualTo(LoadChart.height(1));
    }

    @Test
    void theChartIsAPngOfTheExpectedSizeWithBarsInIt() throws Exception {
        Path png = dir.resolve("charts/report.png");

        LoadChart.write(results(fullRun()), png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG ImageIO can read").isNotNull();
        // Latency at 1, 8, 64 and 64 with batching: two rows of two panels, then the throughput panel.
        assertThat(LoadChart.panels(results(fullRun()))).hasSize(4);
        assertThat(image.getWidth()).isEqualTo(1600);
        assertThat(image.getHeight()).isEqualTo(70 + 2 * 460 + 460);
        // The p99 bars (dark blue) are drawn in the latency panels, and the throughput panel has bars too.
        assertThat(countColour(image, 0x08306b, 0, 70 + 2 * 460)).isGreaterThan(1000);
        assertThat(countColour(image, 0x66c2a5, 70 + 2 * 460, image.getHeight()))
                .isGreaterThan(1000);
    }

    private static long countColour(BufferedImage image, int rgb, int fromY, int toY) {
        long n = 0;
        for (int y = fromY; y < toY; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
