package dev.digitpad.ui;

import dev.digitpad.client.Prediction;
import dev.digitpad.contract.ModelContract;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioButton;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.controlsfx.control.Notifications;
import org.controlsfx.control.StatusBar;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;
import org.controlsfx.validation.Validator;

/** DigitPad's window content: menus, tool bar, the pad, the model's-eye view, the distribution, the server panel, the status bar. */
public final class MainView extends BorderPane {
    public static final String TITLE = "DigitPad";
    /** How long work must last before the status bar's spinner shows. */
    static final javafx.util.Duration SPINNER_DELAY = javafx.util.Duration.millis(250);

    static final KeyCombination UNDO = new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination REDO = new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);
    static final KeyCombination REDO_Y = new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination CLEAR = new KeyCodeCombination(KeyCode.DELETE);
    static final KeyCombination CLEAR_BACKSPACE = new KeyCodeCombination(KeyCode.BACK_SPACE);
    static final KeyCombination OPEN = new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination PASTE = new KeyCodeCombination(KeyCode.V, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination SAVE = new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination PREDICT = new KeyCodeCombination(KeyCode.ENTER);
    static final KeyCombination ERASER = new KeyCodeCombination(KeyCode.E);

    private final MainViewModel vm;
    private final PadViewModel pad;
    private final ServerViewModel server;
    private final ImshowView imshow = new ImshowView();
    private final StatusBar status = new StatusBar();
    /** Whether the server or the pad is working; a field, since a binding held by nothing else may be collected. */
    private BooleanBinding busy;
    private final ValidationSupport validation = new ValidationSupport();
    private Runnable onExit = Platform::exit;
    private About about = About.UNKNOWN;

    public MainView(MainViewModel vm) {
        this.vm = vm;
        this.pad = vm.pad();
        this.server = vm.server();
        getStyleClass().add("main");
        setTop(new VBox(menus(), toolBar()));
        setCenter(center());
        setBottom(statusBar());
        setOnDragOver(this::dragOver);
        setOnDragDropped(this::dropped);
        vm.problemProperty().addListener((o, a, p) -> notify(p));
        vm.themeProperty().addListener((o, a, b) -> applyTheme());
        sceneProperty().addListener((o, a, s) -> {
            if (s != null) {
                installShortcuts(s);
                applyTheme();
            }
        });
        Platform.getPreferences().colorSchemeProperty().addListener((o, a, b) -> applyTheme());
    }

    /** What File > Exit does; the app closes the window so that shutdown runs once. */
    public void setOnExit(Runnable onExit) {
        this.onExit = onExit;
    }

    /** What Help > About shows. */
    public void setAbout(About about) {
        this.about = about;
    }

    public ImshowView imshow() {
        return imshow;
    }

    // ----- menus and tool bar -----

    private MenuBar menus() {
        MenuItem open = item("Open image…", OPEN, this::openFile);
        MenuItem paste = item("Paste image", PASTE, this::paste);
        MenuItem save = item("Save drawing as PNG…", SAVE, this::saveDrawing);
        MenuItem export = item("Export model's view as PNG…", null, this::exportView);
        MenuItem exit = item("Exit", null, () -> onExit.run());
        Menu file = new Menu("_File", null, open, paste, save, export, new SeparatorMenuItem(), exit);

        MenuItem undo = item("Undo", UNDO, pad::undo);
        undo.disableProperty().bind(pad.canUndoProperty().not());
        MenuItem redo = item("Redo (also Ctrl+Y)", REDO, pad::redo);
        redo.disableProperty().bind(pad.canRedoProperty().not());
        MenuItem clear = item("Clear (also Backspace)", CLEAR, pad::clear);
        CheckMenuItem eraser = new CheckMenuItem("Eraser");
        eraser.setAccelerator(ERASER);
        eraser.selectedProperty().bindBidirectional(pad.eraserProperty());
        Menu edit = new Menu("_Edit", null, undo, redo, clear, new SeparatorMenuItem(), eraser);

        MenuItem predict = item("Predict now", PREDICT, pad::predictNow);
        CheckMenuItem live = new CheckMenuItem("Live prediction");
        live.selectedProperty().bindBidirectional(pad.liveProperty());
        Menu model = new Menu("_Prediction", null, predict, live);

        CheckMenuItem colorbar = new CheckMenuItem("Colorbar");
        colorbar.setId("colorbar-menu");
        colorbar.selectedProperty().bindBidirectional(vm.colorbarProperty());
        imshow.colorbarProperty().bind(vm.colorbarProperty());
        ToggleGroup themes = new ToggleGroup();
        Menu theme = new Menu("Theme");
        for (Settings.Theme t : Settings.Theme.values()) {
            RadioMenuItem item = new RadioMenuItem(switch (t) {
                case SYSTEM -> "Follow the desktop";
                case LIGHT -> "Light";
                case DARK -> "Dark";
            });
            item.setToggleGroup(themes);
            item.setSelected(vm.themeProperty().get() == t);
            item.setOnAction(e -> vm.themeProperty().set(t));
            vm.themeProperty().addListener((o, a, b) -> item.setSelected(b == t));
            theme.getItems().add(item);
        }
        Menu view = new Menu("_View", null, colorbar, theme);
        MenuItem aboutItem = item("About DigitPad", null, this::showAbout);
        aboutItem.setId("about-menu");
        Menu help = new Menu("_Help", null, aboutItem);
        return new MenuBar(file, edit, model, view, help);
    }

    private void showAbout() {
        Alert dialog = new Alert(Alert.AlertType.INFORMATION);
        dialog.initOwner(window());
        dialog.setTitle("About DigitPad");
        dialog.setHeaderText(about.title());
        dialog.setContentText(about.text(server.modelTextProperty().get()));
        dialog.getDialogPane().setId("about");
        dialog.getDialogPane().setMinWidth(480);
        dialog.show();
    }

    private static MenuItem item(String text, KeyCombination key, Runnable action) {
        MenuItem item = new MenuItem(text);
        if (key != null) {
            item.setAccelerator(key);
        }
        item.setOnAction(e -> action.run());
        return item;
    }

    private ToolBar toolBar() {
        Label penLabel = new Label("Pen");
        Slider pen = new Slider(6, 48, pad.penWidthProperty().get());
        pen.setId("pen-width");
        pen.valueProperty().bindBidirectional(pad.penWidthProperty());
        pen.setPrefWidth(120);
        pen.setTooltip(new Tooltip("Pen width"));
        ToggleButton eraser = new ToggleButton("Eraser");
        eraser.setId("eraser");
        eraser.selectedProperty().bindBidirectional(pad.eraserProperty());
        eraser.setTooltip(new Tooltip("Erase with the pen (E)"));
        Button undo = button("Undo", "undo", "Undo the last stroke (" + UNDO.getDisplayText() + ")", pad::undo);
        undo.disableProperty().bind(pad.canUndoProperty().not());
        Button redo = button("Redo", "redo", "Redo (" + REDO.getDisplayText() + " or " + REDO_Y.getDisplayText() + ")", pad::redo);
        redo.disableProperty().bind(pad.canRedoProperty().not());
        Button clear = button("Clear", "clear", "Clear the pad (Delete or Backspace)", pad::clear);
        Button open = button("Open…", "open", "Open an image file (" + OPEN.getDisplayText() + "); you can also drop or paste ("
                + PASTE.getDisplayText() + ") one", this::openFile);
        CheckBox live = new CheckBox("Live");
        live.setId("live");
        live.selectedProperty().bindBidirectional(pad.liveProperty());
        live.setTooltip(new Tooltip("Predict while drawing; when off, press Enter or Predict"));
        Button predict = button("Predict", "predict", "Predict the drawing (Enter)", pad::predictNow);
        ToolBar bar = new ToolBar(penLabel, pen, eraser, new Separator(), undo, redo, clear, new Separator(), open,
                new Separator(), live, predict);
        bar.setFocusTraversable(false);
        return bar;
    }

    private static Button button(String text, String id, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }

    /** Shortcuts beyond the one accelerator a menu item shows. */
    private void installShortcuts(Scene scene) {
        scene.getAccelerators().put(REDO_Y, pad::redo);
        scene.getAccelerators().put(CLEAR_BACKSPACE, pad::clear);
    }

    // ----- centre -----

    private Node center() {
        PadCanvas canvas = new PadCanvas(pad);
        HBox.setHgrow(canvas, Priority.ALWAYS);
        VBox.setVgrow(canvas, Priority.ALWAYS);
        Label hint = new Label("Draw a digit with the mouse, pen or finger; drop or paste an image.");
        hint.getStyleClass().add("hint");
        VBox left = new VBox(6, canvas, hint);
        left.setPadding(new Insets(8));
        left.setAlignment(Pos.CENTER);
        HBox.setHgrow(left, Priority.ALWAYS);

        imshow.setId("imshow");
        pad.resultProperty().addListener((o, a, r) -> imshow.dataProperty().set(r.tensor().orElse(null)));
        Label eyeTitle = new Label("What the model sees (" + ModelContract.SIDE + "×" + ModelContract.SIDE + " input)");
        eyeTitle.getStyleClass().add("section");
        DistributionView distribution = new DistributionView(pad);
        distribution.setId("distribution");
        Slider threshold = new Slider(0, 1, pad.thresholdProperty().get());
        threshold.setId("threshold");
        threshold.valueProperty().bindBidirectional(pad.thresholdProperty());
        Label thresholdText = new Label();
        thresholdText.textProperty().bind(Bindings.format("\"Not sure\" below %.0f%%", pad.thresholdProperty().multiply(100)));
        HBox thresholdRow = new HBox(6, thresholdText, threshold);
        thresholdRow.setAlignment(Pos.CENTER_LEFT);
        VBox predictionPane = new VBox(8, eyeTitle, imshow, distribution, thresholdRow);
        predictionPane.setPadding(new Insets(8));
        VBox.setVgrow(imshow, Priority.ALWAYS);

        Tab prediction = new Tab("Prediction", predictionPane);
        Tab serverTab = new Tab("Server", new ScrollPane(serverPane()));
        serverTab.setId("server-tab");
        ((ScrollPane) serverTab.getContent()).setFitToWidth(true);
        TabPane tabs = new TabPane(prediction, serverTab);
        tabs.setId("tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setPrefWidth(420);
        tabs.setMinWidth(340);
        return new HBox(left, tabs);
    }

    private Node serverPane() {
        ToggleGroup mode = new ToggleGroup();
        RadioButton embedded = new RadioButton("Embedded (the model shipped with DigitPad)");
        embedded.setId("embedded");
        RadioButton remote = new RadioButton("Remote TensorFlow Serving compatible server");
        remote.setId("remote");
        embedded.setToggleGroup(mode);
        remote.setToggleGroup(mode);
        embedded.setSelected(server.embeddedProperty().get());
        remote.setSelected(!server.embeddedProperty().get());
        embedded.selectedProperty().addListener((o, a, b) -> server.embeddedProperty().set(b));
        server.embeddedProperty().addListener((o, a, b) -> (b ? embedded : remote).setSelected(true));

        TextField address = field("address", server.addressProperty(), "host:port, e.g. localhost:8500");
        TextField model = field("model", server.modelProperty(), "model name, e.g. " + ModelContract.DEFAULT_MODEL_NAME);
        TextField signature = field("signature", server.signatureProperty(), ModelContract.DEFAULT_SIGNATURE);
        CheckBox tls = new CheckBox("Use TLS");
        tls.setId("tls");
        tls.selectedProperty().bindBidirectional(server.tlsProperty());
        TextField ca = field("ca-file", server.caFileProperty(), "CA file (PEM); empty for the system's CAs");
        TextField certificate = field("certificate", server.certificateProperty(), "client certificate (PEM), for mutual TLS");
        TextField key = field("private-key", server.privateKeyProperty(), "its private key (PEM)");
        for (TextField f : List.of(ca, certificate, key)) {
            f.disableProperty().bind(server.tlsProperty().not().or(server.embeddedProperty()));
        }
        for (Node n : List.of(address, model, signature, tls)) {
            n.disableProperty().bind(server.embeddedProperty());
        }
        validation.registerValidator(address, false, (Validator<String>) (control, text) ->
                ValidationResult.fromErrorIf(control, ServerViewModel.validate(text),
                        !server.embeddedProperty().get() && ServerViewModel.validate(text) != null));
        server.embeddedProperty().addListener((o, a, b) -> validation.revalidate());
        Label addressError = new Label();
        addressError.setId("address-error");
        addressError.getStyleClass().add("error-text");
        addressError.setWrapText(true);
        addressError.textProperty().bind(Bindings.when(server.embeddedProperty()).then("")
                .otherwise(Bindings.createStringBinding(() -> server.addressErrorProperty().get() == null ? ""
                        : server.addressErrorProperty().get(), server.addressErrorProperty())));

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
        HBox buttons = new HBox(8, connect, test);
        Label state = new Label();
        state.setId("server-state");
        state.setWrapText(true);
        state.textProperty().bind(server.stateTextProperty());
        Label result = new Label();
        result.setId("test-result");
        result.setWrapText(true);
        result.textProperty().bind(server.testResultProperty());
        Label dockerHint = new Label("To try a real TensorFlow Serving:\ndocker run -p 8500:8500 -v $PWD/models/mnist:/models/mnist"
                + " -e MODEL_NAME=mnist tensorflow/serving");
        dockerHint.getStyleClass().add("hint");
        dockerHint.setWrapText(true);
        VBox box = new VBox(10, embedded, remote, form, buttons, state, result, dockerHint);
        box.setPadding(new Insets(10));
        return box;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty property, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.textProperty().bindBidirectional(property);
        f.setPromptText(prompt);
        return f;
    }

    private Node statusBar() {
        status.setId("status");
        status.textProperty().bind(server.stateTextProperty());
        // The spinner shows only for work that takes a while: the embedded server answers in a few ms, and a
        // spinner flashing on at every stroke would be noise, and a restyle and relayout of the status bar each time.
        busy = server.busyProperty().or(pad.busyProperty());
        PauseTransition showSpinner = new PauseTransition(SPINNER_DELAY);
        showSpinner.setOnFinished(e -> status.setProgress(-1));
        busy.addListener((o, was, now) -> {
            if (now) {
                showSpinner.playFromStart();
            } else {
                showSpinner.stop();
                status.setProgress(0);
            }
        });
        if (busy.get()) {
            showSpinner.playFromStart();
        }
        Label model = new Label();
        model.setId("status-model");
        model.textProperty().bind(server.modelTextProperty());
        Label roundTrip = new Label();
        roundTrip.setId("status-roundtrip");
        pad.resultProperty().addListener((o, a, r) -> r.prediction().map(Prediction::roundTrip).map(MainView::millis)
                .ifPresent(t -> roundTrip.setText("last prediction " + t)));
        status.getRightItems().addAll(model, new Separator(Orientation.VERTICAL), roundTrip);
        return status;
    }

    private static String millis(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1e6);
    }

    // ----- images in and out -----

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private void openFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open an image of a digit");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.gif", "*.bmp"),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        File file = chooser.showOpenDialog(window());
        if (file != null) {
            vm.open(file.toPath());
        }
    }

    private void paste() {
        if (!takeImage(Clipboard.getSystemClipboard())) {
            vm.report(new Problem("Nothing to paste", "The clipboard holds no image. Copy an image or an image file, then paste again."));
        }
    }

    /**
     * Shows the image a paste or a drop carries (a drop's {@link javafx.scene.input.Dragboard} is a clipboard too):
     * the image itself if there is one, else the first file. Returns whether there was anything to show.
     */
    private boolean takeImage(Clipboard board) {
        if (board.hasImage() && board.getImage() != null) {
            vm.show(SwingFXUtils.fromFXImage(board.getImage(), null));
            return true;
        }
        if (board.hasFiles() && !board.getFiles().isEmpty()) {
            vm.open(board.getFiles().get(0).toPath());
            return true;
        }
        return false;
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles() || e.getDragboard().hasImage()) {
            e.acceptTransferModes(TransferMode.COPY);
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        e.setDropCompleted(takeImage(e.getDragboard()));
        e.consume();
    }

    private void saveDrawing() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the drawing");
        chooser.setInitialFileName("digit.png");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        File file = chooser.showSaveDialog(window());
        if (file != null) {
            vm.save(file.toPath());
        }
    }

    private void exportView() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the model's view");
        chooser.setInitialFileName("model-input.png");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        File file = chooser.showSaveDialog(window());
        if (file != null) {
            try {
                imshow.exportPng(file.toPath());
            } catch (IOException e) {
                vm.report(new Problem("Cannot export the view", "Writing " + file + " failed (" + e.getMessage()
                        + "). Choose another folder."));
            }
        }
    }

    // ----- notifications and theme -----

    private void notify(Problem p) {
        if (p == null) {
            return;
        }
        Notifications.create().title(p.title()).text(p.message()).owner(window() == null ? this : window())
                .hideAfter(javafx.util.Duration.seconds(10)).showError();
    }

    private void applyTheme() {
        Scene scene = getScene();
        if (scene == null) {
            return;
        }
        String css = MainView.class.getResource("digitpad.css").toExternalForm();
        if (!scene.getStylesheets().contains(css)) {
            scene.getStylesheets().add(css);
        }
        boolean dark = switch (vm.themeProperty().get()) {
            case DARK -> true;
            case LIGHT -> false;
            case SYSTEM -> Platform.getPreferences().getColorScheme() == ColorScheme.DARK;
        };
        scene.getRoot().getStyleClass().remove("dark");
        if (dark) {
            scene.getRoot().getStyleClass().add("dark");
        }
    }
}
