package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.ProtocolComparison;
import dev.digitpad.client.RestPredict;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.testing.RecordingFrontEnds;
import dev.digitpad.testing.ServingFixture;
import dev.digitpad.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The comparison's view model against a recording server on loopback ports, its work and its reports run in the
 * caller's thread: the REST address it proposes and keeps, the table and the sentence it shows, and the reasons it
 * gives.
 */
class CompareViewModelTest {
    @RegisterExtension
    static final ServingFixture serving = ServingFixture.inProcess().version("mnist", 1, TestModels.Kind.MNIST);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicReference<ServerSettings> inUse = new AtomicReference<>();
    private final AtomicReference<Optional<float[]>> digit =
            new AtomicReference<>(Optional.of(TestModels.imageWithRow(9, 12f)));
    private final List<String> restAsked = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private CompareViewModel vm(int grpcPort) {
        CompareConnector connector = (settings, rest) -> {
            restAsked.add(rest);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
                    .usePlaintext()
                    .build();
            return new ProtocolComparison.Endpoints(settings.address(), channel, RestPredict.parseAddress(rest), () -> {
                channel.shutdownNow();
                try {
                    channel.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        };
        return new CompareViewModel(connector, Runnable::run, Runnable::run, digit::get, inUse::get);
    }

    private static ServerSettings remote(String address) {
        return new ServerSettings(false, address, "mnist", "", false, "", "", "", VersionChoice.LATEST);
    }

    private RecordingFrontEnds server() throws Exception {
        RecordingFrontEnds s = RecordingFrontEnds.start(serving.core());
        open.add(s);
        return s;
    }

    @Test
    void proposesTheRemoteHostOnPort8501AndKeepsWhatWasTypedForThatServer() {
        CompareViewModel vm = vm(1);
        inUse.set(remote("models.example.org:9000"));
        vm.prepare();
        assertThat(vm.remoteProperty().get()).isTrue();
        assertThat(vm.restAddressProperty().get()).isEqualTo("http://models.example.org:8501");

        vm.restAddressProperty().set("http://models.example.org:8080");
        vm.prepare();
        assertThat(vm.restAddressProperty().get()).isEqualTo("http://models.example.org:8080");

        inUse.set(remote("other.example.org:8500"));
        vm.prepare();
        assertThat(vm.restAddressProperty().get()).isEqualTo("http://other.example.org:8501");

        inUse.set(ServerSettings.EMBEDDED);
        vm.prepare();
        assertThat(vm.remoteProperty().get()).isFalse();
        assertThat(vm.serverProperty().get()).startsWith("The embedded server, on its own loopback ports");
    }

    @Test
    void showsEachCasesFiguresAndTheSentence() throws Exception {
        RecordingFrontEnds server = server();
        CompareViewModel vm = vm(server.grpcPort());
        inUse.set(remote("127.0.0.1:" + server.grpcPort()));
        vm.prepare();
        vm.restAddressProperty().set(server.restRoot().toString());
        vm.callsProperty().set(3);

        vm.start();

        assertThat(vm.runningProperty().get()).isFalse();
        assertThat(restAsked).containsExactly(server.restRoot().toString());
        assertThat(vm.statusProperty().get()).startsWith("Done: 3 rounds on 127.0.0.1:");
        assertThat(vm.rowsProperty().get())
                .extracting(CompareViewModel.Row::name, CompareViewModel.Row::calls, CompareViewModel.Row::errors)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("gRPC tensor_content", "3", "0"),
                        org.assertj.core.groups.Tuple.tuple("gRPC float_val", "3", "0"),
                        org.assertj.core.groups.Tuple.tuple("REST rows (instances)", "3", "0"),
                        org.assertj.core.groups.Tuple.tuple("REST columns (inputs)", "3", "0"));
        ProtocolComparison.Snapshot s = vm.snapshotProperty().get();
        assertThat(vm.rowsProperty().get().get(2).requestBytes())
                .isEqualTo(String.format(
                        java.util.Locale.ROOT, "%,d", s.cases().get(2).requestBytes()));
        assertThat(vm.sentenceProperty().get()).isEqualTo(s.sentence()).startsWith("Here, gRPC answered in ");
        assertThat(vm.leftOutProperty().get()).isEmpty();
        assertThat(vm.chartProperty().get()).isNotNull();
    }

    @Test
    void withTheRestPortClosedItShowsGrpcAndWhyRestWasLeftOut() throws Exception {
        RecordingFrontEnds server = server();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CompareViewModel vm = vm(server.grpcPort());
        inUse.set(remote("127.0.0.1:" + server.grpcPort()));
        vm.prepare();
        vm.restAddressProperty().set("127.0.0.1:" + closed);
        vm.callsProperty().set(2);

        vm.start();

        assertThat(vm.rowsProperty().get().get(0).calls()).isEqualTo("2");
        assertThat(vm.rowsProperty().get().get(2).calls()).isEqualTo("left out");
        // The sentence gives the reason; it is not repeated below it.
        assertThat(vm.leftOutProperty().get()).isEmpty();
        assertThat(vm.sentenceProperty().get())
                .contains("Nothing answers at http://127.0.0.1:" + closed + " (connection refused)");
        assertThat(vm.sentenceProperty().get()).startsWith("REST was left out, so there is nothing to compare gRPC");
    }

    @Test
    void listsEachReasonOnceWithTheCasesItLeftOutUnlessTheSentenceGivesIt() {
        java.util.List<dev.digitpad.client.ProtocolComparison.CaseFigures> cases = new ArrayList<>();
        for (dev.digitpad.client.ProtocolCase c : dev.digitpad.client.ProtocolCase.values()) {
            Optional<String> why = switch (c) {
                case GRPC_TENSOR_CONTENT -> Optional.empty();
                case GRPC_FLOAT_VAL -> Optional.of("float_val refused.");
                case REST_ROWS, REST_COLUMNS -> Optional.of("HTTP 404.");
            };
            org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
            long[] nanos = why.isPresent() ? new long[0] : new long[] {1_000_000};
            for (long n : nanos) {
                h.recordValue(n);
            }
            cases.add(new dev.digitpad.client.ProtocolComparison.CaseFigures(
                    c, why, nanos.length, 0, "", h, nanos, 10, 10));
        }
        ProtocolComparison.Snapshot s = new ProtocolComparison.Snapshot(
                "s", java.net.URI.create("http://s:8501"), "a digit", 1, 1, 1, cases, true);

        assertThat(s.sentence()).contains("HTTP 404.");
        assertThat(CompareViewModel.leftOutText(s)).isEqualTo("gRPC float_val left out: float_val refused.");
    }

    @Test
    void aRestAddressThatIsNotOneIsRefusedBeforeAnythingIsSent() {
        CompareViewModel vm = vm(1);
        inUse.set(remote("models.example.org:8500"));
        vm.prepare();
        vm.restAddressProperty().set("ftp://models.example.org");

        vm.start();

        assertThat(restAsked).isEmpty();
        assertThat(vm.runningProperty().get()).isFalse();
        assertThat(vm.statusProperty().get()).contains("is not a REST address").contains("http://localhost:8501");
    }

    @Test
    void withoutADigitItAsksForOne() {
        CompareViewModel vm = vm(1);
        digit.set(Optional.empty());
        inUse.set(ServerSettings.EMBEDDED);
        vm.prepare();

        vm.start();

        assertThat(restAsked).isEmpty();
        assertThat(vm.statusProperty().get())
                .isEqualTo("Draw a digit first: the comparison sends the digit on the pad.");
    }

    @Test
    void aServerThatCannotBeReachedSaysSo() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CompareViewModel vm = vm(closed);
        inUse.set(remote("127.0.0.1:" + closed));
        vm.prepare();
        vm.callsProperty().set(2);

        vm.start();

        assertThat(vm.runningProperty().get()).isFalse();
        assertThat(vm.statusProperty().get())
                .startsWith("The comparison could not run: ")
                .contains("127.0.0.1:" + closed);
        assertThat(vm.rowsProperty().get()).isEmpty();
    }
}
