package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.CommandRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code digitpad evaluate-model} pointed at a folder without MNIST's test files says which file it missed. */
class EvaluateModelCommandTest {
    @TempDir
    Path dir;

    @Test
    void aFolderWithoutTheTestDigitsIsNamedWithTheFilesItShouldHold() {
        CommandRun run = CommandRun.run(
                "evaluate-model", "--model", dir.resolve("model/1").toString(), "--test-digits", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("No MNIST test digits to score on: missing MNIST file: there is neither "
                        + dir.resolve("t10k-images-idx3-ubyte") + " nor " + dir.resolve("t10k-images-idx3-ubyte.gz"))
                .contains("Give --test-digits DIR");
        assertThat(run.out()).isEmpty();
    }
}
