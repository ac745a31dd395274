package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server panel's view model with a direct executor and the shipped model on an in-process server. */
class ServerViewModelTest {
    static ModelManager models;
    static InProcessServing serving;

    @BeforeAll
    static void serve() throws IOException {
        models = TestModels.loaded(new ModelManager.ModelConfig("mnist", Path.of("assets/models/mnist")));
        serving = InProcessServing.start(new ServingCore(models));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        serving.close();
        models.close();
    }

    private final List<ServerSettings> opened = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();

    private ServerSession open(ServerSettings s) throws IOException {
        opened.add(s);
        if (s.address().startsWith("nowhere")) {
            throw new IOException("No server is listening at " + s.address() + ". Start it, or check the address.");
        }
        String name = s.describe();
        PredictionClient client = new PredictionClient(
                serving.channel(), name, PredictionClient.Options.model(s.model()), new MetadataCache());
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
        assertThat(vm.modelTextProperty().get()).matches("Model mnist v\\d+");
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
}
