package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.inference.BatchScheduler;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.server.ServingCore;
import dev.digitpad.testing.CallRecorder;
import dev.digitpad.testing.InProcessServing;
import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The occlusion map through a real server: a model that looks at one quadrant lights up that quadrant alone, the
 * images go in batches no larger than the server's batching limit, which the mapper learns from the server's refusal,
 * and every patch position is sent once.
 */
class OcclusionMapperTest {
    private static final int SIDE = TestModels.SIDE;
    /** DigitPad's server with batching, allowing at most this many images a request. */
    private static final int MAX_BATCH = 16;

    @TempDir
    static Path models;

    private static ModelManager plain;
    private static InProcessServing plainServer;
    private static BatchScheduler scheduler;
    private static ModelManager batched;
    private static CallRecorder recorder;
    private static InProcessServing batchedServer;

    @BeforeAll
    static void start() throws Exception {
        TestModels.writeVersion(models.resolve("quadrant"), 1, TestModels.Kind.QUADRANT);
        ModelConfig quadrant = new ModelConfig("quadrant", models.resolve("quadrant"));
        plain = TestModels.loaded(quadrant);
        plainServer = InProcessServing.start(new ServingCore(plain));
        scheduler = new BatchScheduler(new BatchingOptions(MAX_BATCH, 1_000, 100, 1));
        recorder = new CallRecorder(() -> null);
        // The recorder in front of batching: it sees each request as it came, the refused one too.
        batched = new ModelManager(
                List.of(quadrant), recorder.around(scheduler.batching(ServableLoader.savedModels())), Duration.ZERO);
        batched.pollNow();
        batchedServer = InProcessServing.start(new ServingCore(batched));
    }

    @AfterAll
    static void stop() throws Exception {
        for (InProcessServing s : new InProcessServing[] {plainServer, batchedServer}) {
            if (s != null) {
                s.close();
            }
        }
        if (scheduler != null) {
            scheduler.close();
        }
        for (ModelManager m : new ModelManager[] {plain, batched}) {
            if (m != null) {
                m.close();
            }
        }
    }

    private static PredictionClient client(InProcessServing server) {
        return new PredictionClient(
                server.channel(), "test server", PredictionClient.Options.model("quadrant"), new MetadataCache());
    }

    private static boolean inQuadrant(int pixel) {
        return pixel / SIDE < TestModels.QUADRANT && pixel % SIDE < TestModels.QUADRANT;
    }

    /**
     * Whether a patch that reaches into the quadrant covers the pixel: patches start every 2 pixels and are 4 wide, so
     * the one at 12 covers 12-15, two pixels past the quadrant's edge.
     */
    private static boolean nearQuadrant(int pixel) {
        int reach = TestModels.QUADRANT + OcclusionMapper.PATCH - OcclusionMapper.STRIDE;
        return pixel / SIDE < reach && pixel % SIDE < reach;
    }

    @Test
    void aModelThatLooksAtOneQuadrantLightsUpThatQuadrantAlone() {
        OcclusionMap map = new OcclusionMapper(client(plainServer)).map(TestModels.uniformImage(1f), () -> false);

        assertThat(map.topDigit()).isZero();
        float[] zero = map.of(0);
        float[] one = map.of(1);
        for (int i = 0; i < TestModels.PIXELS; i++) {
            if (inQuadrant(i)) {
                // Blanking ink there lowers digit 0's probability (evidence for it) and raises the others'.
                assertThat(zero[i]).as("digit 0 at pixel %d", i).isGreaterThan(1e-3f);
                assertThat(one[i]).as("digit 1 at pixel %d", i).isLessThan(0f);
            } else if (!nearQuadrant(i)) {
                assertThat(zero[i]).as("digit 0 at pixel %d", i).isCloseTo(0f, within(1e-6f));
                assertThat(one[i]).as("digit 1 at pixel %d", i).isCloseTo(0f, within(1e-6f));
            }
        }
        // 169 patch positions and the image itself, in batches of 64.
        assertThat(map.rows()).isEqualTo(13 * 13 + 1);
        assertThat(map.calls()).isEqualTo(3);
    }

    @Test
    void theDropIsTheMeanOverThePatchesThatCoverAPixel() {
        // Ink only in pixel (0, 0): one patch covers it. Blanking it leaves a quadrant of zeros, logits all 0.
        float[] image = new float[TestModels.PIXELS];
        image[0] = 1f;
        OcclusionMap map = new OcclusionMapper(client(plainServer)).map(image, () -> false);

        double logit = TestModels.QUADRANT_WEIGHT / (TestModels.QUADRANT * TestModels.QUADRANT);
        double before = Math.exp(logit) / (Math.exp(logit) + 9);
        assertThat(map.baseline()[0]).isCloseTo((float) before, within(1e-6f));
        // Pixels (0..1, 0..1) have one patch, (0..1, 2..3) two: the same drop averaged with a zero.
        assertThat(map.of(0)[0]).isCloseTo((float) (before - 0.1), within(1e-6f));
        assertThat(map.of(0)[SIDE + 1]).isCloseTo((float) (before - 0.1), within(1e-6f));
        assertThat(map.of(0)[2]).isCloseTo((float) (before - 0.1) / 2, within(1e-6f));
        assertThat(map.of(0)[2 * SIDE + 2]).isCloseTo((float) (before - 0.1) / 4, within(1e-6f));
        assertThat(map.of(0)[4]).isZero();
        // Only the patch with ink was sent, with the image itself: one call of two images.
        assertThat(map.rows()).isEqualTo(2);
        assertThat(map.calls()).isEqualTo(1);
    }

