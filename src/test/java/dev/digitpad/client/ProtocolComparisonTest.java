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
                "200|application/json|{\"result\": 7}|without TensorFlow Serving's \"|{\"result\":7}"
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
        List<CaseFigures> cases = new ArrayList<>();
        for (ProtocolCase c : ProtocolCase.values()) {
            org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
            for (long n : nanos.get(c)) {
                h.recordValue(n);
            }
            cases.add(new CaseFigures(
                    c, java.util.Optional.empty(), nanos.get(c).length, 0, "", h, nanos.get(c), 100 + c.ordinal(), 10));
        }
        return new Snapshot("s", URI.create("http://s:8501"), "a digit", 1, 3, 3, cases, true);
    }
}
