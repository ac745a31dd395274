import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws DigitPad's icon at every size the desktops ask for, into {@code assets/icons/digitpad-<size>.png}.
 *
 * <p>The design: a blue tile (the pad), a "4" written with a round pen in warm ink, and from 48 px up a strip of
 * ten probability bars along the bottom with the bar of 4 standing out, which is what the app shows. Each size is
 * drawn on its own rather than scaled down from the largest, so that the small ones stay crisp.
 *
 * <p>It also packs them for the other platforms' installers (see packaging/README.md): {@code digitpad.ico} for
 * Windows (16 to 256 px) and {@code digitpad.icns} for macOS (16 to 512 px), both holding the same PNGs.
 *
 * <p>Run from the repository root: {@code java scripts/MakeIcons.java [folder]} (JDK 25; no other tools).
 */
public final class MakeIcons {
    static final int[] SIZES = {16, 24, 32, 48, 64, 128, 256, 512};

    static final Color TILE_TOP = new Color(0x2F6FA8);
    static final Color TILE_BOTTOM = new Color(0x173A63);
    static final Color INK = new Color(0xFFB547);

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "assets/icons");
        Files.createDirectories(folder);
        Map<Integer, byte[]> pngs = new LinkedHashMap<>();
        for (int size : SIZES) {
            Path file = folder.resolve("digitpad-" + size + ".png");
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(draw(size), "png", png);
            pngs.put(size, png.toByteArray());
            Files.write(file, png.toByteArray());
            System.out.println("wrote " + file);
        }
        Files.write(folder.resolve("digitpad.ico"), ico(pngs));
        Files.write(folder.resolve("digitpad.icns"), icns(pngs));
        System.out.println("wrote " + folder.resolve("digitpad.ico") + " and " + folder.resolve("digitpad.icns"));
    }

    /** A Windows icon: a directory of PNG images (Windows Vista and later read PNG entries), up to 256 px. */
    static byte[] ico(Map<Integer, byte[]> pngs) throws IOException {
        Map<Integer, byte[]> entries = new LinkedHashMap<>(pngs);
        entries.keySet().removeIf(size -> size > 256);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LittleEndian out = new LittleEndian(bytes);
        out.u16(0);
        out.u16(1); // an icon, not a cursor
        out.u16(entries.size());
        int offset = 6 + 16 * entries.size();
        for (Map.Entry<Integer, byte[]> e : entries.entrySet()) {
            int side = e.getKey() == 256 ? 0 : e.getKey(); // 0 means 256
            out.u8(side);
            out.u8(side);
            out.u8(0); // no palette
            out.u8(0);
            out.u16(1); // colour planes
            out.u16(32); // bits per pixel
            out.u32(e.getValue().length);
            out.u32(offset);
            offset += e.getValue().length;
        }
        for (byte[] png : entries.values()) {
            bytes.write(png);
        }
        return bytes.toByteArray();
    }

    /** A macOS icon family: PNG entries under their size's type code, big-endian lengths. */
    static byte[] icns(Map<Integer, byte[]> pngs) throws IOException {
        Map<Integer, String> types = Map.of(16, "icp4", 32, "icp5", 64, "icp6", 128, "ic07", 256, "ic08", 512, "ic09");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        for (Map.Entry<Integer, byte[]> e : pngs.entrySet()) {
            String type = types.get(e.getKey());
            if (type != null) {
                out.writeBytes(type);
                out.writeInt(8 + e.getValue().length);
                out.write(e.getValue());
            }
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(file);
        header.writeBytes("icns");
        header.writeInt(8 + body.size());
        body.writeTo(file);
        return file.toByteArray();
    }

    private record LittleEndian(ByteArrayOutputStream out) {
        void u8(int v) { out.write(v & 0xFF); }
        void u16(int v) { u8(v); u8(v >> 8); }
        void u32(int v) { u16(v); u16(v >> 16); }
    }

    static BufferedImage draw(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        // Everything below is in a 100 x 100 box.
        g.scale(size / 100.0, size / 100.0);

        boolean small = size < 48;
        double margin = small ? 1 : 4;
        double side = 100 - 2 * margin;
        g.setPaint(new GradientPaint(0, (float) margin, TILE_TOP, 0, (float) (100 - margin), TILE_BOTTOM));
        g.fill(new RoundRectangle2D.Double(margin, margin, side, side, side * 0.36, side * 0.36));

        // The digit: two strokes, as a hand writes a 4. Small sizes get a thicker pen and the whole tile.
        double top = 14;
        double bottom = small ? 86 : 66;
        double pen = small ? 15 : 11;
        double crossY = top + (bottom - top) * 0.64;
        Path2D open = new Path2D.Double();
        open.moveTo(44, top);
        open.lineTo(24, crossY);
        open.lineTo(78, crossY);
        Path2D down = new Path2D.Double();
        down.moveTo(62, top + (bottom - top) * 0.18);
        down.lineTo(60, bottom);
        g.setColor(INK);
        g.setStroke(new BasicStroke((float) pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(open);
        g.draw(down);

        if (!small) {
            // The distribution: ten bars on a baseline, the one of "4" tall and inked.
            double[] heights = {2, 3, 2, 4, 13, 2, 3, 5, 2, 6};
            double left = 17;
            double width = 66;
            double step = width / heights.length;
            double baseline = 86;
            for (int k = 0; k < heights.length; k++) {
                g.setColor(k == 4 ? INK : new Color(255, 255, 255, 170));
                double x = left + k * step + step * 0.18;
                g.fill(new Rectangle2D.Double(x, baseline - heights[k], step * 0.64, heights[k]));
            }
            g.setColor(new Color(255, 255, 255, 120));
            g.fill(new Rectangle2D.Double(left, baseline, width, 1.2));
        }
        g.dispose();
        return image;
    }
}
