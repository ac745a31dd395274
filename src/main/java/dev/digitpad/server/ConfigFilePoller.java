package dev.digitpad.server;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ServingException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads {@code --model_config_file} every {@code --model_config_file_poll_wait_seconds} and, when what it asks for
 * has changed, reloads the model list as HandleReloadConfigRequest would. A file that cannot be read or refused leaves
 * the served models as they are; the reason is logged once per version of the file.
 */
final class ConfigFilePoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigFilePoller.class);

    private final Path file;
    private final ModelManager models;
    private final ScheduledExecutorService timer;
    private ModelServerConfigs.Served applied;
    private Object lastRefused;

    /** @param applied what the server serves now, read from {@code file} at start */
    ConfigFilePoller(Path file, ModelManager models, ModelServerConfigs.Served applied) {
        this.file = file;
        this.models = models;
        this.applied = applied;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("model-config-poller")
                .daemon()
                .uncaughtExceptionHandler((t, e) -> log.error("Model config poller failed", e))
                .factory());
    }

    void start(Duration interval) {
        timer.scheduleWithFixedDelay(this::pollSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the file once and reloads if it asks for something new. */
    synchronized void poll() {
        ModelServerConfigs.Served wanted;
        try {
            wanted = ModelServerConfigs.readFile(file);
        } catch (ConfigFileException e) {
            refusedOnce(e.getMessage(), e.getMessage());
            return;
        }
        if (wanted.equals(applied)) {
            return;
        }
        try {
            models.reload(wanted.models(), wanted.labels());
            applied = wanted;
            lastRefused = null;
            log.info("--model_config_file={}: reloaded; serving {}", file, models.modelNames());
        } catch (ServingException e) {
            if (e.code() == org.tensorflow.proto.error.Code.UNKNOWN) {
                applied = wanted; // the list changed; a model that did not load keeps being looked for
            }
            refusedOnce(wanted, "--model_config_file=" + file + ": " + e.getMessage());
        }
    }

    private void refusedOnce(Object what, String message) {
        if (!what.equals(lastRefused)) {
            lastRefused = what;
            log.error("{} The models being served stay as they are.", message);
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.error("Re-reading --model_config_file={} failed; will try again at the next poll", file, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
