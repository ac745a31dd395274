package dev.digitpad.dataset;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.imaging.InkImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.SplittableRandom;

/** A mutable float raster (row-major) with the image operations used to synthesise digits. */
public final class FloatGrid {
    public final int w;
    public final int h;
    public final float[] v;

    public FloatGrid(int w, int h) {
        this(w, h, new float[w * h]);
    }

    public FloatGrid(int w, int h, float[] v) {
        if (v.length != w * h) {
            throw new IllegalArgumentException("size mismatch");
        }
        this.w = w;
        this.h = h;
        this.v = v;
    }

    public static FloatGrid of28(float[] digit) {
        return new FloatGrid(ModelContract.SIDE, ModelContract.SIDE, digit.clone());
    }

    public float get(int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : v[y * w + x];
    }

    /** Bilinear sample at continuous pixel-centre coordinates, 0 outside. */
    public float sample(double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        float fx = (float) (x - x0);
        float fy = (float) (y - y0);
        float a = get(x0, y0);
        float b = get(x0 + 1, y0);
        float c = get(x0, y0 + 1);
        float d = get(x0 + 1, y0 + 1);
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }

    /** Bilinear sample with coordinates clamped to the grid (edge pixels repeat). */
    public float sampleClamped(double x, double y) {
        return sample(Math.max(0, Math.min(w - 1, x)), Math.max(0, Math.min(h - 1, y)));
    }

    public InkImage toInk() {
        return new InkImage(w, h, v);
    }

    /** Bilinear resize by an integer factor (pixel centres aligned). */
    public FloatGrid upscale(int factor) {
        FloatGrid out = new FloatGrid(w * factor, h * factor);
        for (int y = 0; y < out.h; y++) {
            double sy = (y + 0.5) / factor - 0.5;
            for (int x = 0; x < out.w; x++) {
                double sx = (x + 0.5) / factor - 0.5;
                out.v[y * out.w + x] = sampleClamped(sx, sy);
            }
        }
        return out;
    }

    /** Bilinear resize to an arbitrary size. */
    public FloatGrid resizeBilinear(int nw, int nh) {
        FloatGrid out = new FloatGrid(nw, nh);
        double rx = (double) w / nw;
        double ry = (double) h / nh;
        for (int y = 0; y < nh; y++) {
            double sy = (y + 0.5) * ry - 0.5;
            for (int x = 0; x < nw; x++) {
                out.v[y * nw + x] = sampleClamped((x + 0.5) * rx - 0.5, sy);
            }
        }
        return out;
    }

    /** Area-averaging downscale to an arbitrary (smaller) size. */
    public FloatGrid resizeArea(int nw, int nh) {
        FloatGrid out = new FloatGrid(nw, nh);
        double rx = (double) w / nw;
        double ry = (double) h / nh;
        for (int oy = 0; oy < nh; oy++) {
            double y0 = oy * ry;
            double y1 = (oy + 1) * ry;
            for (int ox = 0; ox < nw; ox++) {
                double x0 = ox * rx;
                double x1 = (ox + 1) * rx;
                double s = 0;
                for (int sy = (int) y0; sy < Math.min(h, Math.ceil(y1)); sy++) {
                    double wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
                    if (wy <= 0) {
                        continue;
                    }
                    for (int sx = (int) x0; sx < Math.min(w, Math.ceil(x1)); sx++) {
                        double wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
                        if (wx > 0) {
                            s += v[sy * w + sx] * wx * wy;
                        }
                    }
                }
                out.v[oy * nw + ox] = (float) (s / (rx * ry));
            }
        }
        return out;
    }

    /**
     * Maps this grid through the inverse of an affine transform onto a new {@code nw x nh} grid:
     * output pixel (x, y) reads this grid at {@code inv * (x, y, 1)}. {@code inv} is
     * {@code {a, b, c, d, e, f}}: sx = a x + b y + c, sy = d x + e y + f.
     */
    public FloatGrid warpAffine(int nw, int nh, double[] inv) {
        FloatGrid out = new FloatGrid(nw, nh);
        for (int y = 0; y < nh; y++) {
            for (int x = 0; x < nw; x++) {
                double sx = inv[0] * x + inv[1] * y + inv[2];
                double sy = inv[3] * x + inv[4] * y + inv[5];
                out.v[y * nw + x] = sample(sx, sy);
            }
        }
        return out;
    }

