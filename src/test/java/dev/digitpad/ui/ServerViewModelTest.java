package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.contract.VersionLabels;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.Interceptors;
import dev.digitpad.testing.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server panel's view model with a direct executor and the shipped model on an in-process server. */
class ServerViewModelTest {
    static ModelManager models;
    static InProcessServing serving;
    /** Model "labelled": versions 1 and 2, labels stable (1) and canary (2). */
    static ModelManager labelled;

    static InProcessServing labelledServing;
    /** The same, as TensorFlow Serving serves it: without the labels header. */
    static InProcessServing tfServing;

    @TempDir
    static Path dir;

    @BeforeAll
    static void serve() throws IOException {
        models = TestModels.loaded(new ModelManager.ModelConfig("mnist", Path.of("assets/models/mnist")));
        serving = InProcessServing.start(new ServingCore(models));
        Path base = dir.resolve("labelled");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        TestModels.writeVersion(base, 2, TestModels.Kind.MNIST);
        labelled = TestModels.loadedWithLabels("labelled", base, Map.of("stable", 1L, "canary", 2L));
        labelledServing = InProcessServing.start(new ServingCore(labelled));
        tfServing = InProcessServing.start(new ServingCore(labelled), Interceptors.withoutHeader(VersionLabels.HEADER));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        serving.close();
        labelledServing.close();
        tfServing.close();
        models.close();
        labelled.close();
    }

    private final List<ServerSettings> opened = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();

