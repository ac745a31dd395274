package dev.digitpad.ui;

import dev.digitpad.client.VersionChoice;
import dev.digitpad.contract.ModelContract;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;
import org.controlsfx.validation.Validator;

/**
 * The Server tab: embedded or remote, the remote server's address, model, signature and TLS files, Connect and
 * Test connection, and what came of them.
 */
public final class ServerPane extends VBox {
    private final ValidationSupport validation = new ValidationSupport();
    private final Label dockerHint = new Label();
    private final Label dockerLine = new Label();
    private final Button copyDocker = new Button("Copy command");

    /** @param files the choosers of the Browse buttons */
    public ServerPane(ServerViewModel server, FileChoosers files) {
        super(10);
        setId("server-pane");
        ToggleGroup mode = new ToggleGroup();
        RadioButton embedded = new RadioButton("Embedded: the model DigitPad ships");
        embedded.setId("embedded");
        RadioButton remote = new RadioButton("Remote: a TensorFlow Serving compatible server");
        remote.setId("remote");
        embedded.setWrapText(true);
        remote.setWrapText(true);
        embedded.setToggleGroup(mode);
        remote.setToggleGroup(mode);
        embedded.setSelected(server.embeddedProperty().get());
        remote.setSelected(!server.embeddedProperty().get());
        embedded.selectedProperty()
                .addListener((o, a, b) -> server.embeddedProperty().set(b));
        server.embeddedProperty().addListener((o, a, b) -> (b ? embedded : remote).setSelected(true));

        TextField address = field("address", server.addressProperty(), "host:port, e.g. localhost:8500");
        TextField model =
                field("model", server.modelProperty(), "model name, e.g. " + ModelContract.DEFAULT_MODEL_NAME);
        TextField signature = field("signature", server.signatureProperty(), ModelContract.DEFAULT_SIGNATURE);
        CheckBox tls = new CheckBox("Use TLS");
        tls.setId("tls");
        tls.selectedProperty().bindBidirectional(server.tlsProperty());
        TextField ca = field("ca-file", server.caFileProperty(), "empty: the system's CAs");
        ca.setTooltip(new Tooltip("The CA certificate (PEM) that signed the server's; empty for the system's CAs"));
        TextField certificate = field("certificate", server.certificateProperty(), "for mutual TLS");
        certificate.setTooltip(new Tooltip("DigitPad's client certificate (PEM), for mutual TLS; empty for none"));
        TextField key = field("private-key", server.privateKeyProperty(), "the certificate's key");
        key.setTooltip(new Tooltip("The client certificate's private key (PEM, PKCS#8)"));
        for (TextField f : List.of(ca, certificate, key)) {
            f.disableProperty().bind(server.tlsProperty().not().or(server.embeddedProperty()));
        }
        for (Node n : List.of(address, model, signature, tls)) {
            n.disableProperty().bind(server.embeddedProperty());
        }
        validation.registerValidator(address, false, (Validator<String>)
                (control, text) -> ValidationResult.fromErrorIf(
                        control,
                        ServerViewModel.validate(text),
                        !server.embeddedProperty().get() && ServerViewModel.validate(text) != null));
        server.embeddedProperty().addListener((o, a, b) -> validation.revalidate());
        Label addressError = new Label();
        addressError.setId("address-error");
        addressError.getStyleClass().add("error-text");
        addressError.setWrapText(true);
        addressError.managedProperty().bind(addressError.textProperty().isNotEmpty());
        addressError
                .textProperty()
                .bind(Bindings.when(server.embeddedProperty())
                        .then("")
                        .otherwise(Bindings.createStringBinding(
                                () -> server.addressErrorProperty().get() == null
                                        ? ""
                                        : server.addressErrorProperty().get(),
                                server.addressErrorProperty())));

        Button browseCa = browse("browse-ca-file", ca, "Choose the CA certificate (PEM)", files);
        Button browseCertificate =
                browse("browse-certificate", certificate, "Choose the client certificate (PEM)", files);
        Button browseKey =
                browse("browse-private-key", key, "Choose the client certificate's private key (PEM)", files);

        GridPane form = new GridPane(8, 6);
        form.setId("server-form");
        // The labels keep their whole text: their column never shrinks below its preferred width, and whatever is
        // long (the address error) wraps within the fields' column instead of widening it.
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        labels.setHgrow(Priority.NEVER);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setMinWidth(0);
        fields.setHgrow(Priority.ALWAYS);
        ColumnConstraints buttons = new ColumnConstraints();
        buttons.setMinWidth(Region.USE_PREF_SIZE);
        buttons.setHgrow(Priority.NEVER);
        form.getColumnConstraints().setAll(labels, fields, buttons);
        form.add(new Label("Address"), 0, 0);
        form.add(address, 1, 0, 2, 1);
        addressError.setMinWidth(0);
        addressError.setMaxWidth(Double.MAX_VALUE);
        form.add(addressError, 1, 1, 2, 1);
        form.add(new Label("Model"), 0, 2);
        form.add(model, 1, 2, 2, 1);
        form.add(new Label("Signature"), 0, 3);
        form.add(signature, 1, 3, 2, 1);
        form.add(tls, 1, 4, 2, 1);
        form.addRow(5, new Label("CA file"), ca, browseCa);
        form.addRow(6, new Label("Client cert"), certificate, browseCertificate);
        form.addRow(7, new Label("Client key"), key, browseKey);
        for (Node n : form.getChildren()) {
            if (n instanceof Label l && l != addressError) {
                l.setMinWidth(Region.USE_PREF_SIZE);
            }
        }

        Button connect = new Button("Connect");
        connect.setId("connect");
        connect.setDefaultButton(false);
        connect.setOnAction(e -> server.connect());
        connect.setTooltip(new Tooltip("Use this server for predictions"));
        Button test = new Button("Test connection");
        test.setId("test-connection");
        test.setOnAction(e -> server.testConnection());
        test.setTooltip(new Tooltip(
                "Show the model's status, version and input signature (and, for the server in use, read its details"
                        + " again)"));
        Button retry = new Button("Retry now");
        retry.setId("server-retry");
        retry.setOnAction(e -> server.retryNow());
        retry.setTooltip(new Tooltip("Try the server in use again at once, and predict the drawing"));
        retry.visibleProperty().bind(server.health().stateProperty().isNotEqualTo(ConnectionHealth.State.ANSWERING));
        retry.managedProperty().bind(retry.visibleProperty());
        HBox actions = new HBox(8, connect, test, retry);
        Label state = new Label();
        state.setId("server-state");
        state.setWrapText(true);
        state.textProperty().bind(server.summaryProperty());
        Label result = new Label();
        result.setId("test-result");
        result.setWrapText(true);
        result.textProperty().bind(server.testResultProperty());
        dockerHint.setId("docker-hint");
        dockerHint.getStyleClass().add("hint");
        dockerHint.setWrapText(true);
        dockerHint.setMinHeight(Region.USE_PREF_SIZE);
        dockerLine.setId("docker-command");
        dockerLine.getStyleClass().add("hint");
        dockerLine.setStyle("-fx-font-family: monospace;");
        dockerLine.setWrapText(true);
        dockerLine.setMinHeight(Region.USE_PREF_SIZE);
        copyDocker.setId("copy-docker-command");
        copyDocker.setTooltip(new Tooltip("Copy the docker command"));
        copyDocker.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(dockerLine.getText());
            Clipboard.getSystemClipboard().setContent(content);
        });
        showShippedModel(null);
        getChildren()
                .addAll(
                        embedded,
                        remote,
                        form,
                        actions,
                        state,
                        versions(server),
                        details(server),
                        result,
                        dockerHint,
                        dockerLine,
                        copyDocker);
        setPadding(new Insets(10));
    }

    /**
     * The model in use in detail, as {@code digitpad inspect --server} prints it: its versions' signatures, with their
     * inputs and outputs. Monospaced, as in a terminal; long lines wrap.
     */
    private static Node details(ServerViewModel server) {
        Label title = new Label("Model details");
        title.getStyleClass().add("section");
        Label text = new Label();
        text.setId("model-details");
        text.setWrapText(true);
        text.setMinHeight(Region.USE_PREF_SIZE);
        text.setStyle("-fx-font-family: monospace; -fx-font-size: 0.9em;");
        text.textProperty().bind(server.detailsProperty());
        return new VBox(4, title, text);
    }

    /**
     * The model's versions and labels on the server in use, with Refresh, and the choice of the version that predicts:
     * the latest, a version, or a label (picked from those listed, or typed, since TensorFlow Serving does not list its
     * labels). A choice applies at once while connected.
     */
    private static Node versions(ServerViewModel server) {
        Label title = new Label("Model versions");
        title.getStyleClass().add("section");
        Button refresh = new Button("Refresh");
        refresh.setId("refresh-versions");
        refresh.setMinWidth(Region.USE_PREF_SIZE);
        refresh.setTooltip(new Tooltip("Ask the server in use for its model's versions and labels again"));
        refresh.setOnAction(e -> server.refreshVersions());
        refresh.disableProperty().bind(server.sessionProperty().isNull());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox header = new HBox(8, title, gap, refresh);
        header.setAlignment(Pos.CENTER_LEFT);
        Label list = new Label();
        list.setId("versions");
        list.setWrapText(true);
        list.setMinHeight(Region.USE_PREF_SIZE);
        list.textProperty().bind(server.versionsTextProperty());

        ToggleGroup choice = new ToggleGroup();
        RadioButton latest = new RadioButton("Latest");
        latest.setId("version-latest");
        latest.setTooltip(new Tooltip("The highest version the server has ready"));
        RadioButton number = new RadioButton("Version");
        number.setId("version-number");
        RadioButton label = new RadioButton("Label");
        label.setId("version-label");
        for (RadioButton r : List.of(latest, number, label)) {
            r.setToggleGroup(choice);
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        ComboBox<String> numbers = chooser("version-number-choice", server.versionNumbers(), "e.g. 1");
        numbers.setTooltip(new Tooltip("A version of the model: pick one of those listed, or type its number"));
        ComboBox<String> labels = chooser("version-label-choice", server.labels(), "e.g. canary");
        labels.setTooltip(new Tooltip(
                "A version label: pick one of those listed, or type one (TensorFlow Serving does not list them)"));

        // The radio buttons and the boxes show the choice in use; a person's pick or Enter chooses.
        boolean[] showing = {false};
        Runnable show = () -> {
            showing[0] = true;
            VersionChoice v = server.versionProperty().get();
            switch (v.kind()) {
                case LATEST -> latest.setSelected(true);
                case NUMBER -> {
                    number.setSelected(true);
                    numbers.setValue(Long.toString(v.number()));
                }
                case LABEL -> {
                    label.setSelected(true);
                    labels.setValue(v.label());
                }
            }
            showing[0] = false;
        };
        show.run();
        server.versionProperty().addListener((o, a, b) -> show.run());
        latest.setOnAction(e -> server.choose(VersionChoice.LATEST));
        number.setOnAction(e -> pick(numbers, server::chooseVersion, show));
        label.setOnAction(e -> pick(labels, server::chooseLabel, show));
        // A box acts when its value changes: an item picked, or a typed text committed with Enter.
        numbers.setOnAction(e -> {
            if (!showing[0] && numbers.getValue() != null && !numbers.getValue().isBlank()) {
                server.chooseVersion(numbers.getValue());
            }
        });
        labels.setOnAction(e -> {
            if (!showing[0] && labels.getValue() != null && !labels.getValue().isBlank()) {
                server.chooseLabel(labels.getValue());
            }
        });

        GridPane grid = new GridPane(8, 6);
        grid.setId("version-choice");
        ColumnConstraints buttons = new ColumnConstraints();
        buttons.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints boxes = new ColumnConstraints();
        boxes.setMinWidth(0);
        boxes.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().setAll(buttons, boxes);
        Label use = new Label("Predict with:");
        use.setMinWidth(Region.USE_PREF_SIZE);
        grid.add(use, 0, 0, 2, 1);
        grid.add(latest, 0, 1, 2, 1);
        grid.addRow(2, number, numbers);
        grid.addRow(3, label, labels);
        Label error = new Label();
        error.setId("version-error");
        error.getStyleClass().add("error-text");
        error.setWrapText(true);
        error.setMinHeight(Region.USE_PREF_SIZE);
        error.textProperty().bind(server.versionErrorProperty());
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        error.visibleProperty().bind(error.managedProperty());
        VBox box = new VBox(6, header, list, grid, error);
        box.setId("versions-section");
        return box;
    }

    private static ComboBox<String> chooser(String id, javafx.collections.ObservableList<String> items, String prompt) {
        ComboBox<String> box = new ComboBox<>(items);
        box.setId(id);
        box.setEditable(true);
        box.setPromptText(prompt);
        box.setMinWidth(0);
        box.setPrefWidth(160);
        box.setMaxWidth(Double.MAX_VALUE);
        return box;
    }

    /** What is typed in {@code box}, or else picked, or null if nothing is. */
    private static String typed(ComboBox<String> box) {
        String text = box.getEditor().getText();
        if (text == null || text.isBlank()) {
            text = box.getValue();
        }
        return text == null || text.isBlank() ? null : text;
    }

    /**
     * The radio button of {@code box} was clicked: chooses what the box holds, or, when it is empty, puts the
     * keyboard there to type or pick one (the choice in use stays shown until then).
     */
    private static void pick(ComboBox<String> box, java.util.function.Consumer<String> choose, Runnable show) {
        String text = typed(box);
        if (text != null) {
            choose.accept(text);
            return;
        }
        show.run();
        box.requestFocus();
        if (!box.getItems().isEmpty()) {
            box.show();
        }
    }

    /**
     * Shows how to serve {@code model} (the embedded server's, for this installation) with real TensorFlow Serving;
     * null before it is known.
     */
    void showShippedModel(Path model) {
        dockerHint.setText(
                model == null
                        ? "To try real TensorFlow Serving, serve DigitPad's models/mnist folder with its Docker image."
                        : "To try real TensorFlow Serving with the model DigitPad ships, run this command, then choose"
                                + " Remote and connect to localhost:8500:");
        dockerLine.setText(model == null ? "" : dockerCommand(model));
        dockerLine.setVisible(model != null);
        dockerLine.setManaged(model != null);
        copyDocker.setVisible(model != null);
        copyDocker.setManaged(model != null);
    }

    /**
     * The command that serves the model in {@code folder} with TensorFlow Serving's Docker image on ports 8500 (gRPC)
     * and 8501 (REST), the model named mnist; the README gives it for a source checkout.
     */
    public static String dockerCommand(Path folder) {
        String source = "source=" + folder.toAbsolutePath();
        if (source.contains(",") || source.contains("\"")) {
            source = "\"" + source.replace("\"", "\"\"") + "\""; // docker reads --mount's value as CSV
        }
        return "docker run -p 8500:8500 -p 8501:8501 --mount "
                + shellWord("type=bind," + source + ",target=/models/mnist")
                + " -e MODEL_NAME=mnist -t tensorflow/serving";
    }

    /** {@code word} as one shell word: as it is when it is plain, else in single quotes. */
    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./=,:@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private Button browse(String id, TextField field, String title, FileChoosers files) {
        Button button = new Button("Browse…");
        button.setId(id);
        button.setMinWidth(Region.USE_PREF_SIZE);
        button.setTooltip(new Tooltip(title));
        button.disableProperty().bind(field.disableProperty());
        button.setOnAction(e -> files.open(
                        title,
                        getScene() == null ? null : getScene().getWindow(),
                        FileDialog.Filter.PEM,
                        FileDialog.Filter.ALL)
                .ifPresent(file -> field.setText(file.toString())));
        return button;
    }

    private static TextField field(String id, StringProperty property, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.textProperty().bindBidirectional(property);
        f.setPromptText(prompt);
        return f;
    }
}
