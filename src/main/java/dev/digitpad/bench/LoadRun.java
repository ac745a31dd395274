package dev.digitpad.bench;

import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.bench.LoadClients.Example;
import dev.digitpad.client.ProtocolCase;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.inference.BatchScheduler;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.SessionThreads;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingStack;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The load test behind {@code digitpad loadtest}: the model server started in this process on real loopback
 * ports, driven by closed-loop gRPC and REST clients for each case and concurrency, then once more with
 * batching on, all in one run so that every ratio compares figures measured side by side.
 */
public final class LoadRun {
    private static final Logger log = LoggerFactory.getLogger(LoadRun.class);
    static final String MODEL = "loadtest";

    /**
     * What to measure.
     *
     * @param warmupRoundLimit how long each case of a warm-up round may go on after {@code warmup} while the JIT
     *     compilers are busy; zero for warm-up rounds of {@code warmup} alone
     * @param batchingConcurrency the concurrency of the runs with batching; 0 for none
     */
    public record Settings(
            Path modelBasePath,
            SessionThreads threads,
            List<Integer> concurrency,
            Duration warmup,
            Duration warmupRoundLimit,
            Duration length,
            List<ProtocolCase> cases,
            int batchingConcurrency,
            BatchingOptions batching) {}

    /**
     * One measurement.
     *
     * @param rowsPerBatch examples per batch run, on average, with batching; NaN without
     */
    public record Row(ProtocolCase loadCase, boolean batched, Figures figures, double rowsPerBatch) {
        public int concurrency() {
            return figures.concurrency();
        }
    }

    /** What the run measured with, for the report. */
    record Setup(
            String model,
            String input,
            Map<ProtocolCase, Integer> requestBytes,
            int cores,
            String java,
            String command) {}

    /**
     * @param warmupRounds the round of every case after each server start, before anything is measured: not
     *     figures to read, but their failures count as much as any
     */
    public record Results(Settings settings, Setup setup, List<Row> rows, List<Figures> warmupRounds) {}

    private LoadRun() {}

    /** The advice that ends the refusal of a model that did not load, for a measuring command. */
    static String pointAtModel(Path base) {
        return "Point --model_base_path at a folder of numbered SavedModel versions, such as "
                + base.resolve("1").resolve("saved_model.pb") + ".";
    }

