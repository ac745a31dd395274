package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.client.Channels;
import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.PredictionException;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.testing.ServedProcess;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server dies under a running client ({@code kill -9}, the OOM killer, a pulled plug): DigitPad's client
 * says that no server answers, with its advice, and once the server is back on the same port the same client,
 * on the same channel, is answered again by itself.
 */
class ServerKilledIT {
    /** How long the client may take to be answered again once the restarted server reports SERVING. */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

    @TempDir
    Path work;

    /** What each call of the client ended in, in order. */
    private record Outcome(long nanos, Prediction prediction, PredictionException error) {
        boolean ok() {
            return error == null;
        }
    }

    @Test
    void theClientReportsUnavailableWhileTheServerIsDownAndRecoversOnItsOwn() throws Exception {
        Path base = work.resolve("models/mnist");
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        ServedProcess server = ServedProcess.start(work, Map.of(), "--model_name=mnist", "--model_base_path=" + base);
        String address = "127.0.0.1:" + server.grpcPort;
        ManagedChannel channel = server.own(Channels.open(ServerAddress.parse(address), TlsOptions.PLAINTEXT));
        PredictionClient client = new PredictionClient(
                channel,
                address,
                new PredictionClient.Options("mnist", VersionChoice.LATEST, "serving_default", Duration.ofSeconds(5)),
                new MetadataCache());
        float[] image = TestModels.imageWithRow(6, 2f);
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread caller = null;
        try {
            server.awaitServing(Duration.ofSeconds(60));
            caller = Thread.ofPlatform().name("killed-server-client").start(() -> {
                while (!stop.get()) {
                    try {
                        outcomes.add(new Outcome(System.nanoTime(), client.predict(image), null));
                    } catch (PredictionException e) {
                        outcomes.add(new Outcome(System.nanoTime(), null, e));
                        sleep(20); // as a user's next stroke would, not a tight loop
                    } catch (RuntimeException e) {
                        outcomes.add(new Outcome(
                                System.nanoTime(),
                                null,
                                new PredictionException(Status.Code.UNKNOWN, "not a PredictionException: " + e, e)));
                    }
                }
            });
            await(outcomes, o -> o.ok(), 50, Duration.ofSeconds(60), "answers before the kill");

            long killed = System.nanoTime();
            server.kill();
            await(
                    outcomes,
                    o -> o.nanos() > killed && !o.ok(),
                    5, // each waits up to 1 s for a new connection first
                    Duration.ofSeconds(30),
                    "failed calls after the kill");

            long restarted = System.nanoTime();
            ServedProcess again = server.startAgain(work); // closed with server
            again.awaitServing(Duration.ofSeconds(60));
            long serving = System.nanoTime();
            await(
                    outcomes,
                    o -> o.nanos() > serving && o.ok(),
                    20,
                    RECOVERY_BOUND.plusSeconds(10),
                    "answers after the restart");
            stop.set(true);
            caller.join(Duration.ofSeconds(30));

            long firstAnswerAgain = outcomes.stream()
                    .filter(o -> o.nanos() > killed && o.ok())
                    .mapToLong(Outcome::nanos)
                    .min()
                    .orElseThrow();
            System.out.printf(
                    "killed server: %d calls failed while it was down; the restarted server reported SERVING %d ms"
                            + " after it was started, and the client was answered again %d ms after it was started%n",
                    outcomes.stream().filter(o -> !o.ok()).count(),
                    (serving - restarted) / 1_000_000,
                    (firstAnswerAgain - restarted) / 1_000_000);
            assertThat(Duration.ofNanos(firstAnswerAgain - serving))
                    .as("recovery after the server came back")
                    .isLessThanOrEqualTo(RECOVERY_BOUND);

            // Every failure, from the call the kill cut off to the last one before the restart, is UNAVAILABLE with
            // the client's advice, not a stack trace or a raw transport error: nothing answering, or a connection
            // closed under the call (the one the kill cut off; a restarting server that takes connections early),
            List<PredictionException> errors =
                    outcomes.stream().filter(o -> !o.ok()).map(Outcome::error).toList();
            assertThat(errors).isNotEmpty().allSatisfy(e -> {
                assertThat(e.code()).as(e.getMessage()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.unreachable()).as(e.getMessage()).isTrue();
                // ... or the restarted server, before its model is loaded, saying so itself.
                assertThat(e.getMessage())
                        .satisfiesAnyOf(
                                m -> assertThat(m)
                                        .isIn(
                                                "Nothing is answering at " + address
                                                        + ". Start the server, or check the address.",
                                                address + " closed the connection without answering. The server may"
                                                        + " be stopping or restarting; if it expects TLS, connect"
                                                        + " with TLS."),
                                m -> assertThat(m)
                                        .startsWith(address + " answers, but cannot predict yet: Model \"mnist\" is"
                                                + " still loading"));
            });
            assertThat(outcomes.stream()
                            .filter(o -> !o.ok())
                            .mapToLong(Outcome::nanos)
                            .min()
                            .orElseThrow())
                    .as("no call failed before the kill")
                    .isGreaterThan(killed);
            // And every answer, before and after, is right.
            double[] expected = TestModels.expectedProbabilities(image, 1);
            assertThat(outcomes.stream()
                            .filter(Outcome::ok)
                            .map(Outcome::prediction)
                            .toList())
                    .allSatisfy(p -> {
                        for (int k = 0; k < TestModels.CLASSES; k++) {
                            assertThat((double) p.probabilities()[k]).isCloseTo(expected[k], within(1e-5));
                        }
                    });
            assertThat(channel.isShutdown()).as("the client kept its channel").isFalse();
        } finally {
            stop.set(true);
            if (caller != null) {
                caller.join(Duration.ofSeconds(30));
            }
            server.close(); // and the channel, and the server started again
        }
    }

    private static void await(
            List<Outcome> outcomes, Predicate<Outcome> which, int count, Duration timeout, String what)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (outcomes.stream().filter(which).count() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("fewer than " + count + " " + what + " within " + timeout + "; last outcomes: "
                        + outcomes.subList(Math.max(0, outcomes.size() - 5), outcomes.size()));
            }
            Thread.sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
