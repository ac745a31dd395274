package dev.digitpad.client;

import dev.digitpad.contract.ModelContract;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@link OcclusionMap}s through {@code Predict} alone, so that any TensorFlow Serving compatible server can
 * answer: copies of the 28x28 input, each with a {@value #PATCH}x{@value #PATCH} patch blanked to the background at
 * a stride of {@value #STRIDE} pixels (13x13 positions), and the input itself, are sent in batched calls. A patch
 * that is all background already is not sent: blanking it changes nothing, so its drop is zero.
 *
 * <p>Batches start at {@value #FIRST_BATCH} images. A server with batching refuses a request larger than its {@code
 * max_batch_size} with {@code INVALID_ARGUMENT} "Task size N is larger than maximum input batch size M" (TensorFlow
 * Serving and DigitPad's own say so alike): the mapper then sends at most M images a call, and remembers it for its
 * later maps. Every call has the client's deadline; {@code cancelled} is asked before each call, and a thread
 * interrupted in a call cancels that call.
 */
public final class OcclusionMapper {
    private static final Logger LOG = LoggerFactory.getLogger(OcclusionMapper.class);
    /** The side of a blanked patch, in pixels. */
    public static final int PATCH = 4;
    /** The step between neighbouring patches, in pixels. */
    public static final int STRIDE = 2;
    /**
     * The value of a blanked pixel: the model's input is ink bright on a background of 0, as MNIST's (and as
     * DigitPad's preprocessing makes it).
     */
    public static final float BACKGROUND = 0f;
    /** The images sent in one call until a server says it takes fewer. */
    public static final int FIRST_BATCH = 64;

    private static final int SIDE = ModelContract.SIDE;
    /** Patch positions along an axis: 0, 2, ... 24, so that the last patch ends at the last pixel. */
    private static final int POSITIONS = (SIDE - PATCH) / STRIDE + 1;

    private static final Pattern LIMIT = Pattern.compile("maximum input batch size (\\d+)");

    private final PredictionClient client;
    private volatile int batchRows;

    public OcclusionMapper(PredictionClient client) {
        this(client, FIRST_BATCH);
    }

    /** @param batchRows the images sent in one call, at most, until a server says it takes fewer */
    public OcclusionMapper(PredictionClient client, int batchRows) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("a batch holds at least one image, not " + batchRows);
        }
        this.client = client;
        this.batchRows = batchRows;
    }

    /** The images this mapper sends in one call, at most: the first batch size, or a server's limit once learnt. */
    public int batchRows() {
        return batchRows;
    }

    /**
     * The occlusion map of {@code input} (784 values, row-major, ink bright on a background of 0).
     *
     * @param cancelled asked before each call; when it says true the map is given up
     * @throws CancellationException when cancelled, or interrupted in a call
     * @throws PredictionException when a call fails (with the client's message)
     */
    public OcclusionMap map(float[] input, BooleanSupplier cancelled) {
        if (input.length != ModelContract.PIXELS) {
            throw new IllegalArgumentException("An image for the model has " + ModelContract.PIXELS + " values (" + SIDE
                    + "x" + SIDE + "), not " + input.length + ".");
        }
        long started = System.nanoTime();
        List<int[]> sent = new ArrayList<>(); // the patches sent, by their top-left corner
        List<float[]> images = new ArrayList<>();
        images.add(input.clone());
        for (int r = 0; r < POSITIONS; r++) {
            for (int c = 0; c < POSITIONS; c++) {
                int top = r * STRIDE;
                int left = c * STRIDE;
                if (hasInk(input, top, left)) {
                    sent.add(new int[] {top, left});
                    images.add(blanked(input, top, left));
                }
            }
        }
        int[] calls = {0};
        List<Prediction> answers = predictAll(images, cancelled, calls);
        float[] baseline = answers.get(0).probabilities();
        float[][] sums = new float[ModelInterface.CLASSES][ModelContract.PIXELS];
        for (int i = 0; i < sent.size(); i++) {
            float[] p = answers.get(i + 1).probabilities();
            int top = sent.get(i)[0];
            int left = sent.get(i)[1];
            for (int k = 0; k < ModelInterface.CLASSES; k++) {
                float drop = baseline[k] - p[k];
                for (int y = top; y < top + PATCH; y++) {
                    for (int x = left; x < left + PATCH; x++) {
                        sums[k][y * SIDE + x] += drop;
                    }
                }
            }
        }
        for (int y = 0; y < SIDE; y++) {
            int across = covering(y);
            for (int x = 0; x < SIDE; x++) {
                int patches = across * covering(x); // patches not sent count too: their drop is zero
                for (float[] map : sums) {
                    map[y * SIDE + x] /= patches;
                }
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        LOG.debug("Occlusion map: {} images in {} calls, {} ms", images.size(), calls[0], elapsed.toMillis());
        return new OcclusionMap(baseline, sums, calls[0], images.size(), elapsed);
    }

    /** Predicts {@code images} in calls of at most {@link #batchRows} images, learning a server's limit on the way. */
    private List<Prediction> predictAll(List<float[]> images, BooleanSupplier cancelled, int[] calls) {
        List<Prediction> answers = new ArrayList<>(images.size());
        int from = 0;
        while (from < images.size()) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("the occlusion map was cancelled");
            }
            int rows = batchRows;
            int to = Math.min(images.size(), from + rows);
            List<Prediction> batch;
            try {
                batch = client.predictBatch(images.subList(from, to));
            } catch (PredictionException e) {
                if (e.code() == Status.Code.CANCELLED) {
                    throw cancelled(e);
                }
                int limit = serverLimit(e);
                if (limit < 1 || limit >= to - from) {
                    throw e;
                }
                LOG.debug("The server takes at most {} images a call; sending batches of {}", limit, limit);
                batchRows = Math.min(batchRows, limit);
                continue;
            }
            calls[0]++;
            answers.addAll(batch);
            from = to;
        }
        return answers;
    }

    private static CancellationException cancelled(PredictionException e) {
        CancellationException c = new CancellationException("the occlusion map was cancelled in a call");
        c.initCause(e);
        return c;
    }

    /** The largest batch a server said it takes, from its refusal; 0 when the refusal is about something else. */
    static int serverLimit(PredictionException e) {
        if (e.code() != Status.Code.INVALID_ARGUMENT || e.getMessage() == null) {
            return 0;
        }
        Matcher m = LIMIT.matcher(e.getMessage());
        if (!m.find()) {
            return 0;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException tooLarge) {
            return 0;
        }
    }

    /** How many patches cover pixel {@code i} along one axis. */
    private static int covering(int i) {
        int n = 0;
        for (int p = 0; p < POSITIONS; p++) {
            int start = p * STRIDE;
            if (i >= start && i < start + PATCH) {
                n++;
            }
        }
        return n;
    }

    private static boolean hasInk(float[] input, int top, int left) {
        for (int y = top; y < top + PATCH; y++) {
            for (int x = left; x < left + PATCH; x++) {
                if (input[y * SIDE + x] != BACKGROUND) {
                    return true;
                }
            }
        }
        return false;
    }

    private static float[] blanked(float[] input, int top, int left) {
        float[] copy = input.clone();
        for (int y = top; y < top + PATCH; y++) {
            for (int x = left; x < left + PATCH; x++) {
                copy[y * SIDE + x] = BACKGROUND;
            }
        }
        return copy;
    }
}
