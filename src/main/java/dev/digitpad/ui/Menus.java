package dev.digitpad.ui;

import static dev.digitpad.ui.Shortcuts.CLEAR;
import static dev.digitpad.ui.Shortcuts.COPY_DISTRIBUTION;
import static dev.digitpad.ui.Shortcuts.ERASER;
import static dev.digitpad.ui.Shortcuts.OPEN;
import static dev.digitpad.ui.Shortcuts.PASTE;
import static dev.digitpad.ui.Shortcuts.PREDICT;
import static dev.digitpad.ui.Shortcuts.REDO;
import static dev.digitpad.ui.Shortcuts.SAVE;
import static dev.digitpad.ui.Shortcuts.UNDO;

import java.io.IOException;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/**
 * The menu bar (File, Edit, Prediction, View, Tools, Help) and what its items open: the file choosers, the About
 * dialog and the protocol comparison.
 */
final class Menus extends MenuBar {
    private final MainViewModel vm;
    private final ImshowView imshow;
    private final FileChoosers files;
    private Runnable onExit = Platform::exit;
    private About about = About.UNKNOWN;
    private final MenuItem compareItem = new MenuItem("Compare protocols…");
    private CompareViewModel compare;
    private CompareWindow compareWindow;

    /**
     * @param imshow the model's-eye view that File &gt; Export saves
     * @param files the file choosers of Open, Save and Export
     */
    Menus(MainViewModel vm, ImshowView imshow, ImageTransfer transfer, FileChoosers files) {
        this.vm = vm;
        this.imshow = imshow;
        this.files = files;
        PadViewModel pad = vm.pad();
        MenuItem open = item("Open image…", OPEN, this::openFile);
        MenuItem paste = item("Paste image", PASTE, transfer::paste);
        MenuItem save = item("Save drawing as PNG…", SAVE, this::saveDrawing);
        MenuItem export = item("Export model's view as PNG…", null, this::exportView);
        MenuItem exit = item("Exit", null, () -> onExit.run());
        Menu file = new Menu("_File", null, open, paste, save, export, new SeparatorMenuItem(), exit);
        MenuItem exportHistory = item("Export history as PNG…", null, this::exportHistory);
        exportHistory.setId("export-history-menu");
        exportHistory.disableProperty().bind(vm.history().emptyProperty());
        file.getItems().add(file.getItems().indexOf(export) + 1, exportHistory);

        MenuItem undo = item("Undo", UNDO, pad::undo);
        undo.disableProperty().bind(pad.canUndoProperty().not());
        MenuItem redo = item("Redo (also " + Shortcuts.others(REDO) + ")", REDO, pad::redo);
        redo.disableProperty().bind(pad.canRedoProperty().not());
        MenuItem clear = item("Clear (also " + Shortcuts.others(CLEAR) + ")", CLEAR, pad::clear);
        CheckMenuItem eraser = new CheckMenuItem("Eraser");
        eraser.setAccelerator(ERASER);
        eraser.selectedProperty().bindBidirectional(pad.eraserProperty());
        MenuItem copy = item("Copy distribution", COPY_DISTRIBUTION, () -> DistributionView.copy(vm.prediction()));
        copy.setId("copy-distribution-menu");
        copy.disableProperty().bind(vm.prediction().hasDistributionProperty().not());
        Menu edit = new Menu(
                "_Edit", null, undo, redo, clear, new SeparatorMenuItem(), eraser, new SeparatorMenuItem(), copy);

        MenuItem predict = item("Predict now", PREDICT, pad::predictNow);
        CheckMenuItem live = new CheckMenuItem("Live prediction");
        live.selectedProperty().bindBidirectional(pad.liveProperty());
        Menu model = new Menu("_Prediction", null, predict, live);

        CheckMenuItem colorbar = new CheckMenuItem("Colorbar");
        colorbar.setId("colorbar-menu");
        colorbar.selectedProperty().bindBidirectional(vm.prediction().colorbarProperty());
        ToggleGroup themes = new ToggleGroup();
        Menu theme = new Menu("Theme");
        for (Settings.Theme t : Settings.Theme.values()) {
            RadioMenuItem item = new RadioMenuItem(
                    switch (t) {
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
        CheckMenuItem why = new CheckMenuItem("Why (occlusion map)");
        why.setId("why-menu");
        why.selectedProperty().bindBidirectional(vm.why().enabledProperty());
        view.getItems().add(view.getItems().indexOf(colorbar) + 1, why);
        MenuItem aboutItem = item("About DigitPad", null, this::showAbout);
        aboutItem.setId("about-menu");
        MenuItem keys = item("Keyboard shortcuts", null, this::showShortcuts);
        keys.setId("shortcuts-menu");
        Menu help = new Menu("_Help", null, keys, aboutItem);
        compareItem.setId("compare-menu");
        compareItem.setDisable(true);
        compareItem.setOnAction(e -> openCompare());
        Menu tools = new Menu("_Tools", null, compareItem);
        tools.setId("tools-menu");
        getMenus().addAll(file, edit, model, view, help);
        getMenus().add(getMenus().indexOf(help), tools);
    }

    /** What File > Exit does; the app closes the window so that shutdown runs once. */
    void setOnExit(Runnable onExit) {
        this.onExit = onExit;
    }

    /** What Help > About shows. */
    void setAbout(About about) {
        this.about = about;
    }

    /** What Tools > Compare protocols opens; the item is disabled until it is given. */
    void setCompare(CompareViewModel compare) {
        this.compare = compare;
        compareItem.setDisable(compare == null);
    }

    /** Tools &gt; Compare protocols: one window, opened again (and brought to the front) if it already is. */
    private void openCompare() {
        if (compare == null) {
            return;
        }
        if (compareWindow == null) {
            compareWindow = new CompareWindow(
                    compare,
                    files,
                    window(),
                    getScene() == null ? java.util.List.of() : getScene().getStylesheets(),
                    dark());
        }
        compareWindow.open();
    }

    /** Whether the window shows the dark theme now. */
    private boolean dark() {
        for (Node n = this; n != null; n = n.getParent()) {
            if (n.getStyleClass().contains("dark")) {
                return true;
            }
        }
        return false;
    }

    private static MenuItem item(String text, KeyCombination key, Runnable action) {
        MenuItem item = new MenuItem(text);
        if (key != null) {
            item.setAccelerator(key);
        }
        item.setOnAction(e -> action.run());
        return item;
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private void showAbout() {
        Alert dialog = new Alert(Alert.AlertType.INFORMATION);
        dialog.initOwner(window());
        dialog.setTitle("About DigitPad");
        dialog.setHeaderText(about.title());
        dialog.setContentText(about.text(vm.server().modelTextProperty().get()));
        dialog.getDialogPane().setId("about");
        dialog.getDialogPane().setMinWidth(480);
        themed(dialog);
        dialog.show();
    }

    private void showShortcuts() {
        GridPane table = new GridPane(18, 6);
        int row = 0;
        for (Shortcuts.Shortcut s : Shortcuts.TABLE) {
            Label keys = new Label(s.keysText(", "));
            keys.getStyleClass().add("shortcut-keys");
            Label does = new Label(s.does());
            table.addRow(row++, keys, does);
        }
        Alert dialog = new Alert(Alert.AlertType.NONE, "", ButtonType.CLOSE);
        dialog.initOwner(window());
        dialog.setTitle("Keyboard shortcuts");
        dialog.setHeaderText("DigitPad's keys");
        dialog.getDialogPane().setContent(table);
        dialog.getDialogPane().setId("shortcuts");
        themed(dialog);
        dialog.show();
    }

    /** Gives a dialog (a window of its own) the window's stylesheets and theme. */
    private void themed(Alert dialog) {
        if (getScene() == null) {
            return;
        }
        DialogPane pane = dialog.getDialogPane();
        pane.getStylesheets().addAll(getScene().getStylesheets());
        for (Node n = this; n != null; n = n.getParent()) {
            if (n.getStyleClass().contains("dark")) {
                pane.getStyleClass().add("dark");
            }
        }
    }

    /** File &gt; Open image… (and the tool bar's Open…): asks for an image file and shows it on the pad. */
    void openFile() {
        files.open("Open an image of a digit", window(), FileDialog.Filter.IMAGES, FileDialog.Filter.ALL)
                .ifPresent(vm::open);
    }

    private void saveDrawing() {
        files.save("Save the drawing", "digit.png", window(), FileDialog.Filter.PNG)
                .ifPresent(vm::save);
    }

    /** File &gt; Export history as PNG…: the history's contact sheet (disabled while the history is empty). */
    private void exportHistory() {
        files.save("Export the history", "history.png", window(), FileDialog.Filter.PNG)
                .ifPresent(vm.history()::export);
    }

    private void exportView() {
        files.save("Export the model's view", "model-input.png", window(), FileDialog.Filter.PNG)
                .ifPresent(file -> {
                    try {
                        imshow.exportPng(file);
                    } catch (IOException e) {
                        vm.report(new Problem(
                                "Cannot export the view",
                                "Writing " + file + " failed (" + e.getMessage() + "). Choose another folder."));
                    }
                });
    }
}
