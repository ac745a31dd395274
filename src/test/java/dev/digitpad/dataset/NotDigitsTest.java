package dev.digitpad.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.SketchedDigits;
import java.awt.Font;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NotDigitsTest {
    static final LabelledDigits DONORS = SketchedDigits.of(3);

    @Test
    void theSameSeedGivesTheSamePicturesAndAnotherSeedOthers() {
        List<NotDigits.Picture> a = NotDigits.training(DONORS, 5, 60);
        List<NotDigits.Picture> b = NotDigits.training(DONORS, 5, 60);
        List<NotDigits.Picture> c = NotDigits.training(DONORS, 6, 60);
        assertThat(a).hasSize(60);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).kind()).isEqualTo(a.get(i).kind());
            assertThat(b.get(i).pixels()).containsExactly(a.get(i).pixels());
        }
        long same = java.util.stream.IntStream.range(0, 60)
                .filter(i -> java.util.Arrays.equals(a.get(i).pixels(), c.get(i).pixels()))
                .count();
        assertThat(same).isZero();

        List<NotDigits.Picture> h1 = NotDigits.heldOut(DONORS, 9, 30);
        List<NotDigits.Picture> h2 = NotDigits.heldOut(DONORS, 9, 30);
        for (int i = 0; i < h1.size(); i++) {
            assertThat(h2.get(i).pixels()).containsExactly(h1.get(i).pixels());
        }
    }

    @Test
    void everyKindHasTheMnistGeometry() {
        int exactly20 = 0;
        int total = 0;
        for (NotDigits.Kind kind : NotDigits.Kind.values()) {
            int kind20 = 0;
            int n = 10;
            for (int i = 0; i < n; i++) {
                float[] p = NotDigits.one(DONORS, kind, 3, i).pixels();
                assertThat(p).as("%s %d", kind, i).hasSize(784);
                float max = 0;
                for (float v : p) {
                    assertThat(v).as("%s %d", kind, i).isBetween(0f, 1f);
                    max = Math.max(max, v);
                }
                assertThat(max)
                        .as("%s %d brightest", kind, i)
                        .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
                int side = inkBoxLongerSide(p);
                // the normaliser scales the ink's box to 20 px; its centring shift may crop a little
                assertThat(side).as("%s %d ink box", kind, i).isBetween(1, 20);
                if (side == 20) {
                    kind20++;
                }
            }
            assertThat(kind20).as("%s pictures whose ink box is 20 px", kind).isGreaterThanOrEqualTo(n / 2);
            exactly20 += kind20;
            total += n;
        }
        assertThat(exactly20).isGreaterThanOrEqualTo(total * 9 / 10);
    }

    @Test
    void heldOutKindsAreNotTrainingKinds() {
        Set<NotDigits.Kind> trained = NotDigits.training(DONORS, 1, 400).stream()
                .map(NotDigits.Picture::kind)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(NotDigits.Kind.class)));
        Set<NotDigits.Kind> measured = NotDigits.heldOut(DONORS, 2, 300).stream()
                .map(NotDigits.Picture::kind)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(NotDigits.Kind.class)));
        assertThat(trained).allMatch(k -> !k.heldOut());
        assertThat(measured).allMatch(NotDigits.Kind::heldOut);
        // every kind shows up in its set
        assertThat(trained.size() + measured.size()).isEqualTo(NotDigits.Kind.values().length);
        assertThat(trained).doesNotContainAnyElementsOf(measured);
    }

    @Test
    void heldOutLettersUseOtherFontFamiliesThanTrainingLetters() {
        Set<String> training =
                NotDigits.trainingLetterFaces().stream().map(Font::getFamily).collect(Collectors.toSet());
        Set<String> heldOut =
                NotDigits.heldOutLetterFaces().stream().map(Font::getFamily).collect(Collectors.toSet());
        assertThat(training).isNotEmpty().doesNotContainAnyElementsOf(heldOut);
        assertThat(heldOut).isNotEmpty();
    }

    @Test
    void noTrainingLetterLooksLikeADigit() {
        String lookAlikes = "OoDQ" + "lIij|" + "Zz" + "Ss" + "bG" + "B" + "gq";
        for (char c : NotDigits.TRAINING_LETTERS.toCharArray()) {
            assertThat(lookAlikes.indexOf(c)).as("%s", c).isNegative();
            assertThat(NotDigits.LOOK_ALIKES.indexOf(c)).as("%s", c).isNegative();
            assertThat(Character.isDigit(c)).as("%s", c).isFalse();
        }
        for (char c : NotDigits.HELD_OUT_EXTRA_LETTERS.toCharArray()) {
            assertThat(NotDigits.LOOK_ALIKES.indexOf(c)).as("%s", c).isNegative();
        }
        assertThat(NotDigits.LOOK_ALIKES).contains("O", "l", "Z", "S", "b", "B", "g");
    }

    @Test
    void anUprightBarIsAOneAndIsNotUsed() {
        float[] bar = new float[784];
        float[] dash = new float[784];
        for (int i = 4; i < 24; i++) {
            for (int w = 13; w < 16; w++) {
                bar[i * 28 + w] = 1f;
                dash[w * 28 + i] = 1f;
            }
        }
        assertThat(NotDigits.looksLikeOne(bar)).isTrue();
        assertThat(NotDigits.looksLikeOne(dash)).isFalse();
        for (NotDigits.Picture p : NotDigits.training(DONORS, 4, 200)) {
            assertThat(NotDigits.looksLikeOne(p.pixels())).as("%s", p.kind()).isFalse();
        }
    }

    @Test
    void aRingHasAHoleAndAHookHasNone() {
        FloatGrid ring = new FloatGrid(20, 20);
        FloatGrid hook = new FloatGrid(20, 20);
        for (int a = 0; a < 360; a += 2) {
            double x = 10 + 6 * Math.cos(Math.toRadians(a));
            double y = 10 + 6 * Math.sin(Math.toRadians(a));
            ring.stampDisc(x, y, 1, 1f);
            if (a < 270) {
                hook.stampDisc(x, y, 1, 1f);
            }
        }
        assertThat(NotDigits.hasHole(ring, 0.3f)).isTrue();
        assertThat(NotDigits.hasHole(hook, 0.3f)).isFalse();
    }

    static int inkBoxLongerSide(float[] p) {
        int x0 = 28;
        int y0 = 28;
        int x1 = -1;
        int y1 = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                x0 = Math.min(x0, i % 28);
                x1 = Math.max(x1, i % 28);
                y0 = Math.min(y0, i / 28);
                y1 = Math.max(y1, i / 28);
            }
        }
        return x1 < 0 ? 0 : Math.max(x1 - x0 + 1, y1 - y0 + 1);
    }
}
