package dev.digitpad.dataset;

import dev.digitpad.imaging.InkExtractor;
import dev.digitpad.imaging.InkImage;
import java.awt.Font;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Pictures that are not digits, for training a model to be unsure of them (outlier exposure) and
 * for measuring how unsure it is. Every picture is made the way the app gets one (drawn with the
 * pad's round black pen on its 280x280 white canvas, or made as an image that is dropped on the
 * pad) and goes through the app's own normaliser ({@link Presentation#normalise}), so the model
 * sees it exactly as it would in the app. Pictures the normaliser finds empty are made again.
 *
 * <p>Picture {@code i} of a set depends only on (seed, set, i), so a set is the same whatever the
 * thread scheduling, and generation runs in parallel.
 *
 * <p><b>Training kinds</b> ({@link #training}): letters and symbols whose shapes are not a
 * digit's ({@link #TRAINING_LETTERS}, typeset in two of every three installed font families, or
 * their skeletons re-drawn with a pen, or scanned at low resolution); pen scribbles; geometric
 * shapes (triangles, squares, diamonds, polygons, stars, crosses, hearts, houses; never circles or
 * ellipses, which are zeros); hatching; filled blobs and splats; random straight strokes (never a
 * lone near-vertical one, which is a 1); partial digits (a donor digit with most of its ink cut
 * away) and two donor digits side by side; noise; tick marks; wavy squiggles; filled rectangles;
 * photo-like textures; scattered dots.
 *
 * <p><b>Held-out kinds</b> ({@link #heldOut}), none of which is a training kind: letters in the
 * font families not used for the training letters (every third family by name), with a few more
 * letters ({@link #HELD_OUT_EXTRA_LETTERS}); spirals; cross-hatching; zig-zags; smileys; arrows;
 * clouds (scalloped outlines); closed doodle outlines; partial digits and digit pairs made from the
 * caller's test digits. Use a seed other than the training seed as well.
 */
public final class NotDigits {
    /**
     * Letters and symbols used for training: none looks like a digit. Left out as look-alikes:
     * {@link #LOOK_ALIKES}.
     */
    public static final String TRAINING_LETTERS = "AEFHKMNPRTVWXYaefhkmnrtvwxy#@&%*?=+";

    /** Letters and symbols that look like a digit, never used as pictures that are not digits. */
    public static final String LOOK_ALIKES = "OoDQCcIlij|!JZzSs$bGBgq";

    /** Letters shown only in the held-out set, besides {@link #TRAINING_LETTERS}. */
    public static final String HELD_OUT_EXTRA_LETTERS = "Lu";

    /** The seed of the held-out set that reports use (training uses its own seed). */
    public static final long HELD_OUT_SEED = 20_251_207L;

    private static final long TRAINING_SALT = 0x7EA1L;
    private static final long HELD_OUT_SALT = 0x4E1DL;
    private static final int ATTEMPTS = 8;

    /** What a picture shows. */
    public enum Kind {
        LETTER(false),
        SCRIBBLE(false),
        SHAPE(false),
        HATCHING(false),
        BLOB(false),
        STROKES(false),
        PARTIAL_DIGIT(false),
        DIGIT_PAIR(false),
        NOISE(false),
        TICK(false),
        SQUIGGLE(false),
        FILLED_RECTANGLE(false),
        TEXTURE(false),
        DOTS(false),
        LETTER_UNSEEN_FONT(true),
        SPIRAL(true),
        CROSS_HATCH(true),
        ZIGZAG(true),
        SMILEY(true),
        ARROW(true),
        CLOUD(true),
        CLOSED_DOODLE(true),
        PARTIAL_TEST_DIGIT(true),
        TEST_DIGIT_PAIR(true);

        private final boolean heldOut;

        Kind(boolean heldOut) {
            this.heldOut = heldOut;
        }

        /** Whether this kind is only for measuring. */
        public boolean heldOut() {
            return heldOut;
        }
    }

    /** One normalised picture (784 floats, 0..1) and what it shows. */
    public record Picture(Kind kind, float[] pixels) {}

    /** How often each training kind is drawn (relative weights). */
    private static final Map<Kind, Double> TRAINING_MIX = weights(
            Kind.LETTER, 5,
            Kind.SCRIBBLE, 3,
            Kind.SHAPE, 3,
            Kind.HATCHING, 1,
            Kind.BLOB, 1,
            Kind.STROKES, 1.5,
            Kind.PARTIAL_DIGIT, 1.5,
            Kind.DIGIT_PAIR, 1,
            Kind.NOISE, 0.7,
            Kind.TICK, 0.6,
            Kind.SQUIGGLE, 0.8,
            Kind.FILLED_RECTANGLE, 0.5,
            Kind.TEXTURE, 0.6,
            Kind.DOTS, 0.5);

    private static final Map<Kind, Double> HELD_OUT_MIX = weights(
            Kind.LETTER_UNSEEN_FONT, 3,
            Kind.SPIRAL, 1,
            Kind.CROSS_HATCH, 1,
            Kind.ZIGZAG, 1,
            Kind.SMILEY, 1,
            Kind.ARROW, 1,
            Kind.CLOUD, 1,
            Kind.CLOSED_DOODLE, 1.5,
            Kind.PARTIAL_TEST_DIGIT, 1,
            Kind.TEST_DIGIT_PAIR, 1);

    private final LabelledDigits digits;

    private NotDigits(LabelledDigits digits) {
        this.digits = digits;
    }

    /**
     * The installed faces that have all the letters, split by family (sorted by name): every third
     * family, from the second, for the held-out letters; the rest for the training letters. Looked up
     * once: the installed fonts do not change while the program runs.
     */
    private static final class LetterFaces {
        static final List<Font> TRAINING;
        static final List<Font> HELD_OUT;

        static {
            String needed = TRAINING_LETTERS + HELD_OUT_EXTRA_LETTERS;
            List<Font> faces = FontDigits.installedFaces().stream()
                    .filter(f -> f.canDisplayUpTo(needed) == -1)
                    .toList();
            List<String> families =
                    faces.stream().map(Font::getFamily).distinct().sorted().toList();
            TRAINING = faces.stream()
                    .filter(f -> families.indexOf(f.getFamily()) % 3 != 1)
                    .toList();
            HELD_OUT = faces.stream()
                    .filter(f -> families.indexOf(f.getFamily()) % 3 == 1)
                    .toList();
        }
    }

    /**
     * {@code count} training pictures of the training kinds; the partial digits and pairs are made
     * from {@code donors} (training digits).
     */
    public static List<Picture> training(LabelledDigits donors, long seed, int count) {
        return new NotDigits(donors).make(TRAINING_MIX, seed, TRAINING_SALT, count);
    }

    /**
     * {@code count} held-out pictures of the held-out kinds (none is a training kind); the partial
     * digits and pairs are made from {@code testDigits}. Pass a seed other than the training one.
     */
    public static List<Picture> heldOut(LabelledDigits testDigits, long seed, int count) {
        return new NotDigits(testDigits).make(HELD_OUT_MIX, seed, HELD_OUT_SALT, count);
    }

    /**
     * A picture of {@code kind} whose randomness comes from ({@code seed}, {@code index}) alone,
     * made from {@code digits} if the kind needs digits (for tests and contact sheets that show
     * every kind).
     */
    public static Picture one(LabelledDigits digits, Kind kind, long seed, int index) {
        NotDigits maker = new NotDigits(digits);
        long salt = kind.heldOut() ? HELD_OUT_SALT : TRAINING_SALT;
        SplittableRandom rng = new SplittableRandom(TrainingData.mix(seed, salt, index));
        return new Picture(kind, maker.picture(kind, rng));
    }

    /** The pixels of each picture, in order. */
    public static List<float[]> pixels(List<Picture> pictures) {
        return pictures.stream().map(Picture::pixels).toList();
    }

    /** The font faces the training letters are typeset in. */
    public static List<Font> trainingLetterFaces() {
        return LetterFaces.TRAINING;
    }

    /** The font faces only the held-out letters are typeset in. */
    public static List<Font> heldOutLetterFaces() {
        return LetterFaces.HELD_OUT;
    }

    private List<Picture> make(Map<Kind, Double> mix, long seed, long salt, int count) {
        Kind[] kinds = mix.keySet().toArray(new Kind[0]);
        double[] cumulative = new double[kinds.length];
        double total = 0;
        for (int k = 0; k < kinds.length; k++) {
            total += mix.get(kinds[k]);
            cumulative[k] = total;
        }
        double sum = total;
        Picture[] out = new Picture[count];
        IntStream.range(0, count).parallel().forEach(i -> {
            SplittableRandom rng = new SplittableRandom(TrainingData.mix(seed, salt, i));
            double u = rng.nextDouble() * sum;
            int k = 0;
            while (k < kinds.length - 1 && u >= cumulative[k]) {
                k++;
            }
            out[i] = new Picture(kinds[k], picture(kinds[k], rng));
        });
        return List.of(out);
    }

    /** A normalised picture of {@code kind}, tried again until the normaliser finds ink. */
    float[] picture(Kind kind, SplittableRandom rng) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            float[] p = attempt(kind, rng);
            if (p != null && !looksLikeOne(p)) {
                return p;
            }
        }
        // Every kind gives ink almost always; a filled rectangle always does.
        return Presentation.normalise(onPad(filled(rectangle(1, 0.6)), rng, 0, 0.2));
    }

    private float[] attempt(Kind kind, SplittableRandom rng) {
        return switch (kind) {
            case LETTER -> letter(LetterFaces.TRAINING, TRAINING_LETTERS, rng);
            case SCRIBBLE -> pen(scribble(rng), rng, 180, 0.08);
            case SHAPE -> shape(rng);
            case HATCHING -> pen(PadSketch.Figure.lines(parallelLines(3 + rng.nextInt(7), rng)), rng, 180, 0.07);
            case BLOB -> blob(rng);
            case STROKES -> pen(strokes(rng), rng, 0, 0.2);
            case PARTIAL_DIGIT, PARTIAL_TEST_DIGIT -> partialDigit(rng);
            case DIGIT_PAIR, TEST_DIGIT_PAIR -> digitPair(rng);
            case NOISE -> noise(rng);
            case TICK -> pen(tick(rng), rng, 25, 0.15);
            case SQUIGGLE -> pen(squiggle(rng), rng, 25, 0.06);
            case FILLED_RECTANGLE -> filledRectangle(rng);
            case TEXTURE -> texture(rng);
            case DOTS -> dots(rng);
            case LETTER_UNSEEN_FONT -> letter(LetterFaces.HELD_OUT, TRAINING_LETTERS + HELD_OUT_EXTRA_LETTERS, rng);
            case SPIRAL -> pen(spiral(rng), rng, 180, 0.06);
            case CROSS_HATCH -> crossHatch(rng);
            case ZIGZAG -> pen(zigzag(rng), rng, 30, 0.07);
            case SMILEY -> pen(smiley(rng), rng, 20, 0.07);
            case ARROW -> pen(arrow(rng), rng, 180, 0.12);
            case CLOUD -> pen(cloud(rng), rng, 180, 0.07);
            case CLOSED_DOODLE -> pen(closedDoodle(rng), rng, 180, 0.1);
        };
    }

    // ---- how a figure reaches the normaliser ----

    private static PadSketch.Figure filled(double[][] polygon) {
        return new PadSketch.Figure(List.of(), List.<double[][]>of(polygon));
    }

    /**
     * {@code figure} drawn on the pad with its pen (rotated up to {@code maxDegrees}), mostly as is
     * and sometimes shown as a dropped image in another style; normalised.
     */
    private static float[] pen(PadSketch.Figure figure, SplittableRandom rng, double maxDegrees, double maxPenRatio) {
        if (figure.isEmpty()) {
            return null;
        }
        return present(onPad(figure, rng, maxDegrees, maxPenRatio), rng);
    }

    /** The figure drawn on the pad at 50-260 px with a pad pen of at most {@code maxPenRatio} of that. */
    static BufferedImage onPad(PadSketch.Figure figure, SplittableRandom rng, double maxDegrees, double maxPenRatio) {
        double size = 50 + 210 * rng.nextDouble();
        double pen = PadSketch.padPen(rng, Math.max(PadSketch.MIN_PEN, maxPenRatio * size));
        AffineTransform shape = PadSketch.hand(maxDegrees, 0.3, 1.3, rng);
        return PadSketch.draw(figure, shape, size, pen, rng);
    }

    /** The pad's picture, or (one time in five) its ink shown as a dropped image in a random style. */
    private static float[] present(BufferedImage pad, SplittableRandom rng) {
        if (rng.nextDouble() < 0.8) {
            return Presentation.normalise(pad);
        }
        InkImage ink = InkExtractor.extract(pad);
        return Presentation.normalise(
                Presentation.randomPicture(new FloatGrid(ink.width(), ink.height(), ink.toArray()), rng));
    }

    // ---- letters ----

    private static float[] letter(List<Font> faces, String letters, SplittableRandom rng) {
        if (faces.isEmpty()) {
            return null;
        }
        Font face = faces.get(rng.nextInt(faces.size()));
        String letter = String.valueOf(letters.charAt(rng.nextInt(letters.length())));
        FontDigits.Style style = FontDigits.randomStyle(rng);
        double view = rng.nextDouble();
        if (view < 0.3) {
            // written by hand: the glyph's skeleton drawn with the pad's pen
            FontDigits.Style plain = new FontDigits.Style(
                    64f, style.slant(), style.rotationDegrees(), style.widthScale(), 0f, true, 1f, 0f);
            List<double[]> segs = Skeleton.segments(FontDigits.inkOf(face, letter, plain, 4), 0.45f, 18, 0.6, rng);
            return segs.isEmpty() ? null : pen(PadSketch.Figure.ofSegments(segs), rng, 10, 0.15);
        }
        if (view < 0.45) {
            return Presentation.normalise(Presentation.lowResScan(
                    FontDigits.inkOf(face, letter, style, 4),
                    8 + 9 * rng.nextDouble(),
                    2 + rng.nextInt(7),
                    rng.nextDouble() < 0.5 ? 0.3 + 0.5 * rng.nextDouble() : 0,
                    0.01 + 0.04 * rng.nextDouble(),
                    rng));
        }
        return Presentation.normalise(FontDigits.render(face, letter, style, 1 + rng.nextInt(30)));
    }

    // ---- training figures ----

    /** A pen scribble: one to three wandering strokes that turn and loop. */
    static PadSketch.Figure scribble(SplittableRandom rng) {
        List<double[][]> lines = new ArrayList<>();
        int strokes = 1 + (rng.nextDouble() < 0.3 ? 1 + rng.nextInt(2) : 0);
        double x = 0;
        double y = 0;
        double heading = rng.nextDouble() * 2 * Math.PI;
        for (int s = 0; s < strokes; s++) {
            int n = 25 + rng.nextInt(90);
            double turn = (rng.nextDouble() - 0.5) * 0.6;
            double[][] pts = new double[n][];
            for (int i = 0; i < n; i++) {
                pts[i] = new double[] {x, y};
                turn = 0.85 * turn + (rng.nextDouble() - 0.5) * 0.5;
                heading += turn;
                double step = 0.5 + rng.nextDouble();
                x += Math.cos(heading) * step;
                y += Math.sin(heading) * step;
                // stay within a rough box: turn back towards the middle when far out
                if (Math.hypot(x, y) > 12) {
                    heading = Math.atan2(-y, -x) + (rng.nextDouble() - 0.5);
                }
            }
            lines.add(pts);
            x += (rng.nextDouble() - 0.5) * 6;
            y += (rng.nextDouble() - 0.5) * 6;
        }
        return PadSketch.Figure.lines(lines);
    }

    /** A geometric shape (never a circle or ellipse), outlined by hand or filled. */
    private static float[] shape(SplittableRandom rng) {
        double[][] outline = switch (rng.nextInt(8)) {
            case 0 -> triangle(rng);
            case 1 -> rectangle(1, Math.exp((rng.nextDouble() - 0.5) * 1.2));
            case 2 -> rotate(rectangle(1, 0.5 + rng.nextDouble()), Math.PI / 4);
            case 3 -> regularPolygon(5 + rng.nextInt(4), 1, 1);
            case 4 -> star(4 + rng.nextInt(4), 0.3 + 0.3 * rng.nextDouble());
            case 5 -> heart();
            case 6 -> house(0.6 + 0.6 * rng.nextDouble());
            default -> null;
        };
        if (outline == null) {
            return pen(cross(rng), rng, 180, 0.2);
        }
        if (rng.nextDouble() < 0.25) {
            return present(onPad(new PadSketch.Figure(List.of(), List.<double[][]>of(outline)), rng, 180, 0.15), rng);
        }
        return pen(PadSketch.Figure.lines(List.<double[][]>of(wobble(closed(outline), 0.02, rng))), rng, 180, 0.12);
    }

    private static double[][] triangle(SplittableRandom rng) {
        // three corners spread around a circle, so no angle is degenerate
        double a0 = rng.nextDouble() * 2 * Math.PI;
        double a1 = a0 + Math.toRadians(90 + 60 * rng.nextDouble());
        double a2 = a1 + Math.toRadians(90 + 60 * rng.nextDouble());
        return new double[][] {{Math.cos(a0), Math.sin(a0)}, {Math.cos(a1), Math.sin(a1)}, {Math.cos(a2), Math.sin(a2)}
        };
    }

    static double[][] rectangle(double w, double h) {
        return new double[][] {{0, 0}, {w, 0}, {w, h}, {0, h}};
    }

    private static double[][] regularPolygon(int n, double rx, double ry) {
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n - Math.PI / 2;
            p[i] = new double[] {rx * Math.cos(a), ry * Math.sin(a)};
        }
        return p;
    }

    private static double[][] star(int points, double inner) {
        double[][] p = new double[2 * points][];
        for (int i = 0; i < 2 * points; i++) {
            double a = Math.PI * i / points - Math.PI / 2;
            double r = i % 2 == 0 ? 1 : inner;
            p[i] = new double[] {r * Math.cos(a), r * Math.sin(a)};
        }
        return p;
    }

    private static double[][] heart() {
        int n = 40;
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            double t = 2 * Math.PI * i / n;
            double x = 16 * Math.pow(Math.sin(t), 3);
            double y = -(13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t));
            p[i] = new double[] {x, y};
        }
        return p;
    }

    private static double[][] house(double roof) {
        return new double[][] {{0, roof}, {0.5, 0}, {1, roof}, {1, roof + 1}, {0, roof + 1}};
    }

    /** A plus or a diagonal cross: two strokes crossing near their middles. */
    private static PadSketch.Figure cross(SplittableRandom rng) {
        double along = 0.35 + 0.3 * rng.nextDouble();
        double across = 0.35 + 0.3 * rng.nextDouble();
        double tilt = rng.nextDouble() < 0.5 ? 0 : Math.PI / 4;
        double[][] a = {{-along, 0}, {1 - along, 0}};
        double[][] b = {{0, -across}, {0, 1 - across}};
        return PadSketch.Figure.lines(List.of(rotate(a, tilt), rotate(b, tilt)));
    }

    /** Parallel strokes of similar length at one random angle. */
    private static List<double[][]> parallelLines(int n, SplittableRandom rng) {
        double angle = rng.nextDouble() * Math.PI;
        double gap = 0.12 + 0.15 * rng.nextDouble();
        List<double[][]> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double start = (rng.nextDouble() - 0.5) * 0.2;
            double length = 0.8 + 0.3 * rng.nextDouble();
            double[][] line = {{start, i * gap}, {start + length, i * gap + (rng.nextDouble() - 0.5) * 0.05}};
            lines.add(rotate(line, angle));
        }
        return lines;
    }

    /** A filled blob, or a splat of a few overlapping ones. */
    private static float[] blob(SplittableRandom rng) {
        List<double[][]> fills = new ArrayList<>();
        int n = rng.nextDouble() < 0.6 ? 1 : 2 + rng.nextInt(4);
        for (int i = 0; i < n; i++) {
            double[][] b = lumpyLoop(0.25 + 0.25 * rng.nextDouble(), 2, rng);
            double dx = i == 0 ? 0 : (rng.nextDouble() - 0.5) * 2.5;
            double dy = i == 0 ? 0 : (rng.nextDouble() - 0.5) * 2.5;
            double s = i == 0 ? 1 : 0.3 + 0.5 * rng.nextDouble();
            for (double[] p : b) {
                p[0] = p[0] * s + dx;
                p[1] = p[1] * s + dy;
            }
            fills.add(b);
        }
        return present(onPad(new PadSketch.Figure(List.of(), fills), rng, 180, 0.15), rng);
    }

    /**
     * A random straight-line figure: one stroke well away from upright (an upright one is a 1),
     * two strokes crossing near their middles, or a tangle of three to six.
     */
    private static PadSketch.Figure strokes(SplittableRandom rng) {
        double u = rng.nextDouble();
        if (u < 0.3) {
            double fromUpright = Math.toRadians(40 + 100 * rng.nextDouble());
            double[][] line = {{0, 0}, {Math.sin(fromUpright), -Math.cos(fromUpright)}};
            return PadSketch.Figure.lines(List.<double[][]>of(line));
        }
        if (u < 0.55) {
            double a = rng.nextDouble() * Math.PI;
            double b = a + Math.toRadians(35 + 110 * rng.nextDouble());
            double la = 0.6 + 0.4 * rng.nextDouble();
            double lb = 0.6 + 0.4 * rng.nextDouble();
            double ta = 0.35 + 0.3 * rng.nextDouble();
            double tb = 0.35 + 0.3 * rng.nextDouble();
            return PadSketch.Figure.lines(List.of(
                    new double[][] {
                        {-ta * la * Math.cos(a), -ta * la * Math.sin(a)},
                        {(1 - ta) * la * Math.cos(a), (1 - ta) * la * Math.sin(a)}
                    },
                    new double[][] {
                        {-tb * lb * Math.cos(b), -tb * lb * Math.sin(b)},
                        {(1 - tb) * lb * Math.cos(b), (1 - tb) * lb * Math.sin(b)}
                    }));
        }
        int n = 3 + rng.nextInt(4);
        List<double[][]> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(new double[][] {{rng.nextDouble(), rng.nextDouble()}, {rng.nextDouble(), rng.nextDouble()}});
        }
        return PadSketch.Figure.lines(lines);
    }

    /** A tick mark: a short stroke down, then a long one up. */
    private static PadSketch.Figure tick(SplittableRandom rng) {
        double bottomX = 0.25 + 0.15 * rng.nextDouble();
        double[][] t = {
            {0, 0.45 + 0.2 * rng.nextDouble()}, {bottomX, 1}, {1, 0.1 * rng.nextDouble()},
        };
        return PadSketch.Figure.lines(List.<double[][]>of(wobble(t, 0.02, rng)));
    }

    /** A wavy horizontal line of one and a half to four waves. */
    private static PadSketch.Figure squiggle(SplittableRandom rng) {
        double waves = 1.5 + 2.5 * rng.nextDouble();
        double amplitude = 0.08 + 0.12 * rng.nextDouble();
        int n = 60;
        double[][] p = new double[n][];
        double phase = rng.nextDouble() * 2 * Math.PI;
        for (int i = 0; i < n; i++) {
            double t = (double) i / (n - 1);
            p[i] = new double[] {t, amplitude * Math.sin(phase + 2 * Math.PI * waves * t)};
        }
        return PadSketch.Figure.lines(List.<double[][]>of(p));
    }

    /** A filled rectangle, never a tall thin one (that is a 1). */
    private static float[] filledRectangle(SplittableRandom rng) {
        double aspect = Math.exp((rng.nextDouble() - 0.3) * 3); // width / height, 0.4 .. 8
        double[][] r = rectangle(Math.max(0.5, aspect), 1);
        return present(onPad(filled(r), rng, 20, 0.1), rng);
    }

    /** A few taps of the pen, scattered. */
    private static float[] dots(SplittableRandom rng) {
        int n = 2 + rng.nextInt(10);
        List<double[][]> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(new double[][] {{rng.nextDouble(), rng.nextDouble()}});
        }
        return pen(PadSketch.Figure.lines(lines), rng, 0, 0.06);
    }

    /** Noise: sensor noise, scattered specks, or blotchy blurred noise, as an image of any size. */
    private static float[] noise(SplittableRandom rng) {
        int w = 20 + rng.nextInt(261);
        int h = 20 + rng.nextInt(261);
        FloatGrid g = new FloatGrid(w, h);
        double u = rng.nextDouble();
        if (u < 0.35) {
            for (int i = 0; i < g.v.length; i++) {
                g.v[i] = (float) rng.nextDouble();
            }
        } else if (u < 0.7) {
            double density = 0.002 + 0.03 * rng.nextDouble();
            for (int i = 0; i < g.v.length; i++) {
                g.v[i] = rng.nextDouble() < density ? 1f : 0f;
            }
            if (rng.nextDouble() < 0.5) {
                g = g.dilate(false);
            }
        } else {
            for (int i = 0; i < g.v.length; i++) {
                g.v[i] = (float) rng.nextDouble();
            }
            g = stretch(g.blur(1 + 4 * rng.nextDouble()));
        }
        return Presentation.normalise(Presentation.randomPicture(g, rng));
    }

    /** A photo-like texture: smooth noise at several scales over a brightness gradient. */
    private static float[] texture(SplittableRandom rng) {
        int w = 40 + rng.nextInt(241);
        int h = 40 + rng.nextInt(241);
        FloatGrid g = new FloatGrid(w, h);
        double amp = 1;
        for (int cells = 2 + rng.nextInt(3); cells < Math.min(w, h); cells *= 2) {
            FloatGrid coarse = new FloatGrid(cells, cells);
            for (int i = 0; i < coarse.v.length; i++) {
                coarse.v[i] = (float) (rng.nextDouble() * amp);
            }
            FloatGrid up = coarse.resizeBilinear(w, h);
            for (int i = 0; i < g.v.length; i++) {
                g.v[i] += up.v[i];
            }
            amp *= 0.55;
        }
        double gx = (rng.nextDouble() - 0.5) * 2;
        double gy = (rng.nextDouble() - 0.5) * 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                g.v[y * w + x] += (float) (gx * x / w + gy * y / h);
            }
        }
        g = stretch(g);
        if (rng.nextDouble() < 0.5) {
            return Presentation.normalise(Presentation.colourPicture(g, 0.9f, 0.1f, 0.02, rng));
        }
        return Presentation.normalise(g.toGrayImage(0.95f, 0.05f, 0.02, rng));
    }

    /** The grid's values stretched linearly to 0..1. */
    private static FloatGrid stretch(FloatGrid g) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : g.v) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = Math.max(1e-6f, max - min);
        FloatGrid out = new FloatGrid(g.w, g.h);
        for (int i = 0; i < g.v.length; i++) {
            out.v[i] = (g.v[i] - min) / range;
        }
        return out;
    }

    // ---- from real digits ----

    /**
     * A digit with most of its ink cut away: only the 15-40% of its ink on one side of a random
     * line is kept, shown as is or re-drawn with the pad's pen. A part that still holds a closed
     * loop (the bowl of a 6 or 9 is a 0) is not used.
     */
    private float[] partialDigit(SplittableRandom rng) {
        if (digits.size() == 0) {
            return null;
        }
        FloatGrid g = FloatGrid.of28(digits.image(rng.nextInt(digits.size()))).upscale(2);
        double angle = rng.nextDouble() * 2 * Math.PI;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double keep = 0.15 + 0.25 * rng.nextDouble();
        // the ink's distribution along the cut's normal, in bins; cut where the kept share is reached
        double reach = Math.hypot(g.w, g.h);
        int bins = 512;
        double[] inkAt = new double[bins];
        double totalInk = 0;
        for (int i = 0; i < g.v.length; i++) {
            double along = (i % g.w) * cos + (i / g.w) * sin;
            inkAt[bin(along, reach, bins)] += g.v[i];
            totalInk += g.v[i];
        }
        int cut = bins - 1;
        double sum = 0;
        for (int b = 0; b < bins; b++) {
            sum += inkAt[b];
            if (sum >= keep * totalInk) {
                cut = b;
                break;
            }
        }
        FloatGrid part = new FloatGrid(g.w, g.h);
        for (int i = 0; i < g.v.length; i++) {
            double along = (i % g.w) * cos + (i / g.w) * sin;
            part.v[i] = bin(along, reach, bins) <= cut ? g.v[i] : 0f;
        }
        return hasHole(part, 0.3f) ? null : redrawnOrShown(part, rng);
    }

    private static int bin(double along, double reach, int bins) {
        return (int) Math.min(bins - 1, Math.max(0, (along + reach) / (2 * reach) * bins));
    }

    /** Whether the ink above {@code threshold} encloses background that the border cannot reach. */
    static boolean hasHole(FloatGrid g, float threshold) {
        boolean[] reached = new boolean[g.v.length];
        int[] stack = new int[g.v.length];
        int top = 0;
        for (int i = 0; i < g.v.length; i++) {
            int x = i % g.w;
            int y = i / g.w;
            boolean border = x == 0 || y == 0 || x == g.w - 1 || y == g.h - 1;
            if (border && g.v[i] <= threshold) {
                reached[i] = true;
                stack[top++] = i;
            }
        }
        while (top > 0) {
            int i = stack[--top];
            int x = i % g.w;
            int y = i / g.w;
            int[] next = {x > 0 ? i - 1 : -1, x < g.w - 1 ? i + 1 : -1, y > 0 ? i - g.w : -1, y < g.h - 1 ? i + g.w : -1
            };
            for (int n : next) {
                if (n >= 0 && !reached[n] && g.v[n] <= threshold) {
                    reached[n] = true;
                    stack[top++] = n;
                }
            }
        }
        for (int i = 0; i < g.v.length; i++) {
            if (!reached[i] && g.v[i] <= threshold) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a normalised picture is a thin, nearly upright bar: that is a 1, and must not be
     * taught as "not a digit". Judged from the ink's second moments: the minor axis under a
     * quarter of the major one, and the major axis within 40 degrees of upright.
     */
    static boolean looksLikeOne(float[] pixels) {
        int side = 28;
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < pixels.length; i++) {
            mass += pixels[i];
            mx += pixels[i] * (i % side);
            my += pixels[i] * (i / side);
        }
        if (mass <= 0) {
            return false;
        }
        mx /= mass;
        my /= mass;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i = 0; i < pixels.length; i++) {
            double dx = i % side - mx;
            double dy = i / side - my;
            sxx += pixels[i] * dx * dx;
            syy += pixels[i] * dy * dy;
            sxy += pixels[i] * dx * dy;
        }
        double mean = (sxx + syy) / 2;
        double spread = Math.sqrt((sxx - syy) * (sxx - syy) / 4 + sxy * sxy);
        double major = mean + spread;
        double minor = Math.max(0, mean - spread);
        double fromUpright = Math.toDegrees(Math.abs(Math.atan2(2 * sxy, syy - sxx) / 2));
        return Math.sqrt(minor / major) < 0.25 && fromUpright < 40;
    }

    /** Two digits side by side, about the same size, with a gap or touching. */
    private float[] digitPair(SplittableRandom rng) {
        if (digits.size() == 0) {
            return null;
        }
        FloatGrid a = FloatGrid.of28(digits.image(rng.nextInt(digits.size())));
        FloatGrid b = FloatGrid.of28(digits.image(rng.nextInt(digits.size())));
        int gap = rng.nextInt(9) - 5; // MNIST digits have about 4 px of margin each side
        int dy = rng.nextInt(7) - 3;
        FloatGrid pair = new FloatGrid(56 + gap, 34);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int ia = (y + 3) * pair.w + x;
                pair.v[ia] = Math.max(pair.v[ia], a.get(x, y));
                int ib = (y + 3 + dy) * pair.w + x + 28 + gap;
                pair.v[ib] = Math.max(pair.v[ib], b.get(x, y));
            }
        }
        return redrawnOrShown(pair, rng);
    }

    /** The ink as a picture in a random style, or its skeleton drawn with the pad's pen. */
    private static float[] redrawnOrShown(FloatGrid ink, SplittableRandom rng) {
        if (rng.nextDouble() < 0.5) {
            return Presentation.normalise(Presentation.randomPicture(ink, rng));
        }
        List<double[]> segs = Skeleton.segments(ink, 0.45f);
        return segs.isEmpty() ? null : pen(PadSketch.Figure.ofSegments(segs), rng, 10, 0.15);
    }

    // ---- held-out figures ----

    private static PadSketch.Figure spiral(SplittableRandom rng) {
        double turns = 1.5 + 2.5 * rng.nextDouble();
        int n = (int) (turns * 40);
        double sign = rng.nextDouble() < 0.5 ? 1 : -1;
        double[][] p = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            double t = (double) i / n;
            double a = sign * t * turns * 2 * Math.PI;
            double r = 0.08 + t;
            p[i] = new double[] {r * Math.cos(a), r * Math.sin(a)};
        }
        return PadSketch.Figure.lines(List.<double[][]>of(p));
    }

    private static float[] crossHatch(SplittableRandom rng) {
        List<double[][]> lines = new ArrayList<>(parallelLines(3 + rng.nextInt(5), rng));
        List<double[][]> other = parallelLines(3 + rng.nextInt(5), rng);
        double turn = Math.toRadians(60 + 60 * rng.nextDouble());
        for (double[][] l : other) {
            lines.add(rotate(l, turn));
        }
        return pen(PadSketch.Figure.lines(lines), rng, 0, 0.06);
    }

    private static PadSketch.Figure zigzag(SplittableRandom rng) {
        int teeth = 3 + rng.nextInt(6);
        double height = 0.15 + 0.35 * rng.nextDouble();
        double[][] p = new double[teeth + 1][];
        for (int i = 0; i <= teeth; i++) {
            p[i] = new double[] {(double) i / teeth, i % 2 == 0 ? 0 : height};
        }
        return PadSketch.Figure.lines(List.<double[][]>of(wobble(p, 0.02, rng)));
    }

    private static PadSketch.Figure smiley(SplittableRandom rng) {
        List<double[][]> lines = new ArrayList<>();
        lines.add(wobble(closed(regularPolygon(36, 1, 1)), 0.02, rng));
        double eyes = 0.3 + 0.1 * rng.nextDouble();
        lines.add(new double[][] {{-eyes, -0.3}});
        lines.add(new double[][] {{eyes, -0.3}});
        double mood = rng.nextDouble() < 0.8 ? 1 : -1; // mostly smiling
        int n = 12;
        double[][] mouth = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            double t = -1 + 2.0 * i / n;
            mouth[i] = new double[] {0.5 * t, 0.35 + mood * 0.2 * (1 - t * t)};
        }
        lines.add(mouth);
        return PadSketch.Figure.lines(lines);
    }

    private static PadSketch.Figure arrow(SplittableRandom rng) {
        double head = 0.2 + 0.15 * rng.nextDouble();
        double spread = Math.toRadians(25 + 20 * rng.nextDouble());
        double[][] shaft = {{0, 0}, {1, 0}};
        double[][] tip = {
            {1 - head * Math.cos(spread), -head * Math.sin(spread)},
            {1, 0},
            {1 - head * Math.cos(spread), head * Math.sin(spread)}
        };
        return PadSketch.Figure.lines(List.of(shaft, tip));
    }

    /** A cloud: a closed outline of five to nine outward bumps. */
    private static PadSketch.Figure cloud(SplittableRandom rng) {
        int bumps = 5 + rng.nextInt(5);
        double rx = 1;
        double ry = 0.5 + 0.3 * rng.nextDouble();
        List<double[]> p = new ArrayList<>();
        for (int b = 0; b < bumps; b++) {
            double a0 = 2 * Math.PI * b / bumps;
            double a1 = 2 * Math.PI * (b + 1) / bumps;
            double[] c0 = {rx * Math.cos(a0), ry * Math.sin(a0)};
            double[] c1 = {rx * Math.cos(a1), ry * Math.sin(a1)};
            double mx = (c0[0] + c1[0]) / 2;
            double my = (c0[1] + c1[1]) / 2;
            double r = Math.hypot(c1[0] - c0[0], c1[1] - c0[1]) / 2;
            double base = Math.atan2(c0[1] - my, c0[0] - mx);
            for (int i = 0; i < 10; i++) {
                double a = base + Math.PI * i / 10; // half circle bulging outward
                p.add(new double[] {mx + r * Math.cos(a), my + r * Math.sin(a)});
            }
        }
        p.add(p.get(0));
        return PadSketch.Figure.lines(List.<double[][]>of(p.toArray(new double[0][])));
    }

    /**
     * A closed doodle: a loop with three to six deep lobes, drawn as one outline (never a plain
     * oval, which is a 0).
     */
    private static PadSketch.Figure closedDoodle(SplittableRandom rng) {
        return PadSketch.Figure.lines(List.<double[][]>of(closed(lumpyLoop(0.45 + 0.25 * rng.nextDouble(), 3, rng))));
    }

    // ---- geometry ----

    /**
     * A star-shaped loop whose radius wanders by harmonics {@code minHarmonic}-6 of total size
     * about {@code lumpiness}.
     */
    private static double[][] lumpyLoop(double lumpiness, int minHarmonic, SplittableRandom rng) {
        int harmonics = 2 + rng.nextInt(3);
        int[] k = new int[harmonics];
        double[] amp = new double[harmonics];
        double[] phase = new double[harmonics];
        for (int h = 0; h < harmonics; h++) {
            k[h] = minHarmonic + rng.nextInt(7 - minHarmonic);
            amp[h] = lumpiness / harmonics * (0.5 + rng.nextDouble());
            phase[h] = rng.nextDouble() * 2 * Math.PI;
        }
        int n = 72;
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            double r = 1;
            for (int h = 0; h < harmonics; h++) {
                r += amp[h] * Math.cos(k[h] * a + phase[h]);
            }
            p[i] = new double[] {r * Math.cos(a), r * Math.sin(a)};
        }
        return p;
    }

    private static double[][] closed(double[][] polygon) {
        double[][] p = Arrays.copyOf(polygon, polygon.length + 1);
        p[polygon.length] = polygon[0].clone();
        return p;
    }

    private static double[][] rotate(double[][] points, double angle) {
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double[][] out = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            out[i] = new double[] {points[i][0] * cos - points[i][1] * sin, points[i][0] * sin + points[i][1] * cos};
        }
        return out;
    }

    /** The polyline with every point moved by up to {@code amount} of the figure's size (a hand's wobble). */
    private static double[][] wobble(double[][] points, double amount, SplittableRandom rng) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (double[] p : points) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        double size = Math.max(maxX - minX, maxY - minY);
        double[][] out = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            out[i] = new double[] {
                points[i][0] + (rng.nextDouble() - 0.5) * 2 * amount * size,
                points[i][1] + (rng.nextDouble() - 0.5) * 2 * amount * size
            };
        }
        if (points.length > 2 && Arrays.equals(points[0], points[points.length - 1])) {
            out[points.length - 1] = out[0].clone();
        }
        return out;
    }

    private static Map<Kind, Double> weights(Object... kindsAndWeights) {
        Map<Kind, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kindsAndWeights.length; i += 2) {
            m.put((Kind) kindsAndWeights[i], ((Number) kindsAndWeights[i + 1]).doubleValue());
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
