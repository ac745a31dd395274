package dev.digitpad.imaging;

import dev.digitpad.contract.ModelContract;
import java.util.Optional;

/**
 * Every step of {@link MnistNormalizer#normalize(InkImage)}, kept so it can be inspected or shown.
 *
 * @param ink the ink map that went in
 * @param cropBox the ink bounding box in {@code ink}, empty when there was nothing to recognise
 * @param scaled the cropped ink scaled by area averaging so its longer side is 20 px (before
 *     the final rescale to a maximum of 1); empty when there was nothing to recognise
 * @param centreOfMassBeforeShift the intensity centre of mass of the scaled digit after pasting it
 *     at the top-left-centred 20x20 position ({@code 4 + ...}) of the 28x28 field, i.e. before the
 *     shift; x = column, y = row, 0-based pixel indices
 * @param shiftX whole-pixel shift applied along x to move the centre of mass onto column 14
 * @param shiftY whole-pixel shift applied along y to move the centre of mass onto row 14
 * @param mnist the final 28x28 image, values 0..1, ink bright, brightest pixel 1; empty when there
 *     was nothing to recognise
 */
public record Normalization(
        InkImage ink,
        Optional<CropBox> cropBox,
        Optional<InkImage> scaled,
        Optional<Point> centreOfMassBeforeShift,
        int shiftX,
        int shiftY,
        Optional<InkImage> mnist) {

    /** Side of the MNIST field. */
    public static final int SIZE = ModelContract.SIDE;

    /** A point in pixel-index coordinates. */
    public record Point(double x, double y) {}

    static Normalization empty(InkImage ink) {
        return new Normalization(ink, Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, Optional.empty());
    }

    /** True when the input had no ink worth recognising. */
    public boolean isEmpty() {
        return mnist.isEmpty();
    }

    /** The 784 model inputs (row-major 28x28, 0..1, ink bright on dark), or empty. */
    public Optional<float[]> pixels() {
        return mnist.map(InkImage::toArray);
    }

    /** Centre of mass of the final 28x28 image, or empty. */
    public Optional<Point> centreOfMass() {
        return mnist.map(MnistNormalizer::centreOfMass);
    }
}