    /** Smooth random displacement (elastic distortion) of up to about {@code amplitude} px. */
    public FloatGrid elastic(SplittableRandom rng, double amplitude, int controlPoints) {
        int c = controlPoints;
        double[] dx = new double[c * c];
        double[] dy = new double[c * c];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = gaussian(rng) * amplitude;
            dy[i] = gaussian(rng) * amplitude;
        }
        FloatGrid out = new FloatGrid(w, h);
        for (int y = 0; y < h; y++) {
            double gy = (double) y / (h - 1) * (c - 1);
            int iy = Math.min(c - 2, (int) gy);
            double fy = gy - iy;
            for (int x = 0; x < w; x++) {
                double gx = (double) x / (w - 1) * (c - 1);
                int ix = Math.min(c - 2, (int) gx);
                double fx = gx - ix;
                double ddx = lerp2(dx, c, ix, iy, fx, fy);
                double ddy = lerp2(dy, c, ix, iy, fx, fy);
                out.v[y * w + x] = sample(x + ddx, y + ddy);
            }
        }
        return out;
    }

    private static double lerp2(double[] g, int c, int ix, int iy, double fx, double fy) {
        double a = g[iy * c + ix];
        double b = g[iy * c + ix + 1];
        double d = g[(iy + 1) * c + ix];
        double e = g[(iy + 1) * c + ix + 1];
        return (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
    }

    /** Grey dilation (max over the 3x3 neighbourhood, a plus shape when {@code cross}). */
    public FloatGrid dilate(boolean cross) {
        return morph(true, cross);
    }

    /** Grey erosion (min over the 3x3 neighbourhood, a plus shape when {@code cross}). */
    public FloatGrid erode(boolean cross) {
        return morph(false, cross);
    }

    private FloatGrid morph(boolean max, boolean cross) {
        FloatGrid out = new FloatGrid(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float m = get(x, y);
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        if ((dx == 0 && dy == 0) || (cross && dx != 0 && dy != 0)) {
                            continue;
                        }
                        float n = get(x + dx, y + dy);
                        m = max ? Math.max(m, n) : Math.min(m, n);
                    }
                }
                out.v[y * w + x] = m;
            }
        }
        return out;
    }

    /** Separable Gaussian blur. */
    public FloatGrid blur(double sigma) {
        int r = Math.max(1, (int) Math.ceil(sigma * 2.5));
        float[] k = new float[2 * r + 1];
        float sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] tmp = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int i = -r; i <= r; i++) {
                    s += get(x + i, y) * k[i + r];
                }
                tmp[y * w + x] = s;
            }
        }
        FloatGrid t = new FloatGrid(w, h, tmp);
        FloatGrid out = new FloatGrid(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int i = -r; i <= r; i++) {
                    s += t.get(x, y + i) * k[i + r];
                }
                out.v[y * w + x] = s;
            }
        }
        return out;
    }

    /** Max-blends an anti-aliased disc of radius {@code r} centred at (cx, cy). */
    public void stampDisc(double cx, double cy, double r, float value) {
        int x0 = Math.max(0, (int) Math.floor(cx - r - 1));
        int x1 = Math.min(w - 1, (int) Math.ceil(cx + r + 1));
        int y0 = Math.max(0, (int) Math.floor(cy - r - 1));
        int y1 = Math.min(h - 1, (int) Math.ceil(cy + r + 1));
        for (int y = y0; y <= y1; y++) {
            double ddy = y - cy;
            for (int x = x0; x <= x1; x++) {
                double ddx = x - cx;
                double cover = r + 0.5 - Math.sqrt(ddx * ddx + ddy * ddy);
                if (cover > 0) {
                    float a = (float) Math.min(1.0, cover) * value;
                    int i = y * w + x;
                    if (a > v[i]) {
                        v[i] = a;
                    }
                }
            }
        }
    }

    /** Draws a round-capped line of radius {@code r} by stamping discs along it. */
    public void strokeLine(double x0, double y0, double x1, double y1, double r, float value) {
        double len = Math.hypot(x1 - x0, y1 - y0);
        int steps = Math.max(1, (int) Math.ceil(len / Math.max(0.5, r * 0.4)));
        for (int i = 0; i <= steps; i++) {
            double t = (double) i / steps;
            stampDisc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, r, value);
        }
    }

    /**
     * A gray image of this ink map as it would look on paper or screen: background level
     * {@code paper}, full ink at level {@code inkLevel} (0..1 each), plus Gaussian noise.
     */
    public BufferedImage toGrayImage(float paper, float inkLevel, double noise, SplittableRandom rng) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < v.length; i++) {
            double g = paper + (inkLevel - paper) * Math.min(1f, Math.max(0f, v[i]));
            if (noise > 0) {
                g += gaussian(rng) * noise;
            }
            px[i] = (byte) Math.round(Math.max(0, Math.min(1, g)) * 255);
        }
        return img;
    }

    /** Ink bounding box {x0, y0, x1, y1} of values above {@code t}, or null. */
    public int[] bounds(float t) {
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (v[y * w + x] > t) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : new int[] {x0, y0, x1, y1};
    }

    public static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