    /**
     * The server as {@code digitpad serve} runs it by default, each model version's runs bounded, on loopback ports
     * both chosen free, with the model loaded before the ports open: a measuring command cannot wait for one to
     * appear, as {@code serve} does.
     */
    private static ServingStack.Options served(Settings settings) {
        return ServingStack.Options.savedModels(MODEL, settings.modelBasePath(), settings.threads())
                .withRunBound(RunAdmission.Options.defaults())
                .withNetwork(new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        -1,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30)))
                .loadingFirst(pointAtModel(settings.modelBasePath()));
    }

    public static Results run(Settings settings, String command) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        List<Figures> warmups = new ArrayList<>();
        Setup setup;
        try (ServingStack served = ServingStack.start(served(settings))) {
            Example example = example(served.defaultSignature(MODEL, "the load test"));
            try (LoadClients clients = clients(served, example)) {
                setup = setup(settings, example, clients, command);
                // At the lowest concurrency too: an idle server runs a call on its network thread, a busy one does not,
                // and code compiled for one way alone is recompiled when the other comes.
                for (int c : new java.util.TreeSet<>(List.of(minConcurrency(settings), maxConcurrency(settings)))) {
                    warmups.addAll(warmupRound(settings, clients, "", c));
                }
                for (int c : settings.concurrency()) {
                    for (ProtocolCase loadCase : settings.cases()) {
                        rows.add(measure(settings, clients, loadCase, c, null));
                    }
                }
            }
        }
        if (settings.batchingConcurrency() > 0) {
            log.info("Now with batching: {}", settings.batching().describe());
            // Batching in front of the run bound, as `digitpad serve` puts it.
            try (ServingStack served = ServingStack.start(served(settings).withBatching(settings.batching()));
                    LoadClients clients = clients(served, example(served.defaultSignature(MODEL, "the load test")))) {
                BatchScheduler scheduler = served.batchScheduler().orElseThrow();
                warmups.addAll(warmupRound(settings, clients, ", batched", settings.batchingConcurrency()));
                for (ProtocolCase loadCase : settings.cases()) {
                    rows.add(measure(settings, clients, loadCase, settings.batchingConcurrency(), scheduler));
                }
            }
        }
        return new Results(settings, setup, List.copyOf(rows), List.copyOf(warmups));
    }

    private static LoadClients clients(ServingStack served, Example example) {
        return new LoadClients(
                ModelServer.Options.LOOPBACK,
                served.grpcPort(),
                served.restPort().orElseThrow(),
                MODEL,
                example);
    }

    /**
     * Every case once, unmeasured, right after a server starts: the first calls of each path (class loading, the
     * JIT, TensorFlow's first runs) would otherwise slow whichever case happens to be measured first. Each case goes on
     * after the warm-up's length while the JIT compilers are busy (see {@link JitActivity}), up to the round's limit.
     */
    private static List<Figures> warmupRound(Settings settings, LoadClients clients, String suffix, int concurrency)
            throws InterruptedException {
        List<Figures> out = new ArrayList<>();
        for (ProtocolCase loadCase : settings.cases()) {
            Figures round = ClosedLoop.measure(
                    loadCase.label() + suffix + " (warm-up round)",
                    concurrency,
                    ClosedLoop.Warmup.untilJitQuiet(
                            settings.warmup(), settings.warmup().plus(settings.warmupRoundLimit())),
                    Duration.ZERO,
                    client -> clients.call(loadCase));
            log.info(String.format(
                    Locale.ROOT,
                    "Warm-up round%s at concurrency %d: %s for %.1f s",
                    suffix,
                    concurrency,
                    loadCase.label(),
                    round.warmupSeconds()));
            out.add(round);
        }
        return out;
    }

    private static int minConcurrency(Settings settings) {
        return settings.concurrency().stream().mapToInt(Integer::intValue).min().orElse(1);
    }

    private static int maxConcurrency(Settings settings) {
        return settings.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    private static Row measure(
            Settings settings, LoadClients clients, ProtocolCase loadCase, int concurrency, BatchScheduler scheduler)
            throws InterruptedException {
        String what = loadCase.label() + (scheduler == null ? "" : ", batched");
        BatchScheduler.Stats before = scheduler == null ? null : scheduler.stats();
        Figures figures = ClosedLoop.measure(
                what, concurrency, settings.warmup(), settings.length(), client -> clients.call(loadCase));
        // The warm-up's batches are counted too: the average is over the whole run of this case.
        double rowsPerBatch =
                scheduler == null ? Double.NaN : scheduler.stats().since(before).meanRowsPerBatch();
        log.info(String.format(
                Locale.ROOT,
                "%-36s concurrency %3d: %,8.0f predictions/s, p50 %.2f ms, p99 %.2f ms, %d errors%s",
                what,
                concurrency,
                figures.perSecond(),
                figures.percentileMillis(50),
                figures.percentileMillis(99),
                figures.errors(),
                Double.isNaN(rowsPerBatch)
                        ? ""
                        : String.format(Locale.ROOT, ", %.1f examples per batch", rowsPerBatch)));
        return new Row(loadCase, scheduler != null, figures, rowsPerBatch);
    }

    private static Setup setup(Settings settings, Example example, LoadClients clients, String command) {
        Map<ProtocolCase, Integer> bytes = new EnumMap<>(ProtocolCase.class);
        bytes.put(ProtocolCase.GRPC_TENSOR_CONTENT, clients.contentRequestBytes);
        bytes.put(ProtocolCase.GRPC_FLOAT_VAL, clients.floatValRequestBytes);
        bytes.put(ProtocolCase.REST_ROWS, clients.rowsBodyBytes);
        bytes.put(ProtocolCase.REST_COLUMNS, clients.columnsBodyBytes);
        return new Setup(
                settings.modelBasePath() + " (signature " + Servable.DEFAULT_SIGNATURE + ")",
                example.description(),
                bytes,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                command);
    }

    /**
     * One example for the signature, batch 1: for a model that takes one 28x28 image (784 floats), a digit drawn
     * on a 280x280 canvas and normalised as DigitPad sends it; for any other float inputs, seeded random values in
     * [0, 1).
     */
    public static Example example(SignatureDef signature) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> dims = new LinkedHashMap<>();
        for (Map.Entry<String, TensorInfo> e : signature.getInputsMap().entrySet()) {
            if (e.getValue().getDtype() != DataType.DT_FLOAT
                    || e.getValue().getTensorShape().getUnknownRank()) {
                throw new IllegalArgumentException("the load test needs float inputs of known rank; input \""
                        + e.getKey() + "\" is " + e.getValue().getDtype());
            }
            long[] shape = e.getValue().getTensorShape().getDimList().stream()
                    .mapToLong(TensorShapeProto.Dim::getSize)
                    .map(d -> d < 0 ? 1 : d)
                    .toArray();
            dims.put(e.getKey(), shape);
        }
        String shapes = dims.entrySet().stream()
                .map(e -> e.getKey() + " " + java.util.Arrays.toString(e.getValue()))
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
        if (dims.size() == 1 && elements(dims.values().iterator().next()) == ModelContract.PIXELS) {
            float[] digit =
                    MnistNormalizer.normalize(canvasWithDigit()).pixels().orElseThrow();
            values.put(dims.keySet().iterator().next(), digit);
            return new Example(
                    values,
                    dims,
                    signature.getOutputsCount(),
                    "one 28x28 digit drawn on a 280x280 canvas, as DigitPad sends it: " + shapes + " float");
        }
        Random random = new Random(42);
        dims.forEach((key, shape) -> {
            float[] v = new float[Math.toIntExact(elements(shape))];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextFloat();
            }
            values.put(key, v);
        });
        return new Example(
                values, dims, signature.getOutputsCount(), "seeded random values in [0, 1): " + shapes + " float");
    }

    private static long elements(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** A 280x280 canvas, as the app's, with a thick-pen stroke on it. */
    public static BufferedImage canvasWithDigit() {
        BufferedImage canvas = new BufferedImage(280, 280, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 280, 280);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(20, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawPolyline(new int[] {70, 200, 120}, new int[] {60, 60, 230}, 3);
        } finally {
            g.dispose();
        }
        return canvas;
    }
}
