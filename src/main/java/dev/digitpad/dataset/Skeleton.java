package dev.digitpad.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Thins a digit to a one-pixel skeleton (Zhang-Suen) and lists the skeleton as short segments
 * between 8-connected pixels, so the same shape can be re-drawn with any pen.
 */
public final class Skeleton {
    private Skeleton() {}

    /** Segments {x0, y0, x1, y1} in the grid's pixel coordinates. */
    public static List<double[]> segments(FloatGrid grid, float threshold) {
        return segments(grid, threshold, 0, 0, null);
    }

    /**
     * Segments of the skeleton after dropping, each with probability {@code dropChance}, the short
     * end branches (at most {@code maxSpur} pixels from a free end to a junction): the serifs and
     * feet of a typeset digit that people leave out when they draw it by hand.
     */
    public static List<double[]> segments(
            FloatGrid grid, float threshold, int maxSpur, double dropChance, java.util.SplittableRandom rng) {
        int w = grid.w;
        int h = grid.h;
        boolean[] on = new boolean[w * h];
        for (int i = 0; i < on.length; i++) {
            on[i] = grid.v[i] > threshold;
        }
        thin(on, w, h);
        if (maxSpur > 0 && rng != null) {
            pruneSpurs(on, w, h, maxSpur, dropChance, rng);
        }
        List<double[]> segs = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!on[y * w + x]) {
                    continue;
                }
                boolean linked = false;
                int[][] forward = {{1, 0}, {1, 1}, {0, 1}, {-1, 1}};
                for (int[] d : forward) {
                    int nx = x + d[0];
                    int ny = y + d[1];
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h && on[ny * w + nx]) {
                        // skip a diagonal link when an orthogonal path already joins the two pixels
                        if (d[0] != 0 && d[1] != 0 && (on[y * w + nx] || on[ny * w + x])) {
                            continue;
                        }
                        segs.add(new double[] {x, y, nx, ny});
                        linked = true;
                    }
                }
                if (!linked) {
                    segs.add(new double[] {x, y, x, y});
                }
            }
        }
        return segs;
    }

    private static int neighbours(boolean[] on, int w, int h, int x, int y) {
        int n = 0;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx;
                int ny = y + dy;
                if ((dx != 0 || dy != 0) && nx >= 0 && ny >= 0 && nx < w && ny < h && on[ny * w + nx]) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Removes short branches that run from a free end to a junction, each with some chance. */
    static void pruneSpurs(boolean[] on, int w, int h, int maxSpur, double dropChance, java.util.SplittableRandom rng) {
        List<Integer> ends = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (on[y * w + x] && neighbours(on, w, h, x, y) == 1) {
                    ends.add(y * w + x);
                }
            }
        }
        for (int end : ends) {
            if (!on[end] || rng.nextDouble() >= dropChance) {
                continue;
            }
            // walk from the end until a junction (>= 3 neighbours) or too far
            List<Integer> path = new ArrayList<>();
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            int cur = end;
            boolean reachedJunction = false;
            while (path.size() <= maxSpur) {
                int cx = cur % w;
                int cy = cur / w;
                if (neighbours(on, w, h, cx, cy) >= 3) {
                    reachedJunction = true;
                    break;
                }
                path.add(cur);
                seen.add(cur);
                int next = -1;
                for (int dy = -1; dy <= 1 && next < 0; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = cx + dx;
                        int ny = cy + dy;
                        if ((dx != 0 || dy != 0)
                                && nx >= 0
                                && ny >= 0
                                && nx < w
                                && ny < h
                                && on[ny * w + nx]
                                && !seen.contains(ny * w + nx)) {
                            next = ny * w + nx;
                            break;
                        }
                    }
                }
                if (next < 0) {
                    break;
                }
                cur = next;
            }
            if (reachedJunction && path.size() <= maxSpur) {
                for (int p : path) {
                    on[p] = false;
                }
            }
        }
    }

    /** In-place Zhang-Suen thinning. */
    static void thin(boolean[] img, int w, int h) {
        boolean changed = true;
        List<Integer> remove = new ArrayList<>();
        while (changed) {
            changed = false;
            for (int pass = 0; pass < 2; pass++) {
                remove.clear();
                for (int y = 1; y < h - 1; y++) {
                    for (int x = 1; x < w - 1; x++) {
                        if (!img[y * w + x]) {
                            continue;
                        }
                        boolean p2 = img[(y - 1) * w + x];
                        boolean p3 = img[(y - 1) * w + x + 1];
                        boolean p4 = img[y * w + x + 1];
                        boolean p5 = img[(y + 1) * w + x + 1];
                        boolean p6 = img[(y + 1) * w + x];
                        boolean p7 = img[(y + 1) * w + x - 1];
                        boolean p8 = img[y * w + x - 1];
                        boolean p9 = img[(y - 1) * w + x - 1];
                        boolean[] ring = {p2, p3, p4, p5, p6, p7, p8, p9, p2};
                        int b = 0;
                        int a = 0;
                        for (int i = 0; i < 8; i++) {
                            if (ring[i]) {
                                b++;
                            }
                            if (!ring[i] && ring[i + 1]) {
                                a++;
                            }
                        }
                        if (b < 2 || b > 6 || a != 1) {
                            continue;
                        }
                        if (pass == 0) {
                            if ((p2 && p4 && p6) || (p4 && p6 && p8)) {
                                continue;
                            }
                        } else {
                            if ((p2 && p4 && p8) || (p2 && p6 && p8)) {
                                continue;
                            }
                        }
                        remove.add(y * w + x);
                    }
                }
                for (int i : remove) {
                    img[i] = false;
                }
                if (!remove.isEmpty()) {
                    changed = true;
                }
            }
        }
    }
}
