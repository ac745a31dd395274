package dev.digitpad.ui;

import java.nio.file.Path;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.Notifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DigitPad's window content, composed of its panes: the menus and the pad's tool bar on top, the pad on the left,
 * the Prediction and Server tabs on the right, the status bar at the bottom. It also takes dropped images, shows
 * problems as notifications and applies the theme.
 */
public final class MainView extends BorderPane {
    public static final String TITLE = "DigitPad";
    private static final Logger LOG = LoggerFactory.getLogger(MainView.class);
    /** This view's style class for the dark theme (digitpad.css). */
    private static final String DARK = "dark";

    private final MainViewModel vm;
    private final PredictionPane prediction;
    private final Menus menus;
    private final FileChoosers files;
    private final ServerPane server;

    public MainView(MainViewModel vm) {
        this.vm = vm;
        getStyleClass().add("main");
        prediction = new PredictionPane(vm.prediction());
        prediction.showWhy(vm.why());
        ImageTransfer transfer = new ImageTransfer(vm);
        files = new FileChoosers(vm.lastFolderProperty(), new FxFileDialog());
        server = new ServerPane(vm.server(), files);
        menus = new Menus(vm, prediction.imshow(), transfer, files);
        setTop(new VBox(menus, new PadToolBar(vm.pad(), menus::openFile)));
        setCenter(center());
        setBottom(new StatusView(vm.server(), vm.prediction()));
        transfer.acceptDrops(this);
        vm.problemProperty().addListener((o, a, p) -> notify(p));
        vm.themeProperty().addListener((o, a, b) -> applyTheme());
        sceneProperty().addListener((o, a, s) -> {
            if (s != null) {
                Shortcuts.install(s, vm.pad());
                applyTheme();
            }
        });
        Platform.getPreferences().colorSchemeProperty().addListener((o, a, b) -> applyTheme());
    }

    /** What File > Exit does; the app closes the window so that shutdown runs once. */
    public void setOnExit(Runnable onExit) {
        menus.setOnExit(onExit);
    }

    /** What Help > About shows. */
    public void setAbout(About about) {
        menus.setAbout(about);
    }

    /** What Tools > Compare protocols opens. */
    public void setCompare(CompareViewModel compare) {
        menus.setCompare(compare);
    }

    /** The model the embedded server serves, which the Server tab's docker command mounts. */
    public void setShippedModel(Path folder) {
        server.showShippedModel(folder);
    }

    /** Replaces the native file dialog of every file chooser (tests answer in its place). */
    public void setFileDialog(FileDialog dialog) {
        files.setDialog(dialog);
    }

    public ImshowView imshow() {
        return prediction.imshow();
    }

    private HBox center() {
        PadPane pad = new PadPane(vm.pad());
        HBox.setHgrow(pad, Priority.ALWAYS);
        VBox padAndHistory = new VBox(pad, new HistoryStrip(vm.history()));
        VBox.setVgrow(pad, Priority.ALWAYS);
        HBox.setHgrow(padAndHistory, Priority.ALWAYS);
        Tab predictionTab = new Tab("Prediction", prediction);
        ScrollPane serverScroll = new ScrollPane(server);
        serverScroll.setFitToWidth(true);
        Tab serverTab = new Tab("Server", serverScroll);
        serverTab.setId("server-tab");
        TabPane tabs = new TabPane(predictionTab, serverTab);
        tabs.setId("tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setPrefWidth(420);
        tabs.setMinWidth(340);
        return new HBox(padAndHistory, tabs);
    }

    private void notify(Problem p) {
        if (p == null) {
            return;
        }
        var window = getScene() == null ? null : getScene().getWindow();
        LOG.info("Notification: {}", p.title());
        // The text wraps (digitpad.css) at a width that fits the smallest window, so a long message is not cut off.
        Notifications n = Notifications.create()
                .title(p.title())
                .text(p.message())
                .owner(window == null ? this : window)
                .hideAfter(javafx.util.Duration.seconds(10));
        if (getStyleClass().contains(DARK)) {
            n.darkStyle();
        }
        n.showError();
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
        // On this view, not on the scene's root, which ControlsFX's validation decorations replace (digitpad.css).
        getStyleClass().removeAll(DARK);
        if (dark) {
            getStyleClass().add(DARK);
        }
    }
}
