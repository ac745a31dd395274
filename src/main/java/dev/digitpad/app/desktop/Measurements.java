package dev.digitpad.app.desktop;

import dev.digitpad.app.shared.ProcessMemory;
import dev.digitpad.ui.MainViewModel;
import dev.digitpad.ui.PadViewModel;
import dev.digitpad.ui.PredictionResult;
import dev.digitpad.ui.PredictionViewModel;
import dev.digitpad.ui.ServerViewModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.input.MouseEvent;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code digitpad --measure}: logs the time from launch (the JVM's start) to the window being shown and to the first
 * prediction being possible, and for each stroke the time from the mouse release to the pulse that lays out its
 * distribution (the frame that shows it). It also logs the process's memory (resident, anonymous, file-mapped) once
 * the first prediction is possible and with the figures after every 20 strokes.
 */
final class Measurements {
    private static final Logger LOG = LoggerFactory.getLogger(Measurements.class);

    private final Instant launched =
            ProcessHandle.current().info().startInstant().orElse(Instant.now());
    private final List<Long> strokeToScreen = new ArrayList<>();
    private final List<Long> strokeToAnswer = new ArrayList<>();
    /** View &gt; Why's maps shown: how long each took to work out, and the calls it made. */
    private final List<Long> whyNanos = new ArrayList<>();

    private final List<Long> whyCalls = new ArrayList<>();
    private long strokeEnd;
    /** Frames laid out since the stroke end without its distribution. */
    private int framesBefore;

    private int inFirstFrame;
    private boolean awaiting;
    private boolean shown;
    private boolean connected;
    private boolean firstPrediction;

    void attach(Stage stage, MainViewModel vm) {
        Scene scene = stage.getScene();
        PadViewModel pad = vm.pad();
        PredictionViewModel prediction = vm.prediction();
        stage.addEventHandler(
                WindowEvent.WINDOW_SHOWN, e -> LOG.info("measure: window visible {} ms after launch", sinceLaunch()));
        vm.server().stateProperty().addListener((o, a, s) -> {
            if (s == ServerViewModel.State.CONNECTED && !connected) {
                connected = true;
                LOG.info(
                        "measure: first prediction possible {} ms after launch (model loaded, server answering)",
                        sinceLaunch());
                LOG.info("measure: memory after start: {}", ProcessMemory.describe(ProcessMemory.current()));
            }
        });
        scene.addEventFilter(MouseEvent.MOUSE_RELEASED, e -> {
            strokeEnd = System.nanoTime();
            awaiting = true;
            framesBefore = 0;
            PredictionResult r = prediction.resultProperty().get();
            if (r.drawing() == pad.drawingProperty().get() && r.prediction().isPresent()) {
                // A live prediction of the finished stroke was answered before the pen came up: counted as
                // answered at once, and on screen at the next frame (it may already be).
                shown = true;
                strokeToAnswer.add(0L);
                Platform.requestNextPulse();
            }
        });
        prediction.resultProperty().addListener((o, a, r) -> {
            // Each answer shown, so that a scripted session (scripts/window-session.sh) can tell which strokes
            // were answered; an empty drawing's blank result is not an answer.
            r.prediction()
                    .ifPresent(p -> LOG.info(
                            "measure: shown {} ({} %) from {} v{}",
                            p.digit(), String.format("%.1f", 100.0 * p.confidence()), p.model(), p.version()));
            if (r.prediction().isPresent() && !firstPrediction) {
                firstPrediction = true;
                LOG.info("measure: first prediction shown {} ms after launch", sinceLaunch());
            }
            if (awaiting
                    && r.drawing() == pad.drawingProperty().get()
                    && r.prediction().isPresent()) {
                shown = true;
                strokeToAnswer.add(System.nanoTime() - strokeEnd);
                Platform.requestNextPulse();
            }
        });
        vm.why().shownProperty().addListener((o, a, s) -> {
            if (s != null && (a == null || a.all() != s.all())) {
                whyNanos.add(s.all().elapsed().toNanos());
                whyCalls.add((long) s.all().calls());
                LOG.info(
                        "measure: why map of {}: {} images in {} calls, {} ms",
                        s.digit(),
                        s.all().rows(),
                        s.all().calls(),
                        String.format("%.1f", s.all().elapsed().toNanos() / 1e6));
            }
        });
        scene.addPostLayoutPulseListener(() -> {
            if (awaiting && !shown) {
                framesBefore++;
            } else if (shown) {
                shown = false;
                awaiting = false;
                strokeToScreen.add(System.nanoTime() - strokeEnd);
                if (framesBefore == 0) {
                    inFirstFrame++;
                }
                if (strokeToScreen.size() % 20 == 0) {
                    report();
                }
            }
        });
    }

    private long sinceLaunch() {
        return Duration.between(launched, Instant.now()).toMillis();
    }

    void report() {
        if (strokeToScreen.isEmpty()) {
            LOG.info("measure: no strokes measured");
            return;
        }
        LOG.info(
                "measure: {} strokes; stroke end -> answer on the FX thread: {}; -> distribution laid out for the next"
                        + " frame: {}; in the first frame after the stroke end: {} of {}",
                strokeToScreen.size(),
                summary(strokeToAnswer),
                summary(strokeToScreen),
                inFirstFrame,
                strokeToScreen.size());
        if (!whyNanos.isEmpty()) {
            LOG.info(
                    "measure: {} why maps shown, each worked out in {}, with {} calls (max {})",
                    whyNanos.size(),
                    summary(whyNanos),
                    whyCalls.stream().sorted().toList().get(whyCalls.size() / 2),
                    whyCalls.stream().mapToLong(Long::longValue).max().orElse(0));
        }
        LOG.info(
                "measure: memory after {} strokes: {}",
                strokeToScreen.size(),
                ProcessMemory.describe(ProcessMemory.current()));
    }

    private static String summary(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return String.format(
                "p50 %.1f ms, p95 %.1f ms, max %.1f ms",
                percentile(sorted, 0.50), percentile(sorted, 0.95), sorted.getLast() / 1e6);
    }

    private static double percentile(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.clamp(i, 0, sorted.size() - 1)) / 1e6;
    }
}