    private ServerSession open(ServerSettings s) throws IOException {
        opened.add(s);
        if (s.address().startsWith("nowhere")) {
            throw new IOException("No server is listening at " + s.address() + ". Start it, or check the address.");
        }
        String name = s.describe();
        InProcessServing server = s.address().startsWith("tf-serving")
                ? tfServing
                : s.model().equals("labelled") ? labelledServing : serving;
        PredictionClient client = new PredictionClient(
                server.channel(),
                name,
                PredictionClient.Options.model(s.model()).withVersion(s.version()),
                new MetadataCache());
        return new ServerSession() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PredictionClient client() {
                return client;
            }

            @Override
            public void close() {
                closed.add(name);
            }
        };
    }

    private final ServerViewModel vm = new ServerViewModel(this::open, Runnable::run, Runnable::run);

    @Test
    void connectingShowsTheModelAndVersion() {
        vm.connect();
        assertThat(vm.stateProperty().get()).isEqualTo(ServerViewModel.State.CONNECTED);
        assertThat(vm.stateTextProperty().get()).isEqualTo("Connected to embedded server");
        assertThat(vm.modelTextProperty().get()).matches("Model mnist, version \\d+");
        assertThat(vm.sessionProperty().get()).isNotNull();
        assertThat(vm.busyProperty().get()).isFalse();
    }

    @Test
    void theAddressIsValidatedAsItIsTyped() {
        vm.addressProperty().set("localhost:8500");
        assertThat(vm.addressErrorProperty().get()).isNull();
        vm.addressProperty().set("localhost:99999");
        assertThat(vm.addressErrorProperty().get()).contains("99999");
        vm.addressProperty().set("");
        assertThat(vm.addressErrorProperty().get()).contains("empty");
        vm.embeddedProperty().set(false);
        vm.connect();
        assertThat(opened).as("an invalid address is not tried").isEmpty();
        assertThat(vm.problemProperty().get().message()).contains("empty");
    }

    @Test
    void aFailedConnectionKeepsTheOneInUseAndSaysWhy() {
        vm.connect();
        ServerSession first = vm.sessionProperty().get();
        vm.embeddedProperty().set(false);
        vm.addressProperty().set("nowhere:1");
        vm.connect();
        assertThat(vm.sessionProperty().get()).isSameAs(first);
        assertThat(vm.stateProperty().get()).isEqualTo(ServerViewModel.State.CONNECTED);
        assertThat(vm.stateTextProperty().get())
                .as("the status bar tells the connection in use")
                .isEqualTo("Connected to embedded server");
        assertThat(vm.summaryProperty().get())
                .isEqualTo("Using embedded server (model mnist).\nConnecting to nowhere:1 (model mnist) failed: No"
                        + " server is listening at nowhere:1. Start it, or check the address.");
        assertThat(vm.problemProperty().get().title()).isEqualTo("Could not connect to nowhere:1 (model mnist)");
        assertThat(vm.problemProperty().get().message())
                .isEqualTo("No server is listening at nowhere:1. Start it, or check the address. Still using"
                        + " embedded server (model mnist).");
        assertThat(vm.addressProperty().get())
                .as("the form keeps what was typed")
                .isEqualTo("nowhere:1");
        assertThat(vm.appliedProperty().get().embedded()).isTrue();

        vm.addressProperty().set("127.0.0.1:8500");
        vm.connect();
        assertThat(vm.summaryProperty().get())
                .as("a successful connect clears the failure")
                .isEqualTo("Using 127.0.0.1:8500 (model mnist).");
    }

    @Test
    void aSuccessfulConnectClearsAFailedTestButNotASuccessfulOne() {
        vm.embeddedProperty().set(false);
        vm.addressProperty().set("127.0.0.1:8500");
        vm.modelProperty().set("letters");
        vm.testConnection();
        assertThat(vm.testResultProperty().get()).startsWith("Failed: ").contains("\"letters\"");
        vm.modelProperty().set("mnist");
        vm.connect();
        assertThat(vm.testResultProperty().get()).isEmpty();

        vm.testConnection();
        String passed = vm.testResultProperty().get();
        assertThat(passed).contains("AVAILABLE");
        vm.connect();
        assertThat(vm.testResultProperty().get()).isEqualTo(passed);
    }

    @Test
    void switchingServersClosesTheOldSession() {
        vm.connect();
        vm.embeddedProperty().set(false);
        vm.addressProperty().set("127.0.0.1:8500");
        vm.connect();
        assertThat(vm.stateTextProperty().get()).isEqualTo("Connected to 127.0.0.1:8500");
        assertThat(closed).containsExactly("embedded server");
        assertThat(vm.appliedProperty().get().address()).isEqualTo("127.0.0.1:8500");
        vm.close();
        assertThat(closed).containsExactly("embedded server", "127.0.0.1:8500");
    }

    @Test
    void testConnectionShowsStatusVersionAndSignatureWithoutSwitching() {
        vm.testConnection();
        assertThat(vm.testResultProperty().get())
                .contains("Model \"mnist\"")
                .containsPattern("version \\d+ AVAILABLE")
                .contains("serving_default")
                .contains("[-1,28,28,1]");
        assertThat(vm.sessionProperty().get()).isNull();
        assertThat(closed).hasSize(1);
    }

    @Test
    void aWrongModelNameIsReportedWithTheClientsMessage() {
        vm.embeddedProperty().set(false);
        vm.addressProperty().set("127.0.0.1:8500");
        vm.modelProperty().set("letters");
        vm.connect();
        assertThat(vm.stateProperty().get()).isEqualTo(ServerViewModel.State.FAILED);
        assertThat(vm.problemProperty().get().title()).isEqualTo("Cannot use 127.0.0.1:8500 (model letters)");
        assertThat(vm.problemProperty().get().message())
                .startsWith("127.0.0.1:8500 has no model named \"letters\". Check the model name");
        assertThat(vm.stateTextProperty().get()).isEqualTo("Could not connect to 127.0.0.1:8500");
        assertThat(vm.summaryProperty().get())
                .startsWith("Connecting to 127.0.0.1:8500 (model letters) failed: 127.0.0.1:8500 has no model named"
                        + " \"letters\".");
        assertThat(closed).as("the half-open session is closed").hasSize(1);
    }

    /** Connects to model "labelled" on the embedded server (so the tests say), with the latest version. */
    private void connectToLabelled() {
        vm.modelProperty().set("labelled");
        vm.connect();
        assertThat(vm.stateProperty().get()).isEqualTo(ServerViewModel.State.CONNECTED);
    }

    @Test
    void connectingListsTheVersionsWithTheirStatesAndLabels() {
        assertThat(vm.versionsTextProperty().get()).isEqualTo("Connect to a server to see its model's versions.");
        connectToLabelled();
        assertThat(vm.versionsTextProperty().get())
                .isEqualTo("Version 1: available, label stable\nVersion 2: available, label canary");
        assertThat(vm.versionNumbers()).containsExactly("1", "2");
        assertThat(vm.labels()).containsExactly("canary", "stable");
        assertThat(vm.versionProperty().get()).isEqualTo(VersionChoice.LATEST);
        assertThat(vm.modelTextProperty().get()).isEqualTo("Model labelled, version 2");
    }

    @Test
    void theEmbeddedServersOneVersionIsListed() {
        vm.connect();
        assertThat(vm.versionsTextProperty().get()).matches("Version \\d+: available\nNo labels\\.");
        assertThat(vm.versionNumbers()).hasSize(1);
        assertThat(vm.labels()).isEmpty();
    }

    @Test
    void choosingALabelAppliesItAtOnceToTheServerInUseAndTheAnswersSayIt() {
        connectToLabelled();
        ServerSession latest = vm.sessionProperty().get();
        vm.chooseLabel("stable");
        ServerSession stable = vm.sessionProperty().get();
        assertThat(stable).isNotSameAs(latest);
        assertThat(stable.client().options().version()).isEqualTo(VersionChoice.label("stable"));
        assertThat(vm.appliedProperty().get().version()).isEqualTo(VersionChoice.label("stable"));
        assertThat(vm.versionProperty().get()).isEqualTo(VersionChoice.label("stable"));
        assertThat(vm.summaryProperty().get()).isEqualTo("Using embedded server (model labelled, label stable).");
        assertThat(vm.modelTextProperty().get()).isEqualTo("Model labelled, version 1 (label stable)");
        assertThat(closed).as("the session with the latest version is closed").containsExactly("embedded server");

        float[] image = TestModels.imageWithRow(5, 2f);
        Prediction answer = stable.client().predict(image);
        assertThat(answer.version()).isEqualTo(1);
        vm.answered(answer);
        assertThat(vm.modelTextProperty().get()).isEqualTo("Model labelled, version 1 (label stable)");

        vm.chooseVersion(" 2 ");
        assertThat(vm.sessionProperty().get().client().options().version()).isEqualTo(VersionChoice.number(2));
        assertThat(vm.summaryProperty().get()).isEqualTo("Using embedded server (model labelled, version 2).");
        vm.choose(VersionChoice.LATEST);
        assertThat(vm.summaryProperty().get()).isEqualTo("Using embedded server (model labelled).");
    }

    @Test
    void aVersionTheServerDoesNotHaveIsRefusedInTheUsersWordsAndTheChoiceInUseStays() {
        connectToLabelled();
        vm.chooseLabel("canary");
        ServerSession canary = vm.sessionProperty().get();

        vm.chooseVersion("7");
        assertThat(vm.sessionProperty().get()).isSameAs(canary);
        assertThat(vm.versionProperty().get())
                .as("the choice shown is the one in use")
                .isEqualTo(VersionChoice.label("canary"));
        assertThat(vm.versionErrorProperty().get())
                .as("said under the choice, where the person made it")
                .isEqualTo("embedded server has no version 7 of model \"labelled\"; it has versions 1 (available,"
                        + " label stable), 2 (available, label canary). Choose one of those, or the latest. Still"
                        + " predicting with label canary.");
        assertThat(vm.problemProperty().get())
                .as("no notification covers the choice")
                .isNull();
        assertThat(vm.summaryProperty().get()).isEqualTo("Using embedded server (model labelled, label canary).");

        vm.chooseLabel("beta");
        assertThat(vm.versionErrorProperty().get())
                .startsWith("embedded server has no label \"beta\" for model \"labelled\"; its labels are canary"
                        + " (version 2), stable (version 1).");
        assertThat(vm.sessionProperty().get()).isSameAs(canary);

        vm.chooseVersion("two");
        assertThat(vm.versionErrorProperty().get()).startsWith("\"two\" is not a version number");
        assertThat(vm.sessionProperty().get()).isSameAs(canary);

        vm.chooseVersion("1");
        assertThat(vm.versionErrorProperty().get()).isEmpty();
        assertThat(vm.sessionProperty().get().client().options().version()).isEqualTo(VersionChoice.number(1));
    }

    @Test
    void refreshListsTheLabelsAsTheyAreNow() {
        connectToLabelled();
        try {
            labelled.assignLabels(Map.of("labelled", Map.of("stable", 2L)));
            assertThat(vm.labels()).containsExactly("canary", "stable");
            vm.refreshVersions();
            assertThat(vm.versionsTextProperty().get())
                    .isEqualTo("Version 1: available\nVersion 2: available, label stable");
            assertThat(vm.labels()).containsExactly("stable");
        } finally {
            labelled.assignLabels(Map.of("labelled", Map.of("stable", 1L, "canary", 2L)));
        }
    }

    @Test
    void aServerThatListsNoLabelsStillTakesATypedOne() {
        vm.embeddedProperty().set(false);
        vm.addressProperty().set("tf-serving:8500");
        connectToLabelled();
        assertThat(vm.versionsTextProperty().get())
                .isEqualTo("Version 1: available\nVersion 2: available\nNo labels listed. TensorFlow Serving does not"
                        + " list its labels: type one under Label to use it.");
        assertThat(vm.labels()).isEmpty();
        vm.chooseLabel("stable");
        assertThat(vm.sessionProperty().get().client().options().version()).isEqualTo(VersionChoice.label("stable"));
        assertThat(vm.modelTextProperty().get()).isEqualTo("Model labelled, version 1 (label stable)");
    }

    @Test
    void aLabelRefusedAtConnectingCanBeReplacedByTheLatestWithoutRetypingTheServer() {
        vm.modelProperty().set("labelled");
        vm.show(vm.form().withVersion(VersionChoice.label("gone")));
        vm.connect();
        assertThat(vm.stateProperty().get()).isEqualTo(ServerViewModel.State.FAILED);
        assertThat(vm.problemProperty().get().message()).contains("has no label \"gone\"");
        assertThat(vm.labels())
                .as("the server was reached: its labels are there to choose from")
                .containsExactly("canary", "stable");
        assertThat(vm.versionsTextProperty().get()).startsWith("Version 1: available, label stable\n");
        vm.choose(VersionChoice.LATEST);
        assertThat(vm.stateProperty().get()).isEqualTo(ServerViewModel.State.CONNECTED);
        assertThat(vm.appliedProperty().get().version()).isEqualTo(VersionChoice.LATEST);
    }

    /** The choice belongs to the form: after a switch refused for its label, choosing again applies to the switch. */
    @Test
    void aChoiceAfterAnotherModelRefusedTheLabelAppliesToThatModel() {
        connectToLabelled();
        vm.chooseLabel("stable");
        vm.modelProperty().set("mnist");
        vm.connect();
        assertThat(vm.problemProperty().get().message())
                .startsWith("embedded server has no label \"stable\" for model \"mnist\"; it lists no labels");
        assertThat(vm.appliedProperty().get().model()).isEqualTo("labelled");

        vm.choose(VersionChoice.LATEST);
        assertThat(vm.appliedProperty().get().model()).isEqualTo("mnist");
        assertThat(vm.appliedProperty().get().version()).isEqualTo(VersionChoice.LATEST);
        assertThat(vm.summaryProperty().get()).isEqualTo("Using embedded server (model mnist).");
    }

    @Test
    void switchingBetweenEmbeddedAndRemoteAsksForTheLatest() {
        vm.show(ServerSettings.EMBEDDED.withVersion(VersionChoice.label("stable")));
        assertThat(vm.versionProperty().get()).isEqualTo(VersionChoice.label("stable"));
        vm.embeddedProperty().set(false);
        assertThat(vm.versionProperty().get()).isEqualTo(VersionChoice.LATEST);
        vm.choose(VersionChoice.number(2));
        vm.embeddedProperty().set(true);
        assertThat(vm.form().version()).isEqualTo(VersionChoice.LATEST);
    }
}
