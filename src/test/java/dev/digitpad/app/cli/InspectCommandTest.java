package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.contract.ModelDescription;
import dev.digitpad.contract.ModelDescriptionText;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.CommandRun;
import dev.digitpad.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code digitpad inspect} as a user runs it: the shipped model, a model of two versions with two signatures each,
 * read from its files or asked of a server, as text and as JSON, and the paths it cannot read.
 */
class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    /** Versions 1 and 2 of {@link TestModels.Kind#TWO_SIGNATURES}. */
    static Path twoSignatures;

    @BeforeAll
    static void models() throws Exception {
        twoSignatures = dir.resolve("two-signatures");
        TestModels.writeVersion(twoSignatures, 1, TestModels.Kind.TWO_SIGNATURES);
        TestModels.writeVersion(twoSignatures, 2, TestModels.Kind.TWO_SIGNATURES);
    }

    /** What saved_model_cli show --all prints for one version of {@link TestModels.Kind#TWO_SIGNATURES}. */
    private static final String TWO_SIGNATURES_VERSION = """

            MetaGraphDef with tag-set: 'serve' contains the following SignatureDefs:

            signature_def['logits']:
              The given SavedModel SignatureDef contains the following input(s):
                inputs['image'] tensor_info:
                    dtype: DT_FLOAT
                    shape: (-1, 28, 28)
                    name: image:0
              The given SavedModel SignatureDef contains the following output(s):
                outputs['logits'] tensor_info:
                    dtype: DT_FLOAT
                    shape: (-1, 10)
                    name: logits:0
              Method name is: tensorflow/serving/predict

            signature_def['serving_default']:
              The given SavedModel SignatureDef contains the following input(s):
                inputs['image'] tensor_info:
                    dtype: DT_FLOAT
                    shape: (-1, 28, 28)
                    name: image:0
              The given SavedModel SignatureDef contains the following output(s):
                outputs['probabilities'] tensor_info:
                    dtype: DT_FLOAT
                    shape: (-1, 10)
                    name: probabilities:0
              Method name is: tensorflow/serving/predict
            """;

    @Test
    void theShippedModelByDefaultAndByPath() {
        Path shipped = AppPaths.shippedModel().toAbsolutePath().normalize();
        long version = AppPaths.newestVersion(shipped)
                .map(p -> Long.parseLong(p.getFileName().toString()))
                .orElseThrow();
        String expected = "Model \"mnist\" in " + shipped + ": 1 version\n\n== Version " + version + " ==\n" + """

                MetaGraphDef with tag-set: 'serve' contains the following SignatureDefs:

                signature_def['serving_default']:
                  The given SavedModel SignatureDef contains the following input(s):
                    inputs['flatten_input'] tensor_info:
                        dtype: DT_FLOAT
                        shape: (-1, 28, 28, 1)
                        name: flatten_input:0
                  The given SavedModel SignatureDef contains the following output(s):
                    outputs['dense'] tensor_info:
                        dtype: DT_FLOAT
                        shape: (-1, 10)
                        name: dense:0
                  Method name is: tensorflow/serving/predict
                """;
        CommandRun byDefault = CommandRun.run("inspect");
        assertThat(byDefault.exitCode()).as(byDefault.err()).isZero();
        assertThat(byDefault.out()).isEqualTo(expected);
        CommandRun byPath = CommandRun.run("inspect", shipped.toString());
        assertThat(byPath.out()).isEqualTo(expected);
    }

    @Test
    void eachVersionOfABaseFolderInOrderWithEverySignature() {
        CommandRun run = CommandRun.run("inspect", twoSignatures.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo("Model \"two-signatures\" in " + twoSignatures + ": 2 versions\n\n== Version 1 ==\n"
                        + TWO_SIGNATURES_VERSION + "\n== Version 2 ==\n" + TWO_SIGNATURES_VERSION);
    }

    @Test
    void oneVersionFolderAloneAsSavedModelCliShowsIt() {
        CommandRun run = CommandRun.run("inspect", twoSignatures.resolve("2").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(TWO_SIGNATURES_VERSION);
    }

    @Test
    void aSavedModelInTextFormatReadsTheSame() throws Exception {
        Path text = Files.createDirectories(dir.resolve("text").resolve("4"));
        org.tensorflow.proto.SavedModel model = org.tensorflow.proto.SavedModel.parseFrom(
                Files.readAllBytes(twoSignatures.resolve("2/saved_model.pb")));
        Files.writeString(
                text.resolve("saved_model.pbtxt"),
                com.google.protobuf.TextFormat.printer().printToString(model));
        CommandRun run = CommandRun.run("inspect", text.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(TWO_SIGNATURES_VERSION);
        Files.writeString(text.resolve("saved_model.pbtxt"), "meta_graphs { this is not text format");
        assertThat(fails(text)).contains(text.resolve("saved_model.pbtxt") + " is not a SavedModel");
    }

    @Test
    void jsonCarriesTheSameDescription() throws Exception {
        CommandRun run = CommandRun.run("inspect", "--json", twoSignatures.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        ModelDescription parsed = JSON.readValue(run.out(), ModelDescription.class);
        assertThat(parsed).isEqualTo(InspectCommand.fromFiles(twoSignatures));
        assertThat(ModelDescriptionText.format(parsed))
                .isEqualTo(CommandRun.run("inspect", twoSignatures.toString()).out());
        var tree = JSON.readTree(run.out());
        assertThat(tree.get("origin").asText()).isEqualTo("FILES");
        var input = tree.at("/versions/0/metaGraphs/0/signatures/1/inputs/0");
        assertThat(input.get("key").asText()).isEqualTo("image");
        assertThat(input.get("dtype").asText()).isEqualTo("DT_FLOAT");
        assertThat(input.get("shape").toString()).isEqualTo("[-1,28,28]");
        assertThat(tree.at("/versions/1/version").asLong()).isEqualTo(2);
        assertThat(tree.at("/versions/1/metaGraphs/0/tags").toString()).isEqualTo("[\"serve\"]");
    }

    /**
     * The server tells the same as the files, apart from what its metadata does not carry: the tag set
     * (GetModelMetadata sends the signatures of the one MetaGraphDef it serves, without its tags), and it adds each
     * version's state (GetModelStatus), and names the model and itself instead of the folder.
     */
    @Test
    void aServerTellsWhatTheFilesSay() throws Exception {
        try (ModelManager models = TestModels.loadedWithLabels("digits", twoSignatures, Map.of("stable", 1L));
                ModelServer server = ModelServer.start(new ServingCore(models), options())) {
            String address = "127.0.0.1:" + server.grpcPort();
            ModelDescription files = InspectCommand.fromFiles(twoSignatures);
            ModelDescription asServed = new ModelDescription(
                    "digits",
                    address,
                    ModelDescription.Origin.SERVER,
                    files.versions().stream()
                            .map(v -> new ModelDescription.Version(
                                    v.version(),
                                    "AVAILABLE",
                                    v.metaGraphs().stream()
                                            .map(g -> new ModelDescription.MetaGraph(null, g.signatures()))
                                            .toList()))
                            .toList());

            CommandRun run = CommandRun.run("inspect", "--server", address, "--model", "digits");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo(ModelDescriptionText.format(asServed));
            assertThat(run.out())
                    .contains("== Version 2: AVAILABLE ==")
                    .contains("MetaGraphDef with tag-set: " + ModelDescriptionText.TAGS_NOT_REPORTED);

            CommandRun json = CommandRun.run("inspect", "--server", address, "--model", "digits", "--json");
            assertThat(JSON.readValue(json.out(), ModelDescription.class)).isEqualTo(asServed);

            ModelDescription versionOne = new ModelDescription(
                    "digits",
                    address,
                    ModelDescription.Origin.SERVER,
                    List.of(asServed.versions().get(0)));
            CommandRun byNumber = CommandRun.run("inspect", "--server", address, "--model", "digits", "--version", "1");
            assertThat(byNumber.out()).isEqualTo(ModelDescriptionText.format(versionOne));
            CommandRun byLabel =
                    CommandRun.run("inspect", "--server", address, "--model", "digits", "--label", "stable");
            assertThat(byLabel.out()).isEqualTo(ModelDescriptionText.format(versionOne));

            CommandRun noSuchModel = CommandRun.run("inspect", "--server", address);
            assertThat(noSuchModel.exitCode()).isEqualTo(1);
            assertThat(noSuchModel.err())
                    .contains("has no model named \"mnist\"")
                    .doesNotContain("\tat ");
            CommandRun noSuchVersion =
                    CommandRun.run("inspect", "--server", address, "--model", "digits", "--version", "7");
            assertThat(noSuchVersion.exitCode()).isEqualTo(1);
            assertThat(noSuchVersion.err()).contains("7").doesNotContain("\tat ");
        }
    }

    @Test
    void pathsThatHoldNoSavedModelAreNamedWithWhatToDo() throws Exception {
        Path missing = dir.resolve("no-such-model");
        assertThat(fails(missing)).contains("There is no file or folder " + missing);

        Path pb = twoSignatures.resolve("1").resolve("saved_model.pb");
        assertThat(fails(pb))
                .contains(pb + " is a file, not a folder")
                .contains("Give the folder that holds it: " + pb.getParent());
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a model");
        assertThat(fails(text)).contains(text + " is a file, not a folder").contains("saved_model.pb");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(fails(empty)).contains(empty + " is empty.");

        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("README"), "hello");
        assertThat(fails(other))
                .contains(other + " holds no saved_model.pb and no numbered version folders (it has README)");

        Path unfinished =
                Files.createDirectories(dir.resolve("unfinished").resolve("3").resolve("variables"));
        assertThat(fails(unfinished.getParent().getParent()))
                .contains("has version folders (3) but none holds a saved_model.pb");

        Path garbage = TestModels.writeGarbageVersion(dir.resolve("garbage"), 1);
        assertThat(fails(garbage.getParent()))
                .contains(garbage.resolve("saved_model.pb") + " is not a SavedModel")
                .contains("Export the model again");

        Path truncated = Files.createDirectories(dir.resolve("truncated").resolve("1"));
        byte[] whole = Files.readAllBytes(pb);
        Files.write(truncated.resolve("saved_model.pb"), Arrays.copyOf(whole, whole.length / 2));
        assertThat(fails(truncated))
                .contains(truncated.resolve("saved_model.pb") + " is not a SavedModel: it is corrupt or cut short");
    }

    @Test
    void serverOptionsWithAPathAreRefused() {
        CommandRun both = CommandRun.run("inspect", twoSignatures.toString(), "--server", "localhost:8500");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("Give a PATH or --server, not both");
        CommandRun version = CommandRun.run("inspect", twoSignatures.toString(), "--version", "1");
        assertThat(version.exitCode()).isEqualTo(2);
        assertThat(version.err()).contains("give PATH/N for version N alone");
    }

    /** Runs inspect on {@code path}, checks that it failed cleanly, and returns what it said. */
    private static String fails(Path path) {
        CommandRun run = CommandRun.run("inspect", path.toString());
        assertThat(run.exitCode()).as(run.out()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("inspect: ").doesNotContain("\tat ");
        return run.err();
    }

    private static ModelServer.Options options() {
        return new ModelServer.Options(
                ModelServer.Options.LOOPBACK,
                0,
                0,
                ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                Duration.ofSeconds(10));
    }
}
