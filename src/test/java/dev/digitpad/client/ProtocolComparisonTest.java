package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.digitpad.client.ProtocolComparison.CaseFigures;
import dev.digitpad.client.ProtocolComparison.Snapshot;
import dev.digitpad.testing.RecordingFrontEnds;
import dev.digitpad.testing.RecordingFrontEnds.Form;
import dev.digitpad.testing.RecordingFrontEnds.Received;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The protocol comparison against DigitPad's own front ends on loopback ports, which record what reaches them: the
 * calls and bytes it reports are those the server received, and a REST that is not there is left out with the reason
 * while gRPC is measured.
 */
class ProtocolComparisonTest {
    @RegisterExtension
    static final ServingFixture serving = ServingFixture.inProcess().version("mnist", 1, TestModels.Kind.MNIST);

    private static final Map<ProtocolCase, Form> FORMS = Map.of(
            ProtocolCase.GRPC_TENSOR_CONTENT, Form.GRPC_TENSOR_CONTENT,
            ProtocolCase.GRPC_FLOAT_VAL, Form.GRPC_FLOAT_VAL,
            ProtocolCase.REST_ROWS, Form.REST_INSTANCES,
            ProtocolCase.REST_COLUMNS, Form.REST_INPUTS);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private RecordingFrontEnds frontEnds() throws Exception {
        RecordingFrontEnds f = RecordingFrontEnds.start(serving.core());
        open.add(f);
        return f;
    }

    private ManagedChannel channel(int port) {
        ManagedChannel c =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        open.add(() -> {
            c.shutdownNow();
            c.awaitTermination(5, TimeUnit.SECONDS);
        });
        return c;
    }

    private static ProtocolComparison.Target target(ManagedChannel channel, URI rest) {
        return new ProtocolComparison.Target("test server", channel, rest, PredictionClient.Options.model("mnist"));
    }

    private static ProtocolComparison.Settings settings(int calls, int warmup) {
        return new ProtocolComparison.Settings(calls, warmup, Duration.ofSeconds(10));
    }

    private static float[] digit() {
        return TestModels.imageWithRow(9, 12f);
    }

    @Test
    void countsTheCallsAndBytesThatTheServerReceived() throws Exception {
        RecordingFrontEnds server = frontEnds();
        Snapshot done = ProtocolComparison.run(
                settings(7, 2), target(channel(server.grpcPort()), server.restRoot()), digit(), s -> {});

        List<Received> received = server.received();
        assertThat(received).extracting(Received::form).doesNotContain(Form.OTHER);
        for (ProtocolCase c : ProtocolCase.values()) {
            CaseFigures figures = done.of(c);
            List<Received> mine =
                    received.stream().filter(r -> r.form() == FORMS.get(c)).toList();
            assertThat(figures.measured()).as(c.label()).isTrue();
            assertThat(figures.calls()).as(c.label()).isEqualTo(7);
            assertThat(figures.errors()).as(c.label()).isZero();
            assertThat(figures.latency().getTotalCount()).isEqualTo(7);
            assertThat(figures.latenciesNanos()).hasSize(7);
            // Two warm-up rounds, then seven measured calls, all received.
            assertThat(mine).as(c.label()).hasSize(9);
            assertThat(mine)
                    .as(c.label() + ": request bytes")
                    .extracting(Received::requestBytes)
                    .containsOnly(figures.requestBytes());
            assertThat(mine)
                    .as(c.label() + ": answer bytes")
                    .extracting(Received::responseBytes)
                    .containsOnly(figures.responseBytes());
        }
        // tensor_content: 784 floats of 4 bytes in one field; a JSON body spells each value out.
        assertThat(done.of(ProtocolCase.GRPC_TENSOR_CONTENT).requestBytes()).isBetween(3136, 3136 + 100);
        assertThat(done.finished()).isTrue();
        assertThat(done.sentence()).startsWith("Here, gRPC answered in ").contains("% of REST's time");
    }