    @Test
    void batchesNeverExceedTheServersLimitOnceRefusedAndEveryPositionIsSentOnce() {
        OcclusionMapper mapper = new OcclusionMapper(client(batchedServer));
        int before = recorder.calls().size();
        OcclusionMap map = mapper.map(TestModels.uniformImage(1f), () -> false);

        List<CallRecorder.Call> calls =
                recorder.calls().subList(before, recorder.calls().size());
        List<Integer> rows = calls.stream().map(OcclusionMapperTest::rows).toList();
        // The first request, of 64, was refused by the server ("larger than maximum input batch size 16"); the rest
        // are no larger than 16.
        assertThat(rows.getFirst()).isEqualTo(OcclusionMapper.FIRST_BATCH);
        assertThat(rows.subList(1, rows.size())).allSatisfy(n -> assertThat(n).isBetween(1, MAX_BATCH));
        assertThat(mapper.batchRows()).isEqualTo(MAX_BATCH);
        assertThat(map.calls()).isEqualTo(rows.size() - 1).isEqualTo((13 * 13 + 1 + MAX_BATCH - 1) / MAX_BATCH);

        // Every image answered: the unchanged one once, and each of the 169 patch positions once.
        Map<String, Integer> seen = new HashMap<>();
        for (CallRecorder.Call call : calls.subList(1, calls.size())) {
            for (float[] image : images(call)) {
                seen.merge(blankedPatch(image), 1, Integer::sum);
            }
        }
        assertThat(seen)
                .hasSize(13 * 13 + 1)
                .allSatisfy((patch, times) -> assertThat(times).as(patch).isEqualTo(1));
        assertThat(seen).containsKeys("none", "0,0", "24,24", "12,2");

        // The same map through the limit and without it.
        OcclusionMap unbatched = new OcclusionMapper(client(plainServer)).map(TestModels.uniformImage(1f), () -> false);
        for (int k = 0; k < 10; k++) {
            float[] expected = unbatched.of(k);
            float[] actual = map.of(k);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(1e-6f));
            }
        }

        // The limit is remembered: the next map sends no request over it.
        int next = recorder.calls().size();
        mapper.map(TestModels.uniformImage(0.5f), () -> false);
        assertThat(recorder.calls().subList(next, recorder.calls().size()))
                .isNotEmpty()
                .allSatisfy(c -> assertThat(rows(c)).isLessThanOrEqualTo(MAX_BATCH));
    }

    @Test
    void aCancelBetweenBatchesStopsTheMap() {
        OcclusionMapper mapper = new OcclusionMapper(client(batchedServer), MAX_BATCH);
        int before = recorder.calls().size();
        AtomicInteger asked = new AtomicInteger();

        assertThatThrownBy(() -> mapper.map(TestModels.uniformImage(1f), () -> asked.incrementAndGet() > 2))
                .isInstanceOf(CancellationException.class);
        assertThat(recorder.calls().size() - before).isEqualTo(2);
    }

    @Test
    void aFailureThatIsNotTheBatchLimitIsTheClientsError() {
        PredictionClient wrongModel = new PredictionClient(
                plainServer.channel(), "test server", PredictionClient.Options.model("no-such"), new MetadataCache());

        assertThatThrownBy(() -> new OcclusionMapper(wrongModel).map(TestModels.uniformImage(1f), () -> false))
                .isInstanceOfSatisfying(
                        PredictionException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void theLimitIsReadFromTheServersRefusalAlone() {
        assertThat(OcclusionMapper.serverLimit(new PredictionException(
                        Status.Code.INVALID_ARGUMENT,
                        "s refused the request: Task size 64 is larger than maximum input batch size 16")))
                .isEqualTo(16);
        assertThat(OcclusionMapper.serverLimit(
                        new PredictionException(Status.Code.INVALID_ARGUMENT, "s refused the request: wrong shape")))
                .isZero();
        assertThat(OcclusionMapper.serverLimit(new PredictionException(
                        Status.Code.UNAVAILABLE, "Task size 64 is larger than maximum input batch size 16")))
                .isZero();
        assertThat(OcclusionMapper.serverLimit(new PredictionException(
                        Status.Code.INVALID_ARGUMENT, "maximum input batch size 99999999999999")))
                .isZero();
        assertThatThrownBy(() -> new OcclusionMapper(client(plainServer), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OcclusionMapper(client(plainServer)).map(new float[10], () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("784");
    }

    private static int rows(CallRecorder.Call call) {
        return (int) Tensors.dims(call.inputs().values().iterator().next())[0];
    }

    private static List<float[]> images(CallRecorder.Call call) {
        float[] all = Tensors.floats(call.inputs().values().iterator().next());
        List<float[]> images = new ArrayList<>();
        for (int r = 0; r < all.length / TestModels.PIXELS; r++) {
            images.add(Tensors.slice(all, r, TestModels.PIXELS));
        }
        return images;
    }

    /** "top,left" of the patch of zeros in an image of ones, or "none"; fails on any other image. */
    private static String blankedPatch(float[] image) {
        int top = -1;
        int left = -1;
        for (int i = 0; i < image.length && top < 0; i++) {
            if (image[i] == 0f) {
                top = i / SIDE;
                left = i % SIDE;
            }
        }
        for (int i = 0; i < image.length; i++) {
            int y = i / SIDE;
            int x = i % SIDE;
            boolean inPatch = top >= 0
                    && y >= top
                    && y < top + OcclusionMapper.PATCH
                    && x >= left
                    && x < left + OcclusionMapper.PATCH;
            assertThat(image[i]).as("pixel %d", i).isEqualTo(inPatch ? 0f : 1f);
        }
        return top < 0 ? "none" : top + "," + left;
    }
}
