package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code digitpad benchmark} for real, briefly: every path is measured without a failed call and printed as one
 * table. Timings are not asserted.
 */
class BenchmarkCommandTest {
    @TempDir
    Path dir;

    @Test
    void aShortRunMeasuresEveryPathAndPrintsTheTableAndTheOverhead() throws Exception {
        Path base = dir.resolve("models/mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BenchmarkCommand command = new BenchmarkCommand();

        int exit = new CommandLine(command)
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "--model_base_path=" + base,
                        "--seconds=1",
                        "--warmup_seconds=0",
                        "--warmup_max_seconds=1",
                        "--concurrency=1,2");

        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        assertThat(command.results)
                .extracting(Figures::what, Figures::concurrency)
                .containsExactly(
                        tuple("tensorflow-java in-process", 1),
                        tuple("image to tensor (280x280 canvas, imaging)", 1),
                        tuple("serving core in-process (checks, protos)", 1),
                        tuple("gRPC Predict over loopback", 1),
                        tuple("gRPC Predict over loopback", 2));
        assertThat(command.results).allSatisfy(f -> {
            assertThat(f.calls()).as(f.what()).isPositive();
            assertThat(f.allErrors()).as(f.what()).isZero();
        });
        String printed = out.toString();
        assertThat(printed)
                .contains(
                        "TensorFlow threads: intra-op 1, inter-op -1. Served paths: as `digitpad serve` serves by default"
                                + " (max_concurrent_runs="
                                + Runtime.getRuntime().availableProcessors())
                .contains("| gRPC Predict over loopback | 2 |")
                .containsPattern(
                        "Serving overhead at concurrency 1: p50 -?[0-9.]+ us \\(gRPC [0-9.]+ us - in-process [0-9.]+ us\\)")
                .contains("Server process memory: resident");
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingLoads() {
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new BenchmarkCommand())
                .setErr(new PrintWriter(err))
                .execute("--model_base_path=" + dir.resolve("missing"), "--seconds=0", "--warmup_max_seconds=-1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--seconds must be 1 or more").contains("--warmup_max_seconds 0 or more");
    }

    @Test
    void aFolderWithoutAModelIsRefusedWithWhatToDoAndNoStackTrace() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Map<Path, String> reasons = Map.of(
                dir.resolve("missing"),
                "there is no such folder",
                empty,
                "there is no version folder with a saved_model.pb in it");
        reasons.forEach((base, reason) -> {
            StringWriter err = new StringWriter();

            int exit = new CommandLine(new BenchmarkCommand())
                    .setErr(new PrintWriter(err))
                    .execute("--model_base_path=" + base, "--seconds=1");

            assertThat(exit).as("%s: %s", base, err).isEqualTo(2);
            assertThat(err.toString())
                    .contains("The model in " + base + " could not be loaded: " + reason
                            + ". Point --model_base_path at a folder of numbered SavedModel versions")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        });
    }
}
