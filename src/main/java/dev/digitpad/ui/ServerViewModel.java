package dev.digitpad.ui;

import dev.digitpad.client.ModelInterface;
import dev.digitpad.client.ModelVersions;
import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.PredictionException;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.contract.ModelDescriptionText;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server panel: the form (embedded or remote, address, model, signature, TLS, and which version of the model), the
 * connection in use and its {@link ConnectionHealth health}, the model's versions and labels, "Test connection" and
 * "Retry now". Choosing a version or label while connected applies it at once: it is a connection to the same server
 * with the new choice, and like any connection it replaces the one in use only once it works. Connecting runs on the injected {@code worker};
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
    private final ObjectProperty<VersionChoice> version =
            new SimpleObjectProperty<>(this, "version", VersionChoice.LATEST);

    private final ReadOnlyObjectWrapper<ServerSession> session = new ReadOnlyObjectWrapper<>(this, "session");
    private final ReadOnlyObjectWrapper<ServerSettings> applied =
            new ReadOnlyObjectWrapper<>(this, "applied", ServerSettings.EMBEDDED);
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.NOT_CONNECTED);
    private final ReadOnlyStringWrapper stateText = new ReadOnlyStringWrapper(this, "stateText", "Not connected");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "Not connected.");
    private final ReadOnlyStringWrapper modelText = new ReadOnlyStringWrapper(this, "modelText", "");
    private final ReadOnlyStringWrapper testResult = new ReadOnlyStringWrapper(this, "testResult", "");
    private static final String NO_DETAILS = "Connect to a server to see its model's signatures.";
    private final ReadOnlyStringWrapper details = new ReadOnlyStringWrapper(this, "details", NO_DETAILS);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(this, "problem");
    private final ReadOnlyStringWrapper addressError = new ReadOnlyStringWrapper(this, "addressError");
    private final ReadOnlyObjectWrapper<ModelVersions> versions = new ReadOnlyObjectWrapper<>(this, "versions");
    private final ReadOnlyStringWrapper versionError = new ReadOnlyStringWrapper(this, "versionError", "");
    private final ReadOnlyStringWrapper versionsText =
            new ReadOnlyStringWrapper(this, "versionsText", "Connect to a server to see its model's versions.");
    private final ObservableList<String> versionNumbers = FXCollections.observableArrayList();
    private final ObservableList<String> versionNumbersView = FXCollections.unmodifiableObservableList(versionNumbers);
    private final ObservableList<String> labels = FXCollections.observableArrayList();
    private final ObservableList<String> labelsView = FXCollections.unmodifiableObservableList(labels);
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
        // A label or version of one server means nothing to the other: switching between them asks for the latest.
        embedded.addListener((o, a, b) -> version.set(VersionChoice.LATEST));
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
        version.set(s.version());
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
                privateKey.get(),
                version.get());
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
                Listing listing = list(opened);
                ServerSession ready = opened;
                uiThread.accept(() -> connected(settings, ready, model, listing));
            } catch (Exception e) {
                LOG.info(
                        "Could not connect to {}: {}{}",
                        settings.describe(),
                        e.getMessage(),
                        e instanceof PredictionException p ? " [" + p.technical() + "]" : "");
                // A server that answered, but refused the model's version or label, still lists what it has.
                Listing listing =
                        opened != null && e instanceof PredictionException p && !p.unreachable() ? list(opened) : null;
                if (opened != null && opened != session.get()) {
                    opened.close();
                }
                uiThread.accept(() -> failed(settings, e, listing));
            }
        });
    }

    /**
     * Connecting with {@code settings} failed: the connection in use, if any, stays, and the form as typed. A version
     * or label that the server in use refused is said under the choice, where the person made it (a notification would
     * cover the choice), and the choice shown goes back to the one in use.
     */
    private void failed(ServerSettings settings, Exception e, Listing listing) {
        finished();
        boolean keep = session.get() != null;
        if (!keep && listing != null && listing.versions() != null) {
            show(listing, settings.embedded()); // nothing else to list, and its versions and labels are to choose from
        }
        connecting = null;
        state.set(keep ? State.CONNECTED : State.FAILED);
        if (keep && settings.sameModel(applied.get())) {
            versionError.set(message(e) + " Still predicting with "
                    + applied.get().version().words() + ".");
            if (version.get().equals(settings.version())) {
                version.set(applied.get().version());
            }
            updateTexts();
            return;
        }
        formFailure = "Connecting to " + withModel(settings) + " failed: " + message(e);
        failedWith = settings;
        updateTexts();
        // A server that answered with an error (no such model, a signature that does not fit) was reached.
        boolean reached = e instanceof PredictionException p && !p.unreachable();
        problem.set(new Problem(
                (reached ? "Cannot use " : "Could not connect to ") + withModel(settings),
                message(e) + (keep ? " Still using " + withModel(applied.get()) + "." : "")));
    }

    private void connected(ServerSettings settings, ServerSession ready, ModelInterface model, Listing listing) {
        LOG.info("Connected to {} ({})", ready.name(), describe(model, settings.version()));
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
        modelText.set(describe(model, settings.version()));
        version.set(settings.version());
        versionError.set("");
        show(listing, settings.embedded());
        updateTexts();
        if (old != null && old != ready) {
            submit(old::close);
        }
    }

    /**
     * The model's versions and labels as a server listed them, or why it did not; and the model's details (signatures)
     * in words, or why there are none.
     */
    private record Listing(ModelVersions versions, String failure, String details) {
        Listing(ModelVersions versions, String failure) {
            this(versions, failure, null);
        }
    }

    /**
     * Asks {@code s} for its model's versions and labels, and for its signatures, as {@code digitpad inspect --server}
     * shows them; a failure is told in the list and the details, not as a problem.
     */
    private static Listing list(ServerSession s) {
        ModelVersions listed;
        try {
            listed = s.client().versions();
        } catch (PredictionException e) {
            LOG.info("Could not list the versions on {}: {} [{}]", s.name(), e.getMessage(), e.technical());
            return new Listing(null, e.getMessage(), "Could not read the model's details: " + e.getMessage());
        }
        String details;
        try {
            details = ModelDescriptionText.format(s.client().inspect()).strip();
        } catch (PredictionException e) {
            LOG.info("Could not read the model's details on {}: {} [{}]", s.name(), e.getMessage(), e.technical());
            details = "Could not read the model's details: " + e.getMessage();
        }
        return new Listing(listed, null, details);
    }

    /** Lists the model's versions and labels again, from the server in use (the Server tab's Refresh). */
    public void refreshVersions() {
        ServerSession s = session.get();
        if (s == null) {
            show(new Listing(null, null), false);
            return;
        }
        started();
        versionsText.set("Asking " + s.name() + " for the model's versions…");
        submit(() -> {
            Listing listing = list(s);
            uiThread.accept(() -> {
                finished();
                if (session.get() == s) {
                    show(listing, applied.get().embedded());
                }
            });
        });
    }

    /** @param embedded whether the listing is the embedded server's, which has no labels */
    private void show(Listing listing, boolean embedded) {
        versions.set(listing.versions());
        details.set(listing.details() == null ? NO_DETAILS : listing.details());
        ModelVersions v = listing.versions();
        if (v == null) {
            versionNumbers.clear();
            labels.clear();
            versionsText.set(
                    listing.failure() == null
                            ? "Connect to a server to see its model's versions."
                            : "Could not list the versions: " + listing.failure());
            return;
        }
        versionNumbers.setAll(
                v.versions().stream().map(s -> Long.toString(s.version())).toList());
        labels.setAll(v.labels().keySet());
        versionsText.set(listed(v, embedded));
    }

    /**
     * The versions one a line, e.g. "Version 2: available, label canary", then any label naming a version not
     * listed, or a line saying that no labels were listed.
     */
    static String listed(ModelVersions v, boolean embedded) {
        List<String> lines = new ArrayList<>();
        for (PredictionClient.VersionState s : v.versions()) {
            List<String> named = v.labelsOf(s.version());
            lines.add("Version " + s.version() + ": " + s.state().toLowerCase(Locale.ROOT)
                    + named.stream().map(l -> ", label " + l).collect(Collectors.joining())
                    + (s.error().isBlank() ? "" : " (" + s.error() + ")"));
        }
        v.labels().forEach((label, n) -> {
            if (v.versions().stream().noneMatch(s -> s.version() == n)) {
                lines.add("Label " + label + ": version " + n + ", which the server does not list");
            }
        });
        if (v.versions().isEmpty()) {
            lines.add("The server lists no versions of model " + v.model() + ".");
        }
        if (v.labels().isEmpty()) {
            lines.add(
                    embedded
                            ? "No labels."
                            : "No labels listed. TensorFlow Serving does not list its labels: type one under Label to"
                                    + " use it.");
        }
        return String.join("\n", lines);
    }

    /**
     * Predicts with {@code choice} from now on: the latest version, a version or a label. It is part of the form, and
     * applies at once: the form is connected with it (the server in use, with another version, unless the form names
     * another server or model), and like any connection it is kept only if the server accepts it. Before the first
     * connection it only fills the form.
     */
    public void choose(VersionChoice choice) {
        versionError.set("");
        version.set(choice);
        ServerSettings asked = form();
        if (session.get() == null && state.get() != State.FAILED) {
            return;
        }
        if (session.get() != null && connecting == null && asked.equals(applied.get())) {
            return; // in use already
        }
        connect(asked);
    }

    /** Chooses the version number a person typed or picked; a text that is no version number is told as a problem. */
    public void chooseVersion(String typed) {
        choose(typed, VersionChoice::parseNumber);
    }

    /** Chooses the version label a person typed or picked. */
    public void chooseLabel(String typed) {
        choose(typed, VersionChoice::label);
    }

    private void choose(String typed, java.util.function.Function<String, VersionChoice> parse) {
        VersionChoice choice;
        try {
            choice = parse.apply(typed);
        } catch (IllegalArgumentException e) {
            versionError.set(e.getMessage());
            return;
        }
        choose(choice);
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

    /**
     * A server and the model asked of it, e.g. {@code 127.0.0.1:8500 (model mnist)} or {@code 127.0.0.1:8500 (model
     * mnist, label canary)}.
     */
    private static String withModel(ServerSettings s) {
        return s.describe() + " (model " + s.model()
                + (s.version().kind() == VersionChoice.Kind.LATEST
                        ? ""
                        : ", " + s.version().words()) + ")";
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
                // Testing the server in use reads its model's details again too.
                String described =
                        same ? ModelDescriptionText.format(client.inspect()).strip() : null;
                ServerSession tested = s;
                uiThread.accept(() -> {
                    finished();
                    testFailed = false;
                    testResult.set(text);
                    if (same) {
                        health.probed(tested, null);
                        if (session.get() == tested) {
                            details.set(described);
                        }
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

    /** "Model mnist, version 2 (label canary)": the model, and the version that answers the choice. */
    private static String describe(ModelInterface model, VersionChoice choice) {
        return describe(model.model(), model.version(), choice.label());
    }

    private static String describe(String model, long version, String label) {
        String answeredBy = Prediction.answeredBy(version, label);
        return "Model " + model + (answeredBy.isEmpty() ? "" : ", " + answeredBy);
    }

    /**
     * The model's version and label that answered the prediction shown, which may differ from the one at connecting
     * time (a newer latest version, a label moved to another version); ignored for another model than the one in use.
     */
    public void answered(Prediction p) {
        ServerSession s = session.get();
        if (s != null && p.model().equals(s.client().options().model())) {
            modelText.set(describe(p.model(), p.version(), p.label()));
        }
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

    /**
     * Which version the form asks for; while connected, the one in use. The view sets it through {@link
     * #choose(VersionChoice)}, which applies it.
     */
    public ReadOnlyObjectProperty<VersionChoice> versionProperty() {
        return version;
    }

    /**
     * Why the version or label last chosen is not in use, in the person's words ("… has no version 7 of model …"),
     * shown under the choice; empty when it is.
     */
    public ReadOnlyStringProperty versionErrorProperty() {
        return versionError.getReadOnlyProperty();
    }

    /** The model's versions and labels as the server in use last listed them; null before, or if it would not. */
    public ReadOnlyObjectProperty<ModelVersions> versionsProperty() {
        return versions.getReadOnlyProperty();
    }

    /** The model's versions, one a line with its state and labels, or why they are not known. */
    public ReadOnlyStringProperty versionsTextProperty() {
        return versionsText.getReadOnlyProperty();
    }

    /** The version numbers listed, to pick from. */
    public ObservableList<String> versionNumbers() {
        return versionNumbersView;
    }

    /** The labels listed, to pick from (none from a server that does not list them; a typed label still works). */
    public ObservableList<String> labels() {
        return labelsView;
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

    /**
     * The model in use in detail, as {@code digitpad inspect --server} prints it: each version (the one chosen, or all
     * with Latest) with its state, and its signatures with their inputs and outputs (key, dtype, shape). Read when
     * connecting, at Refresh and at Test connection of the server in use.
     */
    public ReadOnlyStringProperty detailsProperty() {
        return details.getReadOnlyProperty();
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
