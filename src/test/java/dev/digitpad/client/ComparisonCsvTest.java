package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.client.ProtocolComparison.CaseFigures;
import dev.digitpad.client.ProtocolComparison.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's CSV: a line per case with its figures, and every call's latency after it. */
class ComparisonCsvTest {
    @TempDir
    Path dir;

    private static Snapshot snapshot() {
        Map<ProtocolCase, long[]> nanos = new EnumMap<>(ProtocolCase.class);
        nanos.put(ProtocolCase.GRPC_TENSOR_CONTENT, new long[] {1_000_000, 2_000_000, 3_000_000});
        nanos.put(ProtocolCase.GRPC_FLOAT_VAL, new long[] {5_000_000});
        List<CaseFigures> cases = new ArrayList<>();
        for (ProtocolCase c : List.of(ProtocolCase.GRPC_TENSOR_CONTENT, ProtocolCase.GRPC_FLOAT_VAL)) {
            Histogram h = new Histogram(3);
            for (long n : nanos.get(c)) {
                h.recordValue(n);
            }
            cases.add(new CaseFigures(
                    c, Optional.empty(), nanos.get(c).length, c.ordinal(), "", h, nanos.get(c), 3189, 95));
        }
        for (ProtocolCase c : List.of(ProtocolCase.REST_ROWS, ProtocolCase.REST_COLUMNS)) {
            cases.add(new CaseFigures(
                    c,
                    Optional.of("Nothing answers at http://h:8501 (connection refused), \"closed\"."),
                    0,
                    0,
                    "",
                    new Histogram(3),
                    new long[0],
                    5546,
                    0));
        }
        return new Snapshot("s", java.net.URI.create("http://h:8501"), "a digit", 1, 3, 3, cases, true);
    }

    @Test
    void hasALinePerCaseWithItsFiguresAndWhyItWasLeftOut() {
        List<String> lines = List.of(ComparisonCsv.summary(snapshot()).split("\n"));

        assertThat(lines.get(0)).isEqualTo(ComparisonCsv.HEADER);
        assertThat(lines).hasSize(5);
        String[] grpc = lines.get(1).split(",");
        assertThat(List.of(grpc).subList(0, 4)).containsExactly("\"gRPC tensor_content\"", "true", "3", "0");
        // Percentiles from the histogram, to its 3 significant digits; mean, least and most exact.
        assertThat(Double.parseDouble(grpc[4])).isCloseTo(2.0, within(0.002));
        assertThat(Double.parseDouble(grpc[5])).isCloseTo(3.0, within(0.003));
        assertThat(Double.parseDouble(grpc[6])).isCloseTo(3.0, within(0.003));
        assertThat(List.of(grpc).subList(7, grpc.length))
                .containsExactly("2.0000", "1.0000", "3.0000", "3189", "95", "protobuf message", "\"\"");
        assertThat(lines.get(2)).startsWith("\"gRPC float_val\",true,1,1,").contains(",5.0000,5.0000,5.0000,3189,");
        assertThat(lines.get(3))
                .isEqualTo("\"REST rows (instances)\",false,0,0,,,,,,,,,JSON body,"
                        + "\"Nothing answers at http://h:8501 (connection refused), \"\"closed\"\".\"");
    }

    @Test
    void theFileHasTheSummaryThenEveryCallsLatency() throws Exception {
        Path file = dir.resolve("out/figures.csv");
        ComparisonCsv.write(snapshot(), file);

        String[] parts = Files.readString(file).split("\n\n");
        assertThat(parts).hasSize(2);
        assertThat(parts[0]).isEqualTo(ComparisonCsv.summary(snapshot()).strip());
        assertThat(parts[1].split("\n"))
                .containsExactly(
                        ComparisonCsv.RAW_HEADER,
                        "\"gRPC tensor_content\",1,1.0000",
                        "\"gRPC tensor_content\",2,2.0000",
                        "\"gRPC tensor_content\",3,3.0000",
                        "\"gRPC float_val\",1,5.0000");
    }
}
