package dev.digitpad.ui;

import dev.digitpad.client.ModelInterface;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.PredictionException;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.contract.ModelContract;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server panel: the form (embedded or remote, address, model, signature, TLS), the connection in use and its
 * {@link ConnectionHealth health}, "Test connection" and "Retry now". Connecting runs on the injected {@code worker};
 * results come back through {@code uiThread}. A failed connection leaves the previous one in use, and the form keeps
 * what was typed: the {@link #summaryProperty() summary} tells which server is in use and that the form's failed.
 */
public final class ServerViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(ServerViewModel.class);

    public enum State {
        NOT_CONNECTED,
        CONNECTING,
        CONNECTED,
        FAILED
    }

    private final ServerConnector connector;
    private final Executor worker;
    private final Consumer<Runnable> uiThread;

    private final BooleanProperty embedded = new SimpleBooleanProperty(this, "embedded", true);
    private final StringProperty address = new SimpleStringProperty(this, "address", "localhost:8500");
    private final StringProperty model = new SimpleStringProperty(this, "model", ModelContract.DEFAULT_MODEL_NAME);
    private final StringProperty signature =
            new SimpleStringProperty(this, "signature", ModelContract.DEFAULT_SIGNATURE);
    private final BooleanProperty tls = new SimpleBooleanProperty(this, "tls");
    private final StringProperty caFile = new SimpleStringProperty(this, "caFile", "");
    private final StringProperty certificate = new SimpleStringProperty(this, "certificate", "");
    private final StringProperty privateKey = new SimpleStringProperty(this, "privateKey", "");

    private final ReadOnlyObjectWrapper<ServerSession> session = new ReadOnlyObjectWrapper<>(this, "session");
    private final ReadOnlyObjectWrapper<ServerSettings> applied =
            new ReadOnlyObjectWrapper<>(this, "applied", ServerSettings.EMBEDDED);
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.NOT_CONNECTED);
    private final ReadOnlyStringWrapper stateText = new ReadOnlyStringWrapper(this, "stateText", "Not connected");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "Not connected.");
    private final ReadOnlyStringWrapper modelText = new ReadOnlyStringWrapper(this, "modelText", "");
    private final ReadOnlyStringWrapper testResult = new ReadOnlyStringWrapper(this, "testResult", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(this, "problem");
    private final ReadOnlyStringWrapper addressError = new ReadOnlyStringWrapper(this, "addressError");
    private final ConnectionHealth health;
    private int running;
    /** What connecting with the form's settings last came to, when it failed; null otherwise. */
    private String formFailure;
    /** The settings that failed, with {@link #formFailure}. */
    private ServerSettings failedWith;
    /** What is being connected to, while it is. */
    private ServerSettings connecting;
    /** Whether the test result on show is a failure. */
    private boolean testFailed;

    private Runnable afterRetry = () -> {};

    public ServerViewModel(ServerConnector connector, Executor worker, Consumer<Runnable> uiThread) {
        this(connector, worker, uiThread, Clock.systemDefaultZone());
    }

    /** @param clock tells when an outage began */
    public ServerViewModel(ServerConnector connector, Executor worker, Consumer<Runnable> uiThread, Clock clock) {
        this.connector = connector;
        this.worker = worker;
        this.uiThread = uiThread;
        this.health = new ConnectionHealth(uiThread, clock);
        health.setProbe(this::probe);
        health.stateProperty().addListener((o, a, b) -> updateTexts());
        address.addListener((o, a, b) -> addressError.set(validate(b)));
        addressError.set(validate(address.get()));
    }

    /** Why {@code text} is not a server address, or null if it is one. */
    public static String validate(String text) {
        try {
            ServerAddress.parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Fills the form from settings. */
    public void show(ServerSettings s) {
        embedded.set(s.embedded());
        address.set(s.address());
        model.set(s.model());
        signature.set(s.signature());
        tls.set(s.tls());
        caFile.set(s.caFile());
        certificate.set(s.certificate());
        privateKey.set(s.privateKey());
    }

    /** The form as settings. */
    public ServerSettings form() {
        return new ServerSettings(
                embedded.get(),
                address.get(),
                model.get(),
                signature.get(),
                tls.get(),
                caFile.get(),
                certificate.get(),
                privateKey.get());
    }

    /** Connects with the form's settings; they replace the connection in use once they work. */
    public void connect() {
        connect(form());
    }

    public void connect(ServerSettings settings) {
        if (!settings.embedded() && validate(settings.address()) != null) {
            problem.set(new Problem("Cannot connect", validate(settings.address())));
            return;
        }
        started();
        state.set(State.CONNECTING);
        connecting = settings;
        formFailure = null;
        updateTexts();
        submit(() -> {
            ServerSession opened = null;
            try {
                opened = connector.open(settings);
                ModelInterface model = opened.client().describe();
                ServerSession ready = opened;
                uiThread.accept(() -> connected(settings, ready, model));
            } catch (Exception e) {
                LOG.info(
                        "Could not connect to {}: {}{}",
                        settings.describe(),
                        e.getMessage(),
                        e instanceof PredictionException p ? " [" + p.technical() + "]" : "");
                if (opened != null && opened != session.get()) {
                    opened.close();
                }
                uiThread.accept(() -> failed(settings, e));
            }
        });
    }

    /** Connecting with {@code settings} failed: the connection in use, if any, stays, and the form as typed. */
    private void failed(ServerSettings settings, Exception e) {
        finished();
        boolean keep = session.get() != null;
        connecting = null;
        state.set(keep ? State.CONNECTED : State.FAILED);
        formFailure = "Connecting to " + withModel(settings) + " failed: " + message(e);
        failedWith = settings;
        updateTexts();
        // A server that answered with an error (no such model, a signature that does not fit) was reached.
        boolean reached = e instanceof PredictionException p && !p.unreachable();
        problem.set(new Problem(
                (reached ? "Cannot use " : "Could not connect to ") + withModel(settings),
                message(e) + (keep ? " Still using " + withModel(applied.get()) + "." : "")));
    }

    private void connected(ServerSettings settings, ServerSession ready, ModelInterface model) {
        LOG.info("Connected to {} ({})", ready.name(), describe(model));
        finished();
        ServerSession old = session.get();
        applied.set(settings);
        connecting = null;
        formFailure = null;
        if (testFailed) {
            testFailed = false;
            testResult.set("");
        }
        health.use(ready);
        session.set(ready);
        state.set(State.CONNECTED);
        modelText.set(describe(model));
        updateTexts();
        if (old != null && old != ready) {
            submit(old::close);
        }
    }

    /**
     * "Retry now", while the server in use is unreachable: resets gRPC's reconnect back-off, checks the server with
     * one call, and predicts the drawing again (through what {@link #setAfterRetry} gave).
     */
    public void retryNow() {
        if (session.get() == null) {
            return;
        }
        health.retryNow();
        afterRetry.run();
    }

    /** What "Retry now" does besides checking the server: in the window, predicting the drawing again. */
    public void setAfterRetry(Runnable afterRetry) {
        this.afterRetry = afterRetry == null ? () -> {} : afterRetry;
    }

    /** Checks that {@code s} answers, with one cheap call (the model's status), on the worker. */
    private void probe(ServerSession s) {
        submit(() -> {
            try {
                List<PredictionClient.VersionState> versions = s.client().status();
                // A server that is back but still loading its model does not end the outage yet.
                PredictionException notReady =
                        versions.stream().anyMatch(v -> v.state().equals("AVAILABLE"))
                                ? null
                                : PredictionException.notReady(
                                        s.name() + " answers, but no version of its model is ready yet.");
                uiThread.accept(() -> health.probed(s, notReady));
            } catch (PredictionException e) {
                uiThread.accept(() -> health.probed(s, e));
            } catch (RuntimeException e) {
                LOG.warn("Checking {} failed", s.name(), e);
                uiThread.accept(() -> health.probeFailed(s));
            }
        });
    }

    /** The status bar's text and the Server tab's summary, from the connection in use, its health and the form's. */
    private void updateTexts() {
        ServerSession s = session.get();
        ServerSettings inUse = applied.get();
        if (connecting != null) {
            String doing =
                    connecting.embedded() ? "Loading the model…" : "Connecting to " + connecting.describe() + "…";
            stateText.set(doing);
            summary.set(s == null ? doing : "Using " + withModel(inUse) + ". " + doing);
            return;
        }
        if (s == null) {
            stateText.set(formFailure == null ? "Not connected" : "Could not connect to " + failedWith.describe());
            summary.set(formFailure == null ? "Not connected." : formFailure);
            return;
        }
        stateText.set(health.describe(s.name()));
        String using = "Using " + withModel(inUse) + ".";
        if (health.stateProperty().get() != ConnectionHealth.State.ANSWERING) {
            using += " It has not answered since "
                    + ConnectionHealth.time(health.sinceProperty().get()) + ".";
        }
        summary.set(formFailure == null ? using : using + "\n" + formFailure);
    }

    /** A server and the model asked of it, e.g. {@code 127.0.0.1:8500 (model mnist)}. */
    private static String withModel(ServerSettings s) {
        return s.describe() + " (model " + s.model() + ")";
    }

    /** Asks the server of the form for the model's status and signature, without switching to it. */
    public void testConnection() {
        ServerSettings settings = form();
        if (!settings.embedded() && validate(settings.address()) != null) {
            testResult.set(validate(settings.address()));
            return;
        }
        started();
        testResult.set("Testing " + settings.describe() + "…");
        ServerSession current = session.get();
        boolean same = settings.equals(applied.get()) && current != null;
        submit(() -> {
            ServerSession s = null;
            try {
                s = same ? current : connector.open(settings);
                PredictionClient client = s.client();
                List<PredictionClient.VersionState> versions = client.status();
                ModelInterface model = client.describe();
                String text = "Model \"" + model.model() + "\" on " + s.name() + ": "
                        + versions.stream()
                                .map(v -> "version " + v.version() + " " + v.state())
                                .collect(Collectors.joining(", "))
                        + ".\nSignature " + model.signature() + ": " + model.describe();
                ServerSession tested = s;
                uiThread.accept(() -> {
                    finished();
                    testFailed = false;
                    testResult.set(text);
                    if (same) {
                        health.probed(tested, null);
                    }
                });
            } catch (Exception e) {
                String text = message(e);
                uiThread.accept(() -> {
                    finished();
                    testFailed = true;
                    testResult.set("Failed: " + text);
                    problem.set(new Problem("Connection test failed", text));
                });
            } finally {
                if (s != null && !same) {
                    s.close();
                }
            }
        });
    }

    /** Closes the connection in use (at exit). */
    public void close() {
        ServerSession s = session.get();
        health.use(null);
        session.set(null);
        if (s != null) {
            s.close();
        }
    }

    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not connecting: shutting down");
        }
    }

    private void started() {
        running++;
        busy.set(true);
    }

    private void finished() {
        running = Math.max(0, running - 1);
        busy.set(running > 0);
    }

    private static String describe(ModelInterface model) {
        return "Model " + model.model() + (model.version() >= 0 ? " v" + model.version() : "");
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    public BooleanProperty embeddedProperty() {
        return embedded;
    }

    public StringProperty addressProperty() {
        return address;
    }

    public StringProperty modelProperty() {
        return model;
    }

    public StringProperty signatureProperty() {
        return signature;
    }

    public BooleanProperty tlsProperty() {
        return tls;
    }

    public StringProperty caFileProperty() {
        return caFile;
    }

    public StringProperty certificateProperty() {
        return certificate;
    }

    public StringProperty privateKeyProperty() {
        return privateKey;
    }

    public ReadOnlyObjectProperty<ServerSession> sessionProperty() {
        return session.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ServerSettings> appliedProperty() {
        return applied.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /**
     * The status bar's words for the connection in use: "Connected to X", "X unreachable since 14:03:27",
     * "Reconnecting to X…", or what is being connected to.
     */
    public ReadOnlyStringProperty stateTextProperty() {
        return stateText.getReadOnlyProperty();
    }

    /**
     * The Server tab's account: which server and model are in use, since when it has not answered, and, when the
     * form's settings failed, what and why, e.g. "Using 127.0.0.1:8500 (model mnist). Connecting to 127.0.0.1:1
     * (model mnist) failed: Nothing is answering at 127.0.0.1:1. …".
     */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** Whether the server in use answers. */
    public ConnectionHealth health() {
        return health;
    }

    public ReadOnlyStringProperty modelTextProperty() {
        return modelText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty testResultProperty() {
        return testResult.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Problem> problemProperty() {
        return problem.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty addressErrorProperty() {
        return addressError.getReadOnlyProperty();
    }
}
