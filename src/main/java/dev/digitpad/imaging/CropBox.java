package dev.digitpad.imaging;

/** A pixel rectangle: columns {@code x .. x+width-1}, rows {@code y .. y+height-1}. */
public record CropBox(int x, int y, int width, int height) {
    public CropBox {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("empty box " + width + "x" + height);
        }
    }

    public int longerSide() {
        return Math.max(width, height);
    }
}
