package dev.digitpad.ui;

import dev.digitpad.client.PredictionException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the server in use answers: a state, not a stream of failures. A call that fails because the server cannot
 * be reached starts an outage (one {@link #problemProperty() problem} for it, however many calls fail after); an
 * answer ends it. While it lasts, the channel is watched (without calling the server), and when it has a connection
 * again one cheap call checks that the server answers. A failure that is not about reachability (the server answered
 * with an error) is reported too, but the same one only once until an answer. Called on the UI thread; the channel's
 * news comes back through {@code uiThread}.
 */
public final class ConnectionHealth {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHealth.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    public enum State {
        /** The server answers (or nothing says otherwise yet). */
        ANSWERING,
        /** The server could not be reached, {@link #sinceProperty() since} the first failure. */
        UNREACHABLE,
        /** Unreachable, and a call is trying it again now. */
        RECONNECTING
    }

    private final Consumer<Runnable> uiThread;
    private final Clock clock;
    /** Checks the server with one call, off the UI thread, and reports to {@link #probed}; set by the server panel. */
    private Consumer<ServerSession> probe = s -> {};

    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.ANSWERING);
    private final ReadOnlyObjectWrapper<Instant> since = new ReadOnlyObjectWrapper<>(this, "since");
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(this, "problem");

    private ServerSession session;
    private boolean unreachable;
    private boolean predicting;
    private boolean probing;
    /** The message of the last failure of an answering server that was reported; null after an answer. */
    private String lastReported;

    private Runnable stopWatching = () -> {};

    ConnectionHealth(Consumer<Runnable> uiThread, Clock clock) {
        this.uiThread = uiThread;
        this.clock = clock;
    }

    void setProbe(Consumer<ServerSession> probe) {
        this.probe = probe;
    }

    /** From now on, the health of {@code s} (null: none): answering until a call says otherwise. */
    void use(ServerSession s) {
        stopWatching.run();
        stopWatching = () -> {};
        session = s;
        unreachable = false;
        probing = false;
        lastReported = null;
        since.set(null);
        update();
    }

    /**
     * A call to the server in use ended: answered ({@code error} null), or failed. A failure that means the server
     * cannot be reached starts an outage, reported once; any other means the server answered, with an error, which
     * is reported unless it was the last one reported.
     */
    public void callEnded(PredictionException error) {
        if (error == null) {
            lastReported = null;
            answering();
        } else if (error.unreachable() && session != null) {
            lost(error);
        } else {
            answering();
            if (!error.getMessage().equals(lastReported)) {
                lastReported = error.getMessage();
                LOG.info("A call failed: {} [{}]", error.getMessage(), error.technical());
                problem.set(new Problem("Prediction failed", error.getMessage()));
            }
        }
    }

    /** Whether predictions are running: while unreachable, each is an attempt to reach the server again. */
    void predicting(boolean running) {
        predicting = running;
        update();
    }

    /**
     * "Retry now": resets gRPC's reconnect back-off and checks the server with one call. The drawing is predicted
     * again by the caller.
     */
    void retryNow() {
        if (session == null) {
            return;
        }
        LOG.info("Retry now: trying {} again", session.name());
        session.client().reconnectNow();
        if (!probing) {
            probeNow();
        }
    }

    /** A check call ended: an answer, or an error from the server, shows it answers; only unreachability does not. */
    void probed(ServerSession checked, PredictionException error) {
        if (checked != session) {
            return;
        }
        probing = false;
        if (error != null && error.unreachable()) {
            lost(error);
        } else {
            answering();
        }
    }

    /** A check call ended without telling anything (a failure of DigitPad's own): the state stays as it was. */
    void probeFailed(ServerSession checked) {
        if (checked == session) {
            probing = false;
            update();
        }
    }

    private void probeNow() {
        probing = true;
        update();
        probe.accept(session);
    }

    private void lost(PredictionException error) {
        if (!unreachable) {
            unreachable = true;
            since.set(clock.instant());
            LOG.info("{} unreachable: {} [{}]", session.name(), error.getMessage(), error.technical());
            problem.set(new Problem(
                    session.name() + " unreachable",
                    error.getMessage() + " Each stroke tries again; Retry now tries at once."));
            watch();
        }
        update();
    }

    private void answering() {
        if (unreachable && session != null) {
            unreachable = false;
            stopWatching.run();
            stopWatching = () -> {};
            LOG.info("{} answering again", session.name());
            since.set(null);
        }
        update();
    }

    /** Watches the channel; when it has a connection again, checks that the server answers. */
    private void watch() {
        ServerSession watched = session;
        stopWatching = watched.client()
                .whenConnectedAgain(() -> uiThread.accept(() -> {
                    if (watched == session && unreachable && !probing) {
                        LOG.debug("{} has a connection again; checking that it answers", watched.name());
                        probeNow();
                    }
                }));
    }

    private void update() {
        State now = !unreachable ? State.ANSWERING : predicting || probing ? State.RECONNECTING : State.UNREACHABLE;
        state.set(now);
    }

    /** The status bar's words for the server in use, named {@code name}. */
    String describe(String name) {
        return switch (state.get()) {
            case ANSWERING -> "Connected to " + name;
            case UNREACHABLE -> name + " unreachable since " + time(since.get());
            case RECONNECTING -> "Reconnecting to " + name + "…";
        };
    }

    /** A time of day as the status bar shows it, e.g. 14:03:27. */
    static String time(Instant t) {
        return t == null ? "" : TIME.format(t.atZone(ZoneId.systemDefault()));
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** When the outage began; null while the server answers. */
    public ReadOnlyObjectProperty<Instant> sinceProperty() {
        return since.getReadOnlyProperty();
    }

    /** What the person should know: an outage's start, once; a failed call of an answering server. */
    public ReadOnlyObjectProperty<Problem> problemProperty() {
        return problem.getReadOnlyProperty();
    }
}