    @Test
    void interleavesTheCasesOneCallEachPerRoundInTurn() throws Exception {
        RecordingFrontEnds server = frontEnds();
        ProtocolComparison.run(settings(6, 3), target(channel(server.grpcPort()), server.restRoot()), digit(), s -> {});

        List<Form> order = server.received().stream().map(Received::form).toList();
        assertThat(order).hasSize(4 * (6 + 3));
        List<Form> firsts = new ArrayList<>();
        for (int round = 0; round < 9; round++) {
            List<Form> calls = order.subList(4 * round, 4 * round + 4);
            assertThat(calls).as("round " + round).doesNotHaveDuplicates();
            firsts.add(calls.get(0));
        }
        // The order turns by one each round, so that every case is first (and last) as often as the others.
        assertThat(firsts.subList(3, 7)).doesNotHaveDuplicates();
    }

    @Test
    void withTheRestPortClosedMeasuresGrpcAndSaysWhyRestWasLeftOut() throws Exception {
        RecordingFrontEnds server = frontEnds();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Snapshot done = ProtocolComparison.run(
                settings(5, 1),
                target(channel(server.grpcPort()), URI.create("http://127.0.0.1:" + closed)),
                digit(),
                s -> {});

        assertThat(done.of(ProtocolCase.GRPC_TENSOR_CONTENT).calls()).isEqualTo(5);
        assertThat(done.of(ProtocolCase.GRPC_FLOAT_VAL).calls()).isEqualTo(5);
        assertThat(server.received()).extracting(Received::form).hasSize(2 * 6);
        for (ProtocolCase c : List.of(ProtocolCase.REST_ROWS, ProtocolCase.REST_COLUMNS)) {
            assertThat(done.of(c).measured()).isFalse();
            assertThat(done.of(c).calls()).isZero();
            assertThat(done.of(c).leftOut().orElseThrow())
                    .contains("127.0.0.1:" + closed)
                    .contains("connection refused")
                    .contains("--rest_api_port");
        }
        assertThat(done.restLeftOut()).isPresent();
        assertThat(done.sentence())
                .startsWith("REST was left out, so there is nothing to compare gRPC with: Nothing answers at")
                .endsWith("gRPC was measured.");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "404|text/html|<html>Not Found</html>|HTTP 404 Not Found|not TensorFlow Serving's REST API",
                "200|text/html|<html>hello</html>|not a JSON object (text/html|not TensorFlow Serving's REST API",
                "200|application/json|{\"result\": 7}|without TensorFlow Serving's \"|{\"result\":7}",
                "200|application/json|{\"predictions\": [[1], [2]]}|\"predictions\" for 1 example(s)|[[1],[2]]"
            })
    void aServerWithoutTensorFlowServingsRestApiIsLeftOutWithTheReason(
            int status, String type, String body, String says, String alsoSays) throws Exception {
        RecordingFrontEnds server = frontEnds();
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        other.start();
        open.add(() -> other.stop(0));

        Snapshot done = ProtocolComparison.run(
                settings(3, 1),
                target(
                        channel(server.grpcPort()),
                        URI.create("http://127.0.0.1:" + other.getAddress().getPort())),
                digit(),
                s -> {});

        assertThat(done.of(ProtocolCase.GRPC_TENSOR_CONTENT).calls()).isEqualTo(3);
        assertThat(done.of(ProtocolCase.REST_ROWS).leftOut().orElseThrow())
                .contains("/v1/models/mnist:predict")
                .contains(says)
                .contains(alsoSays);
        assertThat(done.sentence()).startsWith("REST was left out");
    }

    @Test
    void reportsProgressAsTheRoundsGoAndEndsFinished() throws Exception {
        RecordingFrontEnds server = frontEnds();
        List<Snapshot> seen = new CopyOnWriteArrayList<>();
        Snapshot done = ProtocolComparison.run(
                settings(4, 1), target(channel(server.grpcPort()), server.restRoot()), digit(), seen::add);

        assertThat(seen).isNotEmpty();
        assertThat(seen).extracting(Snapshot::roundsDone).isSorted();
        Snapshot last = seen.get(seen.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.roundsDone()).isEqualTo(4);
        assertThat(last.of(ProtocolCase.REST_COLUMNS).calls()).isEqualTo(4);
        assertThat(done.rounds()).isEqualTo(4);
        assertThat(seen.subList(0, seen.size() - 1)).noneMatch(Snapshot::finished);
    }

    @Test
    void anInterruptCancelsIt() throws Exception {
        RecordingFrontEnds server = frontEnds();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().name("comparison-under-test").start(() -> {
            try {
                ProtocolComparison.run(
                        settings(1_000_000, 1),
                        target(channel(server.grpcPort()), server.restRoot()),
                        digit(),
                        s -> Thread.currentThread().interrupt());
                outcome.set(new AssertionError("it ran to the end"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        runner.join(30_000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aServerThatCannotBeReachedOverGrpcFailsWithTheClientsWords() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> ProtocolComparison.run(
                        new ProtocolComparison.Settings(3, 1, Duration.ofSeconds(2)),
                        target(channel(closed), URI.create("http://127.0.0.1:" + closed)),
                        digit(),
                        s -> {}))
                .isInstanceOf(PredictionException.class)
                .hasMessageContaining("test server");
    }

    @Test
    void aCallThatFailsAfterTheWarmUpIsCountedAsAnErrorWithItsMessage() throws Exception {
        RecordingFrontEnds server = frontEnds();
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        flaky.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // The warm-up round's two calls are answered as TensorFlow Serving does; every later one is refused.
            boolean answer = answered.incrementAndGet() <= 2;
            byte[] bytes = (answer
                            ? body.contains("instances") ? "{\"predictions\": [[1.0]]}" : "{\"outputs\": [[1.0]]}"
                            : "{\"error\": \"overloaded\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer ? 200 : 503, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        flaky.start();
        open.add(() -> flaky.stop(0));

        Snapshot done = ProtocolComparison.run(
                settings(3, 1),
                target(
                        channel(server.grpcPort()),
                        URI.create("http://127.0.0.1:" + flaky.getAddress().getPort())),
                digit(),
                s -> {});

        for (ProtocolCase c : List.of(ProtocolCase.REST_ROWS, ProtocolCase.REST_COLUMNS)) {
            assertThat(done.of(c).measured()).isTrue();
            assertThat(done.of(c).calls()).isZero();
            assertThat(done.of(c).errors()).isEqualTo(3);
            assertThat(done.of(c).firstError())
                    .contains("answered HTTP 503 Service Unavailable")
                    .contains("overloaded");
            assertThat(done.of(c).percentileMillis(50)).isNaN();
        }
        assertThat(done.of(ProtocolCase.GRPC_TENSOR_CONTENT).errors()).isZero();
        assertThat(done.of(ProtocolCase.GRPC_TENSOR_CONTENT).firstError()).isEmpty();
        assertThat(done.grpcShareOfRest()).isEmpty();
        assertThat(done.sentence()).isEqualTo("No call of gRPC tensor_content or REST rows was answered.");
    }

    @Test
    void theSentenceSaysWhichSideWasLeftOut() {
        Map<ProtocolCase, long[]> nanos = new EnumMap<>(ProtocolCase.class);
        for (ProtocolCase c : ProtocolCase.values()) {
            nanos.put(c, new long[] {1_000_000});
        }
        assertThat(snapshot(nanos, Map.of(ProtocolCase.GRPC_TENSOR_CONTENT, "No gRPC here."), true)
                        .sentence())
                .isEqualTo("gRPC tensor_content was left out: No gRPC here.");
        assertThat(snapshot(nanos, Map.of(ProtocolCase.REST_ROWS, "No rows here."), true)
                        .sentence())
                .isEqualTo("REST rows were left out: No rows here.");
        Snapshot noRest =
                snapshot(nanos, Map.of(ProtocolCase.REST_ROWS, "Closed.", ProtocolCase.REST_COLUMNS, "Closed."), true);
        assertThat(noRest.restLeftOut()).contains("Closed.");
        assertThat(noRest.sentence())
                .isEqualTo("REST was left out, so there is nothing to compare gRPC with: Closed. gRPC was measured.");
        Snapshot differently = snapshot(
                nanos, Map.of(ProtocolCase.REST_ROWS, "Rows refused.", ProtocolCase.REST_COLUMNS, "Closed."), true);
        assertThat(differently.restLeftOut()).contains("Rows refused. Closed.");
        assertThat(snapshot(nanos, Map.of(ProtocolCase.REST_ROWS, "Rows refused."), true)
                        .restLeftOut())
                .isEmpty();
        Map<ProtocolCase, long[]> none = new EnumMap<>(ProtocolCase.class);
        for (ProtocolCase c : ProtocolCase.values()) {
            none.put(c, new long[0]);
        }
        assertThat(snapshot(none, Map.of(), false).sentence()).isEqualTo("Measuring…");
        assertThat(snapshot(none, Map.of(), true).sentence())
                .isEqualTo("No call of gRPC tensor_content or REST rows was answered.");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 1, 1000, The number of calls must be at least 1, not 0.",
        "1, 0, 1000, At least one warm-up round is needed",
        "1, 1, 0, The timeout must be longer than zero."
    })
    void refusesSettingsThatMeasureNothing(int calls, int warmup, long timeoutMillis, String says) {
        assertThatThrownBy(() -> new ProtocolComparison.Settings(calls, warmup, Duration.ofMillis(timeoutMillis)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(says);
        assertThat(ProtocolComparison.Settings.defaults())
                .isEqualTo(new ProtocolComparison.Settings(200, 20, PredictionClient.DEFAULT_DEADLINE));
    }

    @Test
    void endpointsCloseWhatWasOpenedForThem() {
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        ProtocolComparison.Endpoints endpoints =
                new ProtocolComparison.Endpoints("s", null, URI.create("http://s:8501"), closed::incrementAndGet);
        ProtocolComparison.Target t = endpoints.target(PredictionClient.Options.model("m"));
        assertThat(t.server()).isEqualTo("s");
        assertThat(t.rest()).hasToString("http://s:8501");
        assertThat(t.options().model()).isEqualTo("m");

        endpoints.close();

        assertThat(closed).hasValue(1);
    }

    @Test
    void theSentenceComparesMediansOfTensorContentAndRestRows() {
        Map<ProtocolCase, long[]> nanos = new EnumMap<>(ProtocolCase.class);
        nanos.put(ProtocolCase.GRPC_TENSOR_CONTENT, new long[] {1_000_000, 2_000_000, 3_000_000});
        nanos.put(ProtocolCase.GRPC_FLOAT_VAL, new long[] {9_000_000, 9_000_000, 9_000_000});
        nanos.put(ProtocolCase.REST_ROWS, new long[] {4_000_000, 8_000_000, 12_000_000});
        nanos.put(ProtocolCase.REST_COLUMNS, new long[] {1_000_000, 1_000_000, 1_000_000});
        Snapshot s = snapshot(nanos);

        assertThat(s.grpcShareOfRest().orElseThrow()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.001));
        assertThat(s.sentence())
                .isEqualTo("Here, gRPC answered in 25% of REST's time (median of gRPC tensor_content against median"
                        + " of REST rows, 3 calls each).");
    }

    /** A finished snapshot with these latencies, every case measured. */
    static Snapshot snapshot(Map<ProtocolCase, long[]> nanos) {
        return snapshot(nanos, Map.of(), true);
    }

    /** A snapshot with these latencies, the cases of {@code leftOut} left out for the reasons given. */
    static Snapshot snapshot(Map<ProtocolCase, long[]> nanos, Map<ProtocolCase, String> leftOut, boolean finished) {
        List<CaseFigures> cases = new ArrayList<>();
        for (ProtocolCase c : ProtocolCase.values()) {
            org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
            long[] mine = leftOut.containsKey(c) ? new long[0] : nanos.get(c);
            for (long n : mine) {
                h.recordValue(n);
            }
            cases.add(new CaseFigures(
                    c,
                    java.util.Optional.ofNullable(leftOut.get(c)),
                    mine.length,
                    0,
                    "",
                    h,
                    mine,
                    100 + c.ordinal(),
                    10));
        }
        return new Snapshot("s", URI.create("http://s:8501"), "a digit", 1, 3, 3, cases, finished);
    }
}
