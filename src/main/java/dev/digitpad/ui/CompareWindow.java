package dev.digitpad.ui;

import dev.digitpad.ui.CompareViewModel.Row;
import java.util.List;
import java.util.function.Function;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The window of Tools &gt; Compare protocols: the server, its REST address when it is remote, the number of calls, Start
 * and Cancel; the table of each case's calls, percentiles and bytes; the sentence; the chart; and its exports. Closing
 * it cancels a comparison under way.
 */
final class CompareWindow extends Stage {
    static final String[] HEADINGS = {
        "case", "calls", "errors", "p50 ms", "p90 ms", "p99 ms", "request bytes", "answer bytes"
    };

    private final CompareViewModel vm;
    private final FileChoosers files;
    private final GridPane table = new GridPane(14, 4);

    CompareWindow(CompareViewModel vm, FileChoosers files, Window owner, List<String> stylesheets, boolean dark) {
        this.vm = vm;
        this.files = files;
        initOwner(owner);
        setTitle("Compare protocols: gRPC against REST");

        Label server = new Label();
        server.setId("compare-server");
        server.textProperty().bind(vm.serverProperty());
        server.setWrapText(true);

        TextField rest = new TextField();
        rest.setId("compare-rest");
        rest.setPromptText("http://host:8501");
        rest.setPrefColumnCount(28);
        rest.textProperty().bindBidirectional(vm.restAddressProperty());
        Label restLabel = new Label("REST address:");
        restLabel.setLabelFor(rest);
        HBox restRow = new HBox(8, restLabel, rest);
        restRow.setAlignment(Pos.BASELINE_LEFT);
        restRow.setId("compare-rest-row");
        restRow.visibleProperty().bind(vm.remoteProperty());
        restRow.managedProperty().bind(vm.remoteProperty());
        rest.disableProperty().bind(vm.runningProperty());

        Spinner<Integer> calls = new Spinner<>(1, 100_000, vm.callsProperty().get(), 100);
        calls.setId("compare-calls");
        calls.setEditable(true);
        calls.setPrefWidth(110);
        calls.valueProperty().addListener((o, a, b) -> vm.callsProperty().set(b));
        calls.disableProperty().bind(vm.runningProperty());
        Button start = new Button("Start");
        start.setId("compare-start");
        start.setDefaultButton(true);
        start.disableProperty().bind(vm.runningProperty());
        start.setOnAction(e -> vm.start());
        Button cancel = new Button("Cancel");
        cancel.setId("compare-cancel");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        HBox controls = new HBox(8, new Label("Calls of each case:"), calls, start, cancel);
        controls.setAlignment(Pos.BASELINE_LEFT);

        Label status = new Label();
        status.setId("compare-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());

        table.setId("compare-table");
        showRows(vm.rowsProperty().get());
        vm.rowsProperty().addListener((o, a, rows) -> showRows(rows));
        Label bytesNote = new Label("Bytes: for gRPC the serialized protobuf messages (message bytes, without HTTP/2"
                + " framing); for REST the JSON bodies (without HTTP headers).");
        bytesNote.setWrapText(true);
        bytesNote.getStyleClass().add("compare-note");

        Label sentence = new Label();
        sentence.setId("compare-sentence");
        sentence.setWrapText(true);
        sentence.setStyle("-fx-font-weight: bold;");
        sentence.textProperty().bind(vm.sentenceProperty());
        Label leftOut = new Label();
        leftOut.setId("compare-left-out");
        leftOut.setWrapText(true);
        leftOut.textProperty().bind(vm.leftOutProperty());
        leftOut.visibleProperty().bind(vm.leftOutProperty().isNotEmpty());
        leftOut.managedProperty().bind(leftOut.visibleProperty());

        ImageView chart = new ImageView();
        chart.setId("compare-chart");
        chart.setPreserveRatio(true);
        chart.setFitWidth(640);
        vm.chartProperty()
                .addListener(
                        (o, a, image) -> chart.setImage(image == null ? null : SwingFXUtils.toFXImage(image, null)));

        Button exportChart = new Button("Export chart as PNG…");
        exportChart.setId("compare-export-chart");
        exportChart.setOnAction(e -> files.save("Export the chart", "protocols.png", this, FileDialog.Filter.PNG)
                .ifPresent(vm::exportChart));
        Button exportCsv = new Button("Export figures as CSV…");
        exportCsv.setId("compare-export-csv");
        exportCsv.setOnAction(e -> files.save("Export the figures", "protocols.csv", this, FileDialog.Filter.CSV)
                .ifPresent(vm::exportCsv));
        for (Button b : List.of(exportChart, exportCsv)) {
            b.disableProperty()
                    .bind(vm.runningProperty().or(vm.snapshotProperty().isNull()));
        }
        Button close = new Button("Close");
        close.setId("compare-close");
        close.setCancelButton(true);
        close.setOnAction(e -> close());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox buttons = new HBox(8, exportChart, exportCsv, gap, close);

        VBox content = new VBox(8, server, restRow, controls, status, table, bytesNote, sentence, leftOut, chart);
        content.setPadding(new Insets(12));
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        buttons.setPadding(new Insets(8, 12, 12, 12));
        BorderPane root = new BorderPane(scroll, null, null, buttons, null);
        root.setId("compare");
        root.getStyleClass().add("main");
        if (dark) {
            root.getStyleClass().add("dark");
        }
        Scene scene = new Scene(root, 760, 720);
        scene.getStylesheets().addAll(stylesheets);
        setScene(scene);
        setOnHidden(e -> vm.close());
    }

    /** Prepares the view model for the server in use and shows the window. */
    void open() {
        vm.prepare();
        show();
        toFront();
    }

    private void showRows(List<Row> rows) {
        table.getChildren().clear();
        for (int i = 0; i < HEADINGS.length; i++) {
            Label h = new Label(HEADINGS[i]);
            h.setStyle("-fx-font-weight: bold;");
            table.add(h, i, 0);
        }
        List<Function<Row, String>> cells = List.of(
                Row::name,
                Row::calls,
                Row::errors,
                Row::p50,
                Row::p90,
                Row::p99,
                Row::requestBytes,
                Row::responseBytes);
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cells.size(); c++) {
                Label cell = new Label(cells.get(c).apply(rows.get(r)));
                cell.setId("compare-cell-" + r + "-" + c);
                table.add(cell, c, r + 1);
            }
        }
    }
}
