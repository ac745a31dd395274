package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.CommandRun;
import dev.digitpad.testing.RecordingFrontEnds;
import dev.digitpad.testing.RecordingFrontEnds.Received;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.TestModels;
import java.awt.image.BufferedImage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code digitpad compare}: against the embedded server on loopback ports, and against a server of the test's. */
class CompareCommandTest {
    @RegisterExtension
    static final ServingFixture serving = ServingFixture.inProcess().version("mnist", 1, TestModels.Kind.MNIST);

    @TempDir
    Path dir;

    @Test
    void comparesOnTheEmbeddedServerAndWritesTheFiguresAndTheChart() throws Exception {
        Path csv = dir.resolve("figures.csv");
        Path png = dir.resolve("chart.png");
        CommandRun run = CommandRun.run(
                "compare", "--calls", "4", "--warmup", "2", "--csv", csv.toString(), "--chart", png.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("Comparing on embedded server (loopback ports ");
        assertThat(run.out())
                .contains("Server: embedded server (loopback ports ")
                .contains("REST at http://127.0.0.1:")
                .containsPattern("gRPC tensor_content +4 +0 ")
                .containsPattern("gRPC float_val +4 +0 ")
                .containsPattern("REST rows \\(instances\\) +4 +0 ")
                .containsPattern("REST columns \\(inputs\\) +4 +0 ")
                .containsPattern("Here, gRPC answered in [0-9]+% of REST's time \\(median of gRPC tensor_content"
                        + " against median of REST rows, 4 calls each\\)\\.")
                .contains("Figures written to " + csv)
                .contains("Chart written to " + png);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.subList(1, 5)).allSatisfy(line -> assertThat(line).contains(",true,4,0,"));
        // The summary, a blank line, the header of the raw latencies and 4 calls of each of the 4 cases.
        assertThat(lines).hasSize(5 + 1 + 1 + 16);
        BufferedImage chart = ImageIO.read(png.toFile());
        assertThat(chart.getWidth()).isEqualTo(960);
        assertThat(chart.getHeight()).isEqualTo(600);
    }

    @Test
    void withTheRestPortClosedItMeasuresGrpcAndSaysWhyRestWasLeftOut() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (RecordingFrontEnds server = RecordingFrontEnds.start(serving.core())) {
            CommandRun run = CommandRun.run(
                    "compare",
                    "--server",
                    "127.0.0.1:" + server.grpcPort(),
                    "--rest",
                    "127.0.0.1:" + closed,
                    "--calls",
                    "3",
                    "--warmup",
                    "1");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out())
                    .containsPattern("gRPC tensor_content +3 +0 ")
                    .containsPattern("gRPC float_val +3 +0 ")
                    .containsPattern("REST rows \\(instances\\) +left out: Nothing answers at http://127.0.0.1:"
                            + closed + " \\(connection refused\\)")
                    .contains("REST was left out, so there is nothing to compare gRPC with: Nothing answers at"
                            + " http://127.0.0.1:" + closed);
            assertThat(server.received()).extracting(Received::form).hasSize(2 * 4);
        }
    }

    @Test
    void withoutRestTheRemoteServersHostOnPort8501IsAsked() throws Exception {
        try (RecordingFrontEnds server = RecordingFrontEnds.start(serving.core())) {
            CommandRun run = CommandRun.run(
                    "compare", "--server", "127.0.0.1:" + server.grpcPort(), "--calls", "1", "--warmup", "1");

            assertThat(run.out()).contains("REST at http://127.0.0.1:8501");
        }
    }

    @Test
    void restWithoutServerIsAUsageErrorThatSaysWhatToDo() {
        CommandRun run = CommandRun.run("compare", "--rest", "http://localhost:8501");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--rest names the REST address of the server of --server")
                .contains("Give --server too");
    }

    @Test
    void aNumberOfCallsBelowOneIsRefused() {
        CommandRun run = CommandRun.run("compare", "--calls", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("The number of calls must be at least 1, not 0.");
    }

    @Test
    void aBlankImageIsRefusedNamingTheFile() throws Exception {
        Path blank = dir.resolve("blank.png");
        BufferedImage white = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = white.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 40, 40);
        g.dispose();
        ImageIO.write(white, "png", blank.toFile());

        CommandRun run = CommandRun.run("compare", "--image", blank.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--image: " + blank + " is blank");
    }
}
