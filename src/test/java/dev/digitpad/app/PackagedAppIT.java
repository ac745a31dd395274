package dev.digitpad.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.app.desktop.DesktopApp;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.Tensors;
import io.grpc.ManagedChannel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app-image of {@code mvn -Ppackage package}, run as a user who has no Java runs it: no JDK on the PATH, no
 * JAVA_HOME, an empty home folder. Skipped, saying so, when the image was not built (a build without -Ppackage).
 */
class PackagedAppIT {
    /** The version of the model shipped in assets/models/mnist. */
    static final long SHIPPED_VERSION = 2;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path IMAGE = Path.of(System.getProperty("digitpad.image", "target/jpackage/DigitPad"));
    /** The only file DigitPad's command line may leave in a home folder: its log. */
    private static final String LOG = ".local/share/DigitPad/logs/digitpad.log";

    @TempDir
    Path work;

    @BeforeAll
    static void imageWasBuilt() {
        assumeTrue(
                Files.isExecutable(IMAGE.resolve("bin/digitpad")),
                "No app-image at " + IMAGE.toAbsolutePath() + ": it is built by `mvn -Ppackage package`; run"
                        + " `mvn -Ppackage verify` to build and test it.");
    }

    /**
     * What a user's session has: a PATH without any JDK 25 (a Java found on /usr/bin would be too old to run DigitPad,
     * so the launcher must not use it), a home folder, and no JAVA_HOME. Java takes its user.home from the password
     * database rather than from $HOME, so the (bundled) JVM is told the test's home folder explicitly.
     */
    private static Map<String, String> userEnvironment(Path home) {
        return Map.of(
                "PATH",
                "/usr/bin:/bin",
                "HOME",
                home.toString(),
                "LANG",
                "C.UTF-8",
                "JAVA_TOOL_OPTIONS",
                "-Duser.home=" + home);
    }

    private record Run(int exitCode, String out, String err) {}

    private Run run(Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + List.of(command) + "\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Every file under {@code home}, relative to it. */
    private static Set<String> filesIn(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> home.relativize(p).toString())
                    .collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    @Test
    void predictRunsOnTheBundledRuntimeWithNoJdkAndUnpacksNothingIntoTheHomeFolder() throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        List<String> command =
                new ArrayList<>(List.of(IMAGE.resolve("bin/digitpad").toString(), "predict", "--json"));
        for (int d = 0; d < 10; d++) {
            Path png = work.resolve("digit-" + d + ".png");
            ImageIO.write(DigitSketches.draw(d, 50, 30, 210, 22, true), "png", png.toFile());
            command.add(png.toString());
        }

        Run run = run(userEnvironment(home), command.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().strip().lines().toList();
        assertThat(lines).as(run.err()).hasSize(10);
        for (int d = 0; d < 10; d++) {
            JsonNode line = JSON.readTree(lines.get(d));
            assertThat(line.get("file").asText()).endsWith("digit-" + d + ".png");
            assertThat(line.get("digit").asInt()).as("%s", line).isEqualTo(d);
        }
        // TensorFlow came from the image, not from a cache it unpacked (JavaCPP's ~/.javacpp, JavaFX's ~/.openjfx).
        assertThat(filesIn(home)).containsExactly(LOG);
        assertThat(home.resolve(".javacpp")).doesNotExist();
        assertThat(Files.readString(home.resolve(LOG)))
                .contains("Model \"mnist\": now serving version " + SHIPPED_VERSION)
                .contains(IMAGE.toAbsolutePath().resolve("lib/app/models/mnist").toString());
        assertThat(run.err()).doesNotContain("Unsupported JavaFX configuration").doesNotContain("Exception");
    }

    @Test
    void versionComesFromThePom() throws Exception {
        Run run = run(
                userEnvironment(Files.createDirectories(work.resolve("home"))),
                IMAGE.resolve("bin/digitpad").toString(),
                "--version");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("DigitPad " + System.getProperty("digitpad.version"));
    }

    @Test
    void serveAnswersPredictOverGrpcFromTheBundledJvmAndTensorFlow() throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        int digit = 7;
        float[] pixels = MnistNormalizer.normalize(DigitSketches.draw(digit, 50, 30, 210, 22, true))
                .pixels()
                .orElseThrow();
        try (ServedProcess server =
                ServedProcess.start(IMAGE.resolve("bin/digitpad"), work, userEnvironment(home), "--rest_api_port=0")) {
            server.awaitServing(Duration.ofSeconds(90));

            // The process runs the image's own JVM and TensorFlow libraries.
            String maps = Files.readString(
                    Path.of("/proc", Long.toString(server.process.pid()), "maps"), StandardCharsets.UTF_8);
            Path image = IMAGE.toRealPath();
            assertThat(maps)
                    .contains(image.resolve("lib/runtime/lib/server/libjvm.so").toString())
                    .contains(image.resolve("lib/app/native/libtensorflow_cc.so.2")
                            .toString());

            ManagedChannel channel = server.channel();
            PredictResponse answer = PredictionServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predict(Tensors.predictImages("mnist", pixels));
            float[] probabilities = Tensors.floats(answer.getOutputsOrThrow("dense"));
            assertThat(probabilities).hasSize(10);
            int best = 0;
            for (int k = 1; k < 10; k++) {
                best = probabilities[k] > probabilities[best] ? k : best;
            }
            assertThat(best)
                    .as("probabilities %s", java.util.Arrays.toString(probabilities))
                    .isEqualTo(digit);
            assertThat(answer.getModelSpec().getVersion().getValue()).isEqualTo(SHIPPED_VERSION);
            assertThat(server.terminate(Duration.ofSeconds(30)))
                    .as(server.log())
                    .isZero();
        }
        assertThat(filesIn(home)).containsExactly(LOG);
    }

