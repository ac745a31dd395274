package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.protocol.serving.SSLConfig;
import dev.digitpad.server.GrpcTls;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.CommandRun;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.testing.DistributionServable;
import dev.digitpad.testing.Distributions;
import dev.digitpad.testing.TestCertificates;
import dev.digitpad.testing.TestModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code digitpad predict} as a user runs it: the shipped model by default, or a server given by address. */
class PredictCommandTest {
    @TempDir
    static Path dir;

    static List<Path> drawn = new ArrayList<>();

    /** Every digit twice: large and dark on light, smaller and off-centre light on dark. */
    @BeforeAll
    static void drawDigits() throws IOException {
        for (int d = 0; d < 10; d++) {
            drawn.add(write("big-" + d, DigitSketches.draw(d, 50, 30, 210, 22, true)));
            drawn.add(write("small-" + d, DigitSketches.draw(d, 150, 120, 110, 14, false)));
        }
    }

    @Test
    void theShippedModelReadsDrawnDigitsOfEveryClass() throws IOException {
        List<String> args = new ArrayList<>(List.of("predict", "--json"));
        drawn.forEach(p -> args.add(p.toString()));
        CommandRun run = CommandRun.run(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> lines = run.lines();
        assertThat(lines).hasSize(drawn.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            int expected = i / 2;
            assertThat(line.get("file").asText()).isEqualTo(drawn.get(i).toString());
            assertThat(line.get("digit").asInt())
                    .as("%s: %s", drawn.get(i).getFileName(), line)
                    .isEqualTo(expected);
            assertThat(line.get("probabilities")).hasSize(10);
            double sum = 0;
            for (JsonNode p : line.get("probabilities")) {
                sum += p.asDouble();
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(line.get("confidence").asDouble())
                    .isEqualTo(line.get("probabilities").get(expected).asDouble());
            assertThat(line.get("sure").asBoolean())
                    .as("sure at the default threshold: %s", line)
                    .isEqualTo(line.get("confidence").floatValue() >= 0.6f);
        }
    }

    @Test
    void failingFilesGetAnErrorLineTheOthersStillRunAndTheExitCodeSaysSo() throws IOException {
        Path broken = Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path blank = write("blank", DigitSketches.draw(1, 0, 0, 0, 0.001f, true));
        CommandRun run = CommandRun.run(
                "predict", "--json", broken.toString(), drawn.get(6).toString(), blank.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        List<JsonNode> lines = run.lines();
        assertThat(lines.get(0).get("file").asText()).isEqualTo(broken.toString());
        assertThat(lines.get(0).get("error").asText()).contains(broken.toString());
        assertThat(lines.get(1).get("digit").asInt()).isEqualTo(3);
        assertThat(lines.get(2).get("error").asText()).startsWith("nothing to recognise");
    }

    @Test
    void humanOutputAndPreview() {
        CommandRun run = CommandRun.run("predict", "--preview", drawn.get(14).toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith(drawn.get(14) + ": 7 (")
                .contains(" 0:")
                .contains(" 9:")
                .contains("██");
    }

    /** Answers of the models "sure" (of a 7), "torn" (between 4 and 9) and "flat". */
    private static final float[] SURE_SEVEN = Distributions.probabilities(7, 0.97f);

    private static final float[] TORN =
            new float[] {0.02f, 0.02f, 0.02f, 0.02f, 0.41f, 0.02f, 0.02f, 0.02f, 0.07f, 0.38f};
    private static final float[] FLAT = Distributions.probabilities(2, 0.12f);

    /** Runs {@code digitpad predict} with each of {@code runs}' arguments against a server of those models. */
    private static List<CommandRun> againstChosenAnswers(List<List<String>> runs) throws Exception {
        try (ModelManager models = DistributionServable.serving(
                        dir.resolve("chosen"), Map.of("sure", SURE_SEVEN, "torn", TORN, "flat", FLAT));
                ModelServer server = ModelServer.start(
                        new ServingCore(models),
                        new ModelServer.Options(
                                ModelServer.Options.LOOPBACK,
                                0,
                                0,
                                ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                                Duration.ofSeconds(10)))) {
            List<CommandRun> done = new ArrayList<>();
            for (List<String> args : runs) {
                List<String> all = new ArrayList<>(List.of("predict", "--server", "127.0.0.1:" + server.grpcPort()));
                all.addAll(args);
                all.add(drawn.get(0).toString());
                done.add(CommandRun.run(all.toArray(String[]::new)));
            }
            return done;
        }
    }

    @Test
    void jsonSaysWhetherTheModelIsSureAtTheThreshold() throws Exception {
        List<CommandRun> runs = againstChosenAnswers(List.of(
                List.of("--json", "--model", "sure"),
                List.of("--json", "--model", "torn"),
                List.of("--json", "--model", "torn", "--threshold", "0.41"),
                List.of("--json", "--model", "sure", "--threshold", "1"),
                List.of("--json", "--model", "flat")));
        for (CommandRun run : runs) {
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        }
        JsonNode sure = runs.get(0).lines().get(0);
        assertThat(sure.get("sure").asBoolean()).isTrue();
        assertThat(sure.get("file").asText()).isEqualTo(drawn.get(0).toString());
        assertThat(sure.get("digit").asInt()).isEqualTo(7);
        assertThat(sure.get("confidence").floatValue()).isEqualTo(0.97f);
        assertThat(sure.get("probabilities")).hasSize(10);

        JsonNode torn = runs.get(1).lines().get(0);
        assertThat(torn.get("sure").asBoolean())
                .as("41%% is below the default 60%%")
                .isFalse();
        assertThat(torn.get("digit").asInt()).as("the top digit is still given").isEqualTo(4);
        assertThat(torn.get("confidence").floatValue()).isEqualTo(0.41f);
        assertThat(runs.get(2).lines().get(0).get("sure").asBoolean())
                .as("exactly at the threshold is sure")
                .isTrue();
        assertThat(runs.get(3).lines().get(0).get("sure").asBoolean()).isFalse();
        assertThat(runs.get(4).lines().get(0).get("sure").asBoolean()).isFalse();
    }

    @Test
    void theTextSaysNotSureWithTheBestGuessesOrThatItIsNoDigit() throws Exception {
        List<CommandRun> runs = againstChosenAnswers(
                List.of(List.of("--model", "sure"), List.of("--model", "torn"), List.of("--model", "flat")));
        String file = drawn.get(0).toString();
        assertThat(runs.get(0).out())
                .as("the sure case is as it always was")
                .startsWith(file + ": 7 (97.0%)   0:0.3%")
                .doesNotContain("not sure");
        assertThat(runs.get(1).out())
                .startsWith(file + ": not sure: maybe 4 (41%) or 9 (38%)   0:2.0%")
                .contains(" 4:41.0%")
                .contains(" 9:38.0%");
        assertThat(runs.get(2).out()).startsWith(file + ": not sure: this does not look like a digit   0:9.8%");
        for (CommandRun run : runs) {
            assertThat(run.exitCode())
                    .as("not sure is an answer, not a failure")
                    .isZero();
        }
    }

    @Test
    void aThresholdOutsideZeroToOneIsAUsageError() {
        for (String bad : List.of("1.5", "-0.1", "60", "NaN")) {
            CommandRun run =
                    CommandRun.run("predict", "--threshold", bad, drawn.get(0).toString());
            assertThat(run.exitCode()).as(bad).isEqualTo(2);
            assertThat(run.err())
                    .as(bad)
                    .contains("--threshold must be a probability between 0 and 1 (e.g. 0.6 for 60%), not ")
                    .doesNotContain("\tat ");
            assertThat(run.out()).isEmpty();
        }
        CommandRun notANumber =
                CommandRun.run("predict", "--threshold", "high", drawn.get(0).toString());
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--threshold").contains("high");
    }

    @Test
    void aRemoteServerByAddress() throws Exception {
        Path base = dir.resolve("remote-model");
        TestModels.writeVersion(base, 2, TestModels.Kind.MNIST);
        try (ModelManager models = TestModels.loaded(new ModelManager.ModelConfig("digits", base))) {
            try (ModelServer server = ModelServer.start(
                    new ServingCore(models),
                    new ModelServer.Options(
                            ModelServer.Options.LOOPBACK,
                            0,
                            0,
                            ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                            Duration.ofSeconds(10)))) {
                CommandRun run = CommandRun.run(
                        "predict",
                        "--json",
                        "--server",
                        "127.0.0.1:" + server.grpcPort(),
                        "--model",
                        "digits",
                        "--version",
                        "2",
                        drawn.get(0).toString());
                assertThat(run.exitCode()).as(run.err()).isZero();
                assertThat(run.lines().get(0).get("probabilities")).hasSize(10);

                CommandRun wrongModel = CommandRun.run(
                        "predict",
                        "--json",
                        "--server",
                        "127.0.0.1:" + server.grpcPort(),
                        drawn.get(0).toString());
                assertThat(wrongModel.exitCode()).isEqualTo(1);
                assertThat(wrongModel.lines().get(0).get("error").asText()).contains("has no model named \"mnist\"");
            }
        }
    }

    @Test
    void aLabelChoosesTheVersionThatAnswersAndTheAnswerSaysWhich() throws Exception {
        Path base = dir.resolve("labelled-model");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        TestModels.writeVersion(base, 2, TestModels.Kind.MNIST);
        try (ModelManager models = TestModels.loadedWithLabels("mnist", base, Map.of("stable", 1L, "canary", 2L));
                ModelServer server = ModelServer.start(
                        new ServingCore(models),
                        new ModelServer.Options(
                                ModelServer.Options.LOOPBACK,
                                0,
                                0,
                                ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                                Duration.ofSeconds(10)))) {
            String address = "127.0.0.1:" + server.grpcPort();
            String file = drawn.get(0).toString();

            CommandRun canary = CommandRun.run("predict", "--json", "--server", address, "--label", "canary", file);
            assertThat(canary.exitCode()).as(canary.err()).isZero();
            assertThat(canary.lines().get(0).get("version").asLong()).isEqualTo(2);
            assertThat(canary.lines().get(0).get("label").asText()).isEqualTo("canary");

            CommandRun stable = CommandRun.run("predict", "--server", address, "--label", "stable", file);
            assertThat(stable.exitCode()).as(stable.err()).isZero();
            assertThat(stable.out().strip()).startsWith(file + ": ").endsWith("answered by version 1 (label stable)");

            CommandRun latest = CommandRun.run("predict", "--json", "--server", address, file);
            assertThat(latest.lines().get(0).get("version").asLong()).isEqualTo(2);
            assertThat(latest.lines().get(0).has("label")).isFalse();

            CommandRun unknown = CommandRun.run("predict", "--server", address, "--label", "beta", file);
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.out().strip())
                    .isEqualTo(file + ": error: " + address + " has no label \"beta\" for model \"mnist\"; its labels"
                            + " are canary (version 2), stable (version 1). Choose one of those, a version, or the"
                            + " latest.");

            CommandRun missing = CommandRun.run("predict", "--server", address, "--version", "7", file);
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.out().strip())
                    .isEqualTo(file + ": error: " + address + " has no version 7 of model \"mnist\"; it has versions 1"
                            + " (available, label stable), 2 (available, label canary). Choose one of those, or the"
                            + " latest.");
        }
    }

    @Test
    void aVersionAndALabelTogetherAreAUsageError() {
        CommandRun run = CommandRun.run(
                "predict", "--version", "1", "--label", "canary", drawn.get(0).toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("--version and --label both choose the model's version: give one of them (--version 1 or"
                        + " --label canary), not both.")
                .doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();

        CommandRun blank =
                CommandRun.run("predict", "--label", " ", drawn.get(0).toString());
        assertThat(blank.exitCode()).isEqualTo(2);
        assertThat(blank.err()).startsWith("--label: The version label is empty.");
    }

    @Test
    void aServerBehindMutualTls() throws Exception {
        Path base = dir.resolve("tls-model");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        TestCertificates ca = TestCertificates.authority(dir, "predict-test");
        TestCertificates.Pem serverCert = ca.server("predict-server");
        TestCertificates.Pem clientCert = ca.client("predict-client");
        GrpcTls tls = GrpcTls.from(
                SSLConfig.newBuilder()
                        .setServerKey(TestCertificates.pem(serverCert.privateKey()))
                        .setServerCert(TestCertificates.pem(serverCert.certificate()))
                        .setCustomCa(TestCertificates.pem(ca.caFile()))
                        .setClientVerify(true)
                        .build(),
                "test");
        try (ModelManager models = TestModels.loaded(new ModelManager.ModelConfig("mnist", base));
                ModelServer server = ModelServer.start(
                        new ServingCore(models),
                        new ModelServer.Options(
                                ModelServer.Options.LOOPBACK,
                                0,
                                0,
                                ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                                Duration.ofSeconds(10),
                                Optional.of(tls),
                                Optional.empty()))) {
            String address = "localhost:" + server.grpcPort();

            CommandRun mutual = CommandRun.run(
                    "predict",
                    "--json",
                    "--server",
                    address,
                    "--tls",
                    "--ca",
                    ca.caFile().toString(),
                    "--cert",
                    clientCert.certificate().toString(),
                    "--key",
                    clientCert.privateKey().toString(),
                    drawn.get(0).toString());
            CommandRun withoutCertificate = CommandRun.run(
                    "predict",
                    "--json",
                    "--server",
                    address,
                    "--tls",
                    "--ca",
                    ca.caFile().toString(),
                    "--deadline",
                    "5s",
                    drawn.get(0).toString());
            TestCertificates.Pem stranger =
                    TestCertificates.authority(dir, "predict-other").client("predict-stranger");
            CommandRun strangerCertificate = CommandRun.run(
                    "predict",
                    "--json",
                    "--server",
                    address,
                    "--tls",
                    "--ca",
                    ca.caFile().toString(),
                    "--cert",
                    stranger.certificate().toString(),
                    "--key",
                    stranger.privateKey().toString(),
                    "--deadline",
                    "5s",
                    drawn.get(0).toString());
            CommandRun plaintext = CommandRun.run(
                    "predict",
                    "--json",
                    "--server",
                    address,
                    "--deadline",
                    "5s",
                    drawn.get(0).toString());

            assertThat(mutual.exitCode()).as(mutual.out() + mutual.err()).isZero();
            assertThat(mutual.lines().get(0).get("probabilities")).hasSize(10);
            assertThat(withoutCertificate.exitCode()).isEqualTo(1);
            assertThat(withoutCertificate.lines().get(0).get("error").asText())
                    .startsWith("The secure connection to " + address + " failed")
                    .endsWith(
                            "The server requires a client certificate signed by a CA it trusts (mutual TLS): give such"
                                    + " a certificate and its key.");
            assertThat(strangerCertificate.exitCode()).isEqualTo(1);
            assertThat(strangerCertificate.lines().get(0).get("error").asText())
                    .endsWith(
                            "The server requires a client certificate signed by a CA it trusts (mutual TLS): give such"
                                    + " a certificate and its key.");
            assertThat(plaintext.exitCode()).isEqualTo(1);
            assertThat(plaintext.lines().get(0).has("error")).isTrue();
        }
    }

    @Test
    void noServerAtTheAddress() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CommandRun run = CommandRun.run(
                "predict",
                "--server",
                "127.0.0.1:" + port,
                "--deadline",
                "3s",
                drawn.get(0).toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains("Nothing is answering at 127.0.0.1:" + port + ". Start the server, or check the address.")
                .doesNotContain("io exception");
    }

    @Test
    void helpListsTheOptionsWithoutAskingForAFile() {
        CommandRun run = CommandRun.run("predict", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("Usage: digitpad predict")
                .contains("--threshold")
                .contains("--version=N")
                .contains("--label=L");
        assertThat(run.err()).doesNotContain("Missing required parameter");
    }

    @Test
    void aMistypedAddressIsAUsageError() {
        CommandRun run = CommandRun.run(
                "predict", "--server", "localhost:http", drawn.get(0).toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--server: \"localhost:http\": the port must be a number");
    }

    @Test
    void aCaFileThatCannotBeReadIsAUsageErrorWithoutAStackTrace() {
        Path missing = dir.resolve("no-such-ca.pem");

        CommandRun run = CommandRun.run(
                "predict",
                "--server",
                "localhost:8500",
                "--tls",
                "--ca",
                missing.toString(),
                drawn.get(0).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("Cannot read " + missing + "; check the path and its permissions.")
                .doesNotContain("\tat ");
    }

    private static Path write(String name, java.awt.image.BufferedImage image) throws IOException {
        Path file = dir.resolve(name + ".png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
