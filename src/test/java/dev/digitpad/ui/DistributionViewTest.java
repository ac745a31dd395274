package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.Prediction;
import dev.digitpad.testing.Distributions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The bars: the top digit's column is marked, "top" when sure and "unsure" below the threshold, and only it. */
@ExtendWith(ApplicationExtension.class)
class DistributionViewTest {
    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PadViewModel pad = new PadViewModel(scheduler);
    private final PredictionViewModel vm = new PredictionViewModel(scheduler);
    private float[] answer = Distributions.probabilities(3, 0.9f);
    private DistributionView view;

    @Start
    void start(Stage stage) {
        view = new DistributionView(vm);
        stage.setScene(new Scene(view, 400, 300));
        stage.show();
        scheduler.setPredictor(pixels -> new Prediction(answer, false, "mnist", 1, Duration.ofMillis(1)), "");
    }

    private static <T> T fx(Callable<T> task) throws Exception {
        return WaitForAsyncUtils.asyncFx(task).get(10, TimeUnit.SECONDS);
    }

    private void draw(int row) throws Exception {
        fx(() -> {
            pad.beginStroke(60, 40 + row);
            pad.extendStroke(220, 40 + row);
            pad.extendStroke(130, 250);
            pad.endStroke();
            return null;
        });
    }

    /** The marks of the ten columns, in order: "top", "unsure" or "". */
    private String marks() throws Exception {
        return fx(() -> {
            StringBuilder out = new StringBuilder();
            for (int d = 0; d < 10; d++) {
                Node column = view.lookup("#percent-" + d).getParent();
                var classes = column.getStyleClass();
                out.append(d)
                        .append(classes.contains("top") ? "top" : "")
                        .append(classes.contains("unsure") ? "unsure" : "")
                        .append(' ');
            }
            return out.toString().trim();
        });
    }

    @Test
    void onlyTheTopDigitIsMarkedAndTheMarkFollowsTheAnswerAndTheThreshold() throws Exception {
        draw(0);
        assertThat(marks()).isEqualTo("0 1 2 3top 4 5 6 7 8 9");
        assertThat(fx(() -> ((Label) view.lookup("#percent-3")).getText())).isEqualTo("90%");

        draw(10); // the same top digit again: still marked once
        assertThat(marks()).isEqualTo("0 1 2 3top 4 5 6 7 8 9");

        answer = Distributions.probabilities(8, 0.5f);
        draw(20);
        assertThat(marks()).isEqualTo("0 1 2 3 4 5 6 7 8unsure 9");

        fx(() -> {
            vm.thresholdProperty().set(0.4);
            return null;
        });
        assertThat(marks()).isEqualTo("0 1 2 3 4 5 6 7 8top 9");

        fx(() -> {
            pad.clear();
            return null;
        });
        assertThat(marks()).as("nothing is marked on an empty pad").isEqualTo("0 1 2 3 4 5 6 7 8 9");
    }
}
