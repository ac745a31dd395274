package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.CommandRun;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.testing.TestModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code digitpad predict --why out.png}: the occlusion map's picture, from the embedded server or a remote one. */
class PredictWhyTest {
    @TempDir
    static Path dir;

    static Path seven;

    @BeforeAll
    static void draw() throws IOException {
        seven = dir.resolve("seven.png");
        ImageIO.write(DigitSketches.draw(7, 50, 30, 210, 22, true), "png", seven.toFile());
    }

    /** Pixels of the picture's colorbar strip whose red and blue differ clearly, i.e. that are coloured. */
    private static int colouredColorbarRows(BufferedImage picture) {
        int n = 0;
        for (int y = 60; y < 425; y++) {
            int rgb = picture.getRGB(511, y);
            int red = (rgb >> 16) & 0xff;
            int blue = rgb & 0xff;
            if (Math.abs(red - blue) > 30) {
                n++;
            }
        }
        return n;
    }

    @Test
    void theEmbeddedServerWritesThePictureAndSaysWhatItCost() throws IOException {
        Path out = dir.resolve("why-7.png");
        CommandRun run = CommandRun.run("predict", "--why", out.toString(), seven.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(seven + ": 7 (")
                .containsPattern("why: wrote " + java.util.regex.Pattern.quote(out.toString())
                        + ", the occlusion map of 7: \\d+ images in (1 Predict call|\\d+ Predict calls), \\d+ ms");
        BufferedImage picture = ImageIO.read(out.toFile());
        assertThat(picture.getWidth()).isEqualTo(640);
        assertThat(picture.getHeight()).isEqualTo(480);
        assertThat(colouredColorbarRows(picture)).isGreaterThan(200);
    }

    @Test
    void aRemoteServerAnswersTheSameCallsAndJsonCarriesTheirCost() throws Exception {
        Path base = dir.resolve("remote-model");
        TestModels.writeVersion(base, 1, TestModels.Kind.QUADRANT);
        try (ModelManager models = TestModels.loaded(new ModelManager.ModelConfig("quadrant", base));
                ModelServer server = ModelServer.start(
                        new ServingCore(models),
                        new ModelServer.Options(
                                ModelServer.Options.LOOPBACK,
                                0,
                                -1,
                                ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                                Duration.ofSeconds(10)))) {
            Path out = dir.resolve("remote.png");
            CommandRun run = CommandRun.run(
                    "predict",
                    "--json",
                    "--server",
                    "127.0.0.1:" + server.grpcPort(),
                    "--model",
                    "quadrant",
                    "--why",
                    out.toString(),
                    seven.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode why = run.lines().getFirst().get("why");
            assertThat(why.get("file").asText()).isEqualTo(out.toString());
            assertThat(why.get("digit").asInt())
                    .isEqualTo(run.lines().getFirst().get("digit").asInt());
            // The image itself and the patches with ink, at most 169, in batches of 64.
            assertThat(why.get("images").asInt()).isBetween(2, 170);
            assertThat(why.get("calls").asInt()).isEqualTo((why.get("images").asInt() + 63) / 64);
            assertThat(ImageIO.read(out.toFile()).getWidth()).isEqualTo(640);
        }
    }

    @Test
    void moreThanOneImageIsAUsageError() {
        CommandRun run =
                CommandRun.run("predict", "--why", dir.resolve("x.png").toString(), seven.toString(), seven.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--why writes the picture of one image, and 2 were given");
        assertThat(dir.resolve("x.png")).doesNotExist();
    }

    @Test
    void aFolderThatDoesNotExistOrIsTheTargetIsAUsageError() {
        Path nowhere = dir.resolve("no-such-folder").resolve("why.png");
        CommandRun missing = CommandRun.run("predict", "--why", nowhere.toString(), seven.toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err())
                .contains("the folder " + nowhere.getParent()
                        + " does not exist. Create it, or write the PNG elsewhere.");

        CommandRun folder = CommandRun.run("predict", "--why", dir.toString(), seven.toString());
        assertThat(folder.exitCode()).isEqualTo(2);
        assertThat(folder.err()).contains("is a folder: give the PNG file to write");
    }

    @Test
    void aFileThatCannotBeWrittenSaysSoAfterThePrediction() {
        // /proc takes no new files, not even root's.
        Path unwritable = Path.of("/proc", "digitpad-why-test.png");
        CommandRun run = CommandRun.run("predict", "--why", unwritable.toString(), seven.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains(seven + ": 7 (")
                .contains("why: error: cannot write " + unwritable)
                .contains("Check that the folder is writable, or give another path.");
        assertThat(Files.exists(unwritable)).isFalse();
    }
}
