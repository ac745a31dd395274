package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.CommandRun;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code digitpad train} without its data, or with bad data, says what is wrong and how to fix it, and writes nothing. */
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
                .isEqualTo("digitpad train: no MNIST training digits in " + data + " (there is no "
                        + data.resolve("train-images-idx3-ubyte")
                        + " nor its .gz). Fetch MNIST with scripts/fetch-mnist.sh, or point --data at a folder of"
                        + " MNIST's four IDX files.\n");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void trainingOnMismatchedFilesSaysWhichAndWritesNothing() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data/mnist"));
        Path out = dir.resolve("models/mnist");
        try (DataOutputStream images =
                new DataOutputStream(Files.newOutputStream(data.resolve("train-images-idx3-ubyte")))) {
            images.writeInt(0x00000803);
            images.writeInt(2);
            images.writeInt(28);
            images.writeInt(28);
            images.write(new byte[2 * 784]);
        }
        try (DataOutputStream labels =
                new DataOutputStream(Files.newOutputStream(data.resolve("train-labels-idx1-ubyte")))) {
            labels.writeInt(0x00000801);
            labels.writeInt(3);
            labels.write(new byte[] {1, 2, 3});
        }

        CommandRun run = CommandRun.run("train", "--data", data.toString(), "--out", out.toString(), "--epochs", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("digitpad train: " + data.resolve("train-images-idx3-ubyte") + " holds 2 images but "
                        + data.resolve("train-labels-idx1-ubyte") + " holds 3 labels")
                .contains("scripts/fetch-mnist.sh");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void anUnknownArchitectureIsAUsageErrorNamingTheChoices() {
        CommandRun run = CommandRun.run(
                "train", "--architecture", "huge", "--out", dir.resolve("out").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--architecture")
                .contains("huge")
                .contains("default")
                .contains("wide");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
