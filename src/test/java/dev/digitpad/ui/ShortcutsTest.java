package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The one table of keys, against the README's table of them. */
class ShortcutsTest {
    /** The rows of the README's "| key | does |" table, as "keys | does". */
    private static List<String> readmeRows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int header = lines.indexOf("| key | does |");
        assertThat(header).as("the README has a table of keys").isNotNegative();
        List<String> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            rows.add(cells[1].strip() + " | " + cells[2].strip());
        }
        return rows;
    }

    @Test
    void theReadmeListsEveryShortcutAsTheWindowDoes() throws IOException {
        // The README names the keys as Linux and Windows show them (Ctrl, not the Mac's symbols).
        Assumptions.assumeFalse(
                System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac"));
        List<String> table = Shortcuts.TABLE.stream()
                .map(s -> s.keysText(", ") + " | " + s.does())
                .toList();
        assertThat(readmeRows()).containsExactlyElementsOf(table);
    }

    @Test
    void everyKeyIsInTheTableOnceAndTheEraserIsE() {
        List<String> keys = Shortcuts.TABLE.stream()
                .flatMap(s -> s.keys().stream())
                .map(Object::toString)
                .toList();
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(Shortcuts.of(Shortcuts.ERASER).keysText(", ")).isEqualTo("E");
        assertThat(Shortcuts.tip("Redo", Shortcuts.REDO)).isEqualTo("Redo (Ctrl+Shift+Z or Ctrl+Y)");
        assertThat(Shortcuts.others(Shortcuts.CLEAR)).isEqualTo("Backspace");
    }
}
