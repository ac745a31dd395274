package dev.digitpad.ui;

import dev.digitpad.contract.ModelContract;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
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

    public ServerPane(ServerViewModel server) {
        super(10);
        ToggleGroup mode = new ToggleGroup();
        RadioButton embedded = new RadioButton("Embedded (the model shipped with DigitPad)");
        embedded.setId("embedded");
        RadioButton remote = new RadioButton("Remote TensorFlow Serving compatible server");
        remote.setId("remote");
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
        TextField ca = field("ca-file", server.caFileProperty(), "CA file (PEM); empty for the system's CAs");
        TextField certificate =
                field("certificate", server.certificateProperty(), "client certificate (PEM), for mutual TLS");
        TextField key = field("private-key", server.privateKeyProperty(), "its private key (PEM)");
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
        addressError
                .textProperty()
                .bind(Bindings.when(server.embeddedProperty())
                        .then("")
                        .otherwise(Bindings.createStringBinding(
                                () -> server.addressErrorProperty().get() == null
                                        ? ""
                                        : server.addressErrorProperty().get(),
                                server.addressErrorProperty())));

        GridPane form = new GridPane(8, 6);
        form.addRow(0, new Label("Address"), address);
        form.add(addressError, 1, 1);
        form.addRow(2, new Label("Model"), model);
        form.addRow(3, new Label("Signature"), signature);
        form.addRow(4, new Label(""), tls);
        form.addRow(5, new Label("CA file"), ca);
        form.addRow(6, new Label("Client cert"), certificate);
        form.addRow(7, new Label("Client key"), key);
        GridPane.setHgrow(address, Priority.ALWAYS);

        Button connect = new Button("Connect");
        connect.setId("connect");
        connect.setDefaultButton(false);
        connect.setOnAction(e -> server.connect());
        connect.setTooltip(new Tooltip("Use this server for predictions"));
        Button test = new Button("Test connection");
        test.setId("test-connection");
        test.setOnAction(e -> server.testConnection());
        test.setTooltip(new Tooltip("Show the model's status, version and input signature"));
        Button retry = new Button("Retry now");
        retry.setId("server-retry");
        retry.setOnAction(e -> server.retryNow());
        retry.setTooltip(new Tooltip("Try the server in use again at once, and predict the drawing"));
        retry.visibleProperty().bind(server.health().stateProperty().isNotEqualTo(ConnectionHealth.State.ANSWERING));
        retry.managedProperty().bind(retry.visibleProperty());
        HBox buttons = new HBox(8, connect, test, retry);
        Label state = new Label();
        state.setId("server-state");
        state.setWrapText(true);
        state.textProperty().bind(server.summaryProperty());
        Label result = new Label();
        result.setId("test-result");
        result.setWrapText(true);
        result.textProperty().bind(server.testResultProperty());
        Label dockerHint = new Label(
                "To try a real TensorFlow Serving:\ndocker run -p 8500:8500 -v $PWD/models/mnist:/models/mnist"
                        + " -e MODEL_NAME=mnist tensorflow/serving");
        dockerHint.getStyleClass().add("hint");
        dockerHint.setWrapText(true);
        getChildren().addAll(embedded, remote, form, buttons, state, result, dockerHint);
        setPadding(new Insets(10));
    }

    private static TextField field(String id, StringProperty property, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.textProperty().bindBidirectional(property);
        f.setPromptText(prompt);
        return f;
    }
}
