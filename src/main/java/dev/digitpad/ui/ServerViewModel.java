package dev.digitpad.ui;

import dev.digitpad.client.ModelInterface;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.contract.ModelContract;
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
 * The server panel: the form (embedded or remote, address, model, signature, TLS), the connection in use,
 * and "Test connection". Connecting runs on the injected {@code worker}; results come back through
 * {@code uiThread}. A failed connection leaves the previous one in use.
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
    private final ReadOnlyStringWrapper modelText = new ReadOnlyStringWrapper(this, "modelText", "");
    private final ReadOnlyStringWrapper testResult = new ReadOnlyStringWrapper(this, "testResult", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(this, "problem");
    private final ReadOnlyStringWrapper addressError = new ReadOnlyStringWrapper(this, "addressError");
    private int running;

    public ServerViewModel(ServerConnector connector, Executor worker, Consumer<Runnable> uiThread) {
        this.connector = connector;
        this.worker = worker;
        this.uiThread = uiThread;
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
        stateText.set(settings.embedded() ? "Loading the model…" : "Connecting to " + settings.describe() + "…");
        submit(() -> {
            ServerSession opened = null;
            try {
                opened = connector.open(settings);
                ModelInterface model = opened.client().describe();
                ServerSession ready = opened;
                uiThread.accept(() -> connected(settings, ready, model));
            } catch (Exception e) {
                LOG.info("Could not connect to {}: {}", settings.describe(), e.getMessage());
                if (opened != null && opened != session.get()) {
                    opened.close();
                }
                uiThread.accept(() -> {
                    finished();
                    boolean keep = session.get() != null;
                    state.set(keep ? State.CONNECTED : State.FAILED);
                    stateText.set("Could not connect to " + settings.describe()
                            + (keep ? "; still using " + applied.get().describe() : ""));
                    problem.set(new Problem("Could not connect to " + settings.describe(), message(e)));
                });
            }
        });
    }

    private void connected(ServerSettings settings, ServerSession ready, ModelInterface model) {
        finished();
        ServerSession old = session.get();
        applied.set(settings);
        session.set(ready);
        state.set(State.CONNECTED);
        stateText.set("Connected to " + ready.name());
        modelText.set(describe(model));
        if (old != null && old != ready) {
            submit(old::close);
        }
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
                uiThread.accept(() -> {
                    finished();
                    testResult.set(text);
                });
            } catch (Exception e) {
                String text = message(e);
                uiThread.accept(() -> {
                    finished();
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

    public ReadOnlyStringProperty stateTextProperty() {
        return stateText.getReadOnlyProperty();
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
