package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitpad.bench.LoadChart;
import dev.digitpad.bench.LoadRun.Row;
import dev.digitpad.client.ProtocolCase;
import dev.digitpad.server.ServingStack;
import dev.digitpad.server.UnservableModel;
import dev.digitpad.testing.TestModels;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SignatureDef;
import picocli.CommandLine;

/**
 * {@code digitpad loadtest} for real, briefly: the server on loopback ports, every case at two concurrencies and
 * with batching, the report and the chart written. Timings are not asserted; that every call succeeded is.
 */
class LoadTestCommandTest {
    @TempDir
    Path dir;

    @Test
    void aShortRunMeasuresEveryCaseWithoutErrorsAndWritesTheReportAndChart() throws Exception {
        Path base = dir.resolve("models/mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        Path report = dir.resolve("out/report.md");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        LoadTestCommand command = new LoadTestCommand();

        int exit = new CommandLine(command)
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "--model_base_path=" + base,
                        "--seconds=1",
                        "--warmup_seconds=0.2",
                        "--warmup_round_max_seconds=1",
                        "--concurrency=1,2",
                        "--batching_concurrency=2",
                        "--tensorflow_intra_op_parallelism=1",
                        "--tensorflow_inter_op_parallelism=1",
                        "--report=" + report);

        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        List<Row> rows = command.results.rows();
        assertThat(rows).hasSize(ProtocolCase.values().length * 3);
        for (Row row : rows) {
            assertThat(row.figures().calls())
                    .as("%s at %d, batched %s", row.loadCase(), row.concurrency(), row.batched())
                    .isPositive();
            assertThat(row.figures().allErrors())
                    .as("errors of %s: %s", row.figures().what(), row.figures().errorKinds())
                    .isZero();
        }
        // A warm-up round of every case after each of the two server starts: without batching at the lowest and the
        // highest concurrency (1 and 2), with batching at its own (2).
        assertThat(command.results.warmupRounds())
                .hasSize(3 * ProtocolCase.values().length)
                .allSatisfy(f -> assertThat(f.allErrors()).as(f.what()).isZero());
        assertThat(command.results.warmupRounds().stream()
                        .map(f -> f.concurrency())
                        .distinct())
                .containsExactly(1, 2);
        // Each at least --warmup_seconds, and at most one second more, while the JIT compilers are busy.
        assertThat(command.results.warmupRounds())
                .allSatisfy(f -> assertThat(f.warmupSeconds())
                        .as(f.what())
                        .isGreaterThanOrEqualTo(0.2)
                        .isLessThan(1.2 + 1.0));
        assertThat(rows.stream().filter(Row::batched))
                .hasSize(ProtocolCase.values().length)
                .allSatisfy(r -> assertThat(r.rowsPerBatch()).as("batches ran").isGreaterThanOrEqualTo(1));

        String markdown = Files.readString(report);
        assertThat(markdown)
                .contains("| gRPC tensor_content | 1 | off |")
                .contains("| REST columns (inputs) | 2 | on |")
                .contains("## gRPC against REST")
                .contains("![Latency and throughput](report.png)")
                .contains("- Command: `digitpad loadtest --model_base_path=")
                .contains(
                        "- Before them, after each server start: every case once, unmeasured, for 0.2 s and then on while"
                                + " the JIT compilers were busy (at most 1 s more): ");
        assertThat(out.toString()).contains("| gRPC float_val | 2 | off |");
        BufferedImage chart = ImageIO.read(dir.resolve("out/report.png").toFile());
        assertThat(chart).isNotNull();
        // Latency at 1, at 2 and at 2 with batching: two rows of panels, then throughput.
        assertThat(chart.getHeight()).isEqualTo(LoadChart.height(3));
        assertThat(chart.getWidth()).isEqualTo(LoadChart.WIDTH);
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingRuns() {
        StringWriter err = new StringWriter();
        LoadTestCommand command = new LoadTestCommand();

        int exit = new CommandLine(command)
                .setErr(new PrintWriter(err))
                .execute(
                        "--concurrency=0,8",
                        "--seconds=0",
                        "--batching_parameters_file=" + dir.resolve("missing.txt"),
                        "--report=" + dir.resolve("r.md"));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .contains("--concurrency values must be at least 1")
                .contains("--seconds must be more than 0")
                .contains("missing.txt")
                .contains("does not exist");
        assertThat(command.results).isNull();
        assertThat(dir.resolve("r.md")).doesNotExist();
    }

    @Test
    void aModelThatDoesNotLoadIsRefusedWithItsReasonAndNoStackTrace() throws Exception {
        Path base = dir.resolve("models/broken");
        Files.createDirectories(base.resolve("1"));
        Files.writeString(base.resolve("1/saved_model.pb"), "not a SavedModel");
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new LoadTestCommand())
                .setErr(new PrintWriter(err))
                .execute("--model_base_path=" + base, "--report=" + dir.resolve("r.md"));

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString())
                .contains("The model in " + base + " could not be loaded: ")
                .contains("Point --model_base_path at a folder of numbered SavedModel versions")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("r.md")).doesNotExist();
    }

    @Test
    void aModelWithoutServingDefaultIsRefusedNamingTheSignaturesItHas() {
        Path base = dir.resolve("models/other");

        assertThatThrownBy(() -> ServingStack.defaultSignature(
                        Map.of("classify", SignatureDef.getDefaultInstance()), base, "the load test"))
                .isInstanceOf(UnservableModel.class)
                .hasMessage("The model in " + base + " has no \"serving_default\" signature, which the load test calls;"
                        + " it has [classify].");
    }
}
