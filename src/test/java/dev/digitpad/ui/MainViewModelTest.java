package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.VersionChoice;
import dev.digitpad.testing.DigitSketches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files in and out, and settings, without the FX thread. */
class MainViewModelTest {
    @TempDir
    Path dir;

    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PadViewModel pad = new PadViewModel(scheduler);
    private final PredictionViewModel prediction = new PredictionViewModel(scheduler);
    private final ServerViewModel server = new ServerViewModel(
            s -> {
                throw new IOException("unused");
            },
            Runnable::run,
            Runnable::run);
    private final MainViewModel vm =
            new MainViewModel(scheduler, pad, prediction, server, Runnable::run, Runnable::run);

    @Test
    void openingAFileShowsItOnThePad() throws IOException {
        Path file = dir.resolve("two.png");
        ImageIO.write(DigitSketches.draw(2, 50, 30, 210, 22, true), "png", file.toFile());
        vm.open(file);
        assertThat(pad.drawingProperty().get().background()).isPresent();
        assertThat(prediction.resultProperty().get().tensor()).isPresent();
    }

    @Test
    void aFileThatIsNotAnImageIsReportedByName() throws IOException {
        Path file = dir.resolve("notes.png");
        Files.writeString(file, "not a picture");
        vm.open(file);
        assertThat(vm.problemProperty().get().title()).isEqualTo("Cannot open notes.png");
        assertThat(vm.problemProperty().get().message()).contains("notes.png");
        assertThat(pad.drawingProperty().get().isBlank()).isTrue();
    }

    @Test
    void savingWritesTheDrawingAsPng() throws IOException {
        pad.beginStroke(60, 50);
        pad.extendStroke(220, 50);
        pad.endStroke();
        Path file = dir.resolve("out.png");
        vm.save(file);
        var image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(Drawing.SIDE);
        assertThat(image.getRGB(140, 50) & 0xffffff).isZero();
        assertThat(image.getRGB(140, 200) & 0xffffff).isEqualTo(0xffffff);
    }

    @Test
    void aFailedPredictionIsTheWindowsProblem() {
        scheduler.setPredictor(
                pixels -> {
                    throw new dev.digitpad.client.PredictionException(
                            io.grpc.Status.Code.UNAVAILABLE, "the server went away");
                },
                "");
        pad.beginStroke(60, 50);
        pad.extendStroke(220, 50);
        pad.extendStroke(130, 250);
        pad.endStroke();
        assertThat(vm.problemProperty().get().title()).isEqualTo("Prediction failed");
        assertThat(vm.problemProperty().get().message()).isEqualTo("the server went away");
    }

    @Test
    void settingsRoundTrip() {
        Settings s = new Settings(
                new ServerSettings(
                        false, "serving:8500", "digits", "sig", true, "", "", "", VersionChoice.label("canary")),
                30,
                false,
                Settings.Theme.DARK,
                0.4,
                true,
                "/home/someone/digits",
                new Settings.WindowBounds(40, 30, 900, 640, false));
        vm.apply(s);
        assertThat(server.form()).isEqualTo(s.server());
        assertThat(vm.settings())
                .as("the server in use is kept, not the form")
                .isEqualTo(new Settings(
                        ServerSettings.EMBEDDED,
                        30,
                        false,
                        Settings.Theme.DARK,
                        0.4,
                        true,
                        s.lastFolder(),
                        s.window()));
    }

    @Test
    void theEmbeddedServersPathIsWarmedUpButARemoteServerIsNotCalled() throws IOException, InterruptedException {
        var models = dev.digitpad.testing.TestModels.loaded(
                new dev.digitpad.inference.ModelManager.ModelConfig("mnist", Path.of("assets/models/mnist")));
        var serving = dev.digitpad.testing.InProcessServing.start(new dev.digitpad.server.ServingCore(models));
        var channel = serving.channel();
        try {
            for (boolean inProcess : new boolean[] {true, false}) {
                java.util.List<Runnable> queued = new java.util.ArrayList<>();
                PredictionScheduler scheduler = new PredictionScheduler(queued::add, Runnable::run);
                var client = new dev.digitpad.client.PredictionClient(
                        channel,
                        "test",
                        dev.digitpad.client.PredictionClient.Options.model("mnist"),
                        new dev.digitpad.client.MetadataCache());
                ServerViewModel server = new ServerViewModel(
                        s -> new ServerSession() {
                            @Override
                            public String name() {
                                return "test";
                            }

                            @Override
                            public dev.digitpad.client.PredictionClient client() {
                                return client;
                            }

                            @Override
                            public boolean inProcess() {
                                return inProcess;
                            }

                            @Override
                            public void close() {}
                        },
                        Runnable::run,
                        Runnable::run);
                new MainViewModel(
                        scheduler,
                        new PadViewModel(scheduler),
                        new PredictionViewModel(scheduler),
                        server,
                        Runnable::run,
                        Runnable::run);
                server.connect();
                assertThat(server.sessionProperty().get()).isNotNull();
                assertThat(queued)
                        .as("warm-up work queued for a server %s", inProcess ? "in this process" : "elsewhere")
                        .hasSize(inProcess ? 1 : 0);
            }
        } finally {
            serving.close();
            models.close();
        }
    }
}