    @Test
    void theWindowWithoutADisplaySaysWhyAndWhereTheLogIsInsteadOfExitingSilently() throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        Run run = run(userEnvironment(home), IMAGE.resolve("bin/DigitPad").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("DigitPad's window cannot open")
                .contains("The details are in the log file:\n" + home.resolve(LOG))
                .doesNotContain("Unsupported JavaFX configuration");
        assertThat(Files.readString(home.resolve(LOG))).contains("DigitPad's window cannot open");
        // JavaFX loaded its native libraries (GTK said there is no display) from the runtime, unpacking none.
        assertThat(filesIn(home)).containsExactly(LOG);
        assertThat(home.resolve(".openjfx")).doesNotExist();
    }

    // ----- the .deb -----

    private static Path deb() throws IOException {
        Path folder = IMAGE.getParent();
        assumeTrue(new File("/usr/bin/dpkg-deb").canExecute(), "dpkg-deb is not installed, so no .deb was built");
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("digitpad_.*_amd64\\.deb"))
                    .toList();
            assumeTrue(
                    !debs.isEmpty(),
                    "No .deb in " + folder + " (built by mvn -Ppackage package where dpkg-deb exists)");
            return debs.getFirst();
        }
    }

    @Test
    void debInstallsTheAppInOptWithADesktopEntryAndNoTensorFlowJarToUnpack() throws Exception {
        Path deb = deb();
        Run info = run(Map.of("PATH", "/usr/bin:/bin"), "dpkg-deb", "--field", deb.toString(), "Package", "Version");
        assertThat(info.out())
                .contains("Package: digitpad")
                .contains("Version: " + System.getProperty("digitpad.version"));

        Run contents = run(Map.of("PATH", "/usr/bin:/bin"), "dpkg-deb", "--contents", deb.toString());
        assertThat(contents.exitCode()).as(contents.err()).isZero();
        assertThat(contents.out())
                .contains(
                        "./opt/digitpad/bin/DigitPad",
                        "./opt/digitpad/bin/digitpad",
                        "./opt/digitpad/lib/digitpad-DigitPad.desktop",
                        "./opt/digitpad/lib/app/icons/digitpad-256.png",
                        "./opt/digitpad/lib/app/native/libtensorflow_cc.so.2",
                        "./opt/digitpad/lib/runtime/lib/libglass.so",
                        "./opt/digitpad/lib/app/models/mnist/" + SHIPPED_VERSION + "/saved_model.pb")
                .doesNotContain("tensorflow-core-native-" + System.getProperty("tensorflow.version") + "-linux");

        Path root = Files.createDirectories(work.resolve("deb"));
        assertThat(run(Map.of("PATH", "/usr/bin:/bin"), "dpkg-deb", "--extract", deb.toString(), root.toString())
                        .exitCode())
                .isZero();
        String desktop = Files.readString(root.resolve("opt/digitpad/lib/digitpad-DigitPad.desktop"));
        assertThat(desktop)
                .contains("Exec=/opt/digitpad/bin/DigitPad")
                .contains("Icon=digitpad")
                .contains("Type=Application")
                .contains(
                        "StartupWMClass=" + DesktopApp.class.getName()); // so that docks match the window to the entry
    }

    /**
     * The package's own maintainer scripts, run as dpkg runs them for an install into another root (DPKG_ROOT), so
     * that the test does not touch this machine: postinst links the command, the menu entry and the icons; prerm
     * takes them away again, and neither touches a file that is not DigitPad's.
     */
    @Test
    void debScriptsPutDigitpadOnThePathAndTheEntryInTheMenuAndTakeThemAwayAgain() throws Exception {
        Path deb = deb();
        Path control = work.resolve("control");
        assertThat(run(Map.of("PATH", "/usr/bin:/bin"), "dpkg-deb", "--control", deb.toString(), control.toString())
                        .exitCode())
                .isZero();
        Path root = Files.createDirectories(work.resolve("root"));
        Map<String, String> dpkg = Map.of("PATH", "/usr/bin:/bin", "DPKG_ROOT", root.toString());

        Run postinst = run(dpkg, "sh", control.resolve("postinst").toString(), "configure");
        assertThat(postinst.exitCode()).as(postinst.err()).isZero();
        assertThat(Files.readSymbolicLink(root.resolve("usr/bin/digitpad")))
                .isEqualTo(Path.of("/opt/digitpad/bin/digitpad"));
        assertThat(Files.readSymbolicLink(root.resolve("usr/share/applications/digitpad.desktop")))
                .isEqualTo(Path.of("/opt/digitpad/lib/digitpad-DigitPad.desktop"));
        for (int size : new int[] {16, 24, 32, 48, 64, 128, 256, 512}) {
            assertThat(Files.readSymbolicLink(
                            root.resolve("usr/share/icons/hicolor/" + size + "x" + size + "/apps/digitpad.png")))
                    .isEqualTo(Path.of("/opt/digitpad/lib/app/icons/digitpad-" + size + ".png"));
        }

        Run prerm = run(dpkg, "sh", control.resolve("prerm").toString(), "remove");
        assertThat(prerm.exitCode()).as(prerm.err()).isZero();
        assertThat(root.resolve("usr/bin/digitpad")).doesNotExist();
        assertThat(root.resolve("usr/share/applications/digitpad.desktop")).doesNotExist();
        assertThat(root.resolve("usr/share/icons/hicolor/48x48/apps/digitpad.png"))
                .doesNotExist();

        // Someone else's /usr/bin/digitpad stays as it is.
        Files.writeString(root.resolve("usr/bin/digitpad"), "#!/bin/sh\necho mine\n");
        Run again = run(dpkg, "sh", control.resolve("postinst").toString(), "configure");
        assertThat(again.exitCode()).isZero();
        assertThat(again.err()).contains("/usr/bin/digitpad exists and is not DigitPad's");
        assertThat(Files.readString(root.resolve("usr/bin/digitpad"))).contains("echo mine");
        assertThat(run(dpkg, "sh", control.resolve("prerm").toString(), "remove")
                        .exitCode())
                .isZero();
        assertThat(Files.readString(root.resolve("usr/bin/digitpad"))).contains("echo mine");
    }
}
