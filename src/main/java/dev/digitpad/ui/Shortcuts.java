package dev.digitpad.ui;

import java.util.List;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;

/**
 * The window's keys, in one {@link #TABLE}: the menus' accelerators, the second keys some commands have beside them,
 * the tool bar's tooltips and Help &gt; Keyboard shortcuts all come from it (and the README's table is checked
 * against it).
 */
public final class Shortcuts {
    static final KeyCombination UNDO = new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination REDO =
            new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);
    static final KeyCombination REDO_Y = new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination CLEAR = new KeyCodeCombination(KeyCode.DELETE);
    static final KeyCombination CLEAR_BACKSPACE = new KeyCodeCombination(KeyCode.BACK_SPACE);
    static final KeyCombination OPEN = new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination PASTE = new KeyCodeCombination(KeyCode.V, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination SAVE = new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination COPY_DISTRIBUTION =
            new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);
    static final KeyCombination PREDICT = new KeyCodeCombination(KeyCode.ENTER);
    static final KeyCombination ERASER = new KeyCodeCombination(KeyCode.E);

    /**
     * One line of the table.
     *
     * @param keys the keys, the menu item's accelerator first
     * @param does what they do, as the README's table and the shortcuts dialog say it
     */
    public record Shortcut(List<KeyCombination> keys, String does) {
        Shortcut(String does, KeyCombination... keys) {
            this(List.of(keys), does);
        }

        /** The keys as the menus show them, joined by {@code separator}: "Ctrl+Shift+Z, Ctrl+Y". */
        public String keysText(String separator) {
            return keys.stream().map(Shortcuts::text).collect(Collectors.joining(separator));
        }
    }

    /** Every key of the window, in the order Help &gt; Keyboard shortcuts and the README list them. */
    public static final List<Shortcut> TABLE = List.of(
            new Shortcut("undo the last stroke", UNDO),
            new Shortcut("redo", REDO, REDO_Y),
            new Shortcut("clear the pad (undoable)", CLEAR, CLEAR_BACKSPACE),
            new Shortcut("eraser on or off", ERASER),
            new Shortcut("open an image file", OPEN),
            new Shortcut("paste an image (or an image file) from the clipboard", PASTE),
            new Shortcut("save the drawing as PNG (280x280, black on white)", SAVE),
            new Shortcut("copy the ten probabilities as text", COPY_DISTRIBUTION),
            new Shortcut("predict now (wherever the focus is, except in a text field)", PREDICT));

    private Shortcuts() {}

    /** A key as the menus show it, but with Enter and Backspace in words (JavaFX shows "↵" and "Back Space"). */
    static String text(KeyCombination key) {
        return key.getDisplayText().replace("↵", "Enter").replace("Back Space", "Backspace");
    }

    /** The line of the table whose first key is {@code key}. */
    static Shortcut of(KeyCombination key) {
        return TABLE.stream()
                .filter(s -> s.keys().getFirst().equals(key))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no shortcut starts with " + key));
    }

    /** A tool bar tooltip: {@code what} and every key that does it, "Redo (Ctrl+Shift+Z or Ctrl+Y)". */
    static String tip(String what, KeyCombination key) {
        return what + " (" + of(key).keysText(" or ") + ")";
    }

    /** The keys beside a menu item's accelerator, for its label: "Ctrl+Y". */
    static String others(KeyCombination key) {
        List<KeyCombination> keys = of(key).keys();
        return new Shortcut(keys.subList(1, keys.size()), "").keysText(" or ");
    }

    /**
     * Installs the keys beyond the one accelerator a menu item shows, and Enter: it predicts wherever the focus is
     * (a checkbox or a button that has the focus does not take it), except in a text field, where it is the field's
     * and never predicts.
     */
    static void install(Scene scene, PadViewModel pad) {
        scene.getAccelerators().put(REDO_Y, pad::redo);
        scene.getAccelerators().put(CLEAR_BACKSPACE, pad::clear);
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (PREDICT.match(e) && !typing(scene)) {
                e.consume();
                pad.predictNow();
            }
        });
        scene.addEventFilter(KeyEvent.KEY_RELEASED, e -> {
            if (PREDICT.match(e) && !typing(scene)) {
                e.consume(); // a focused button or checkbox would fire on it
            }
        });
        // Enter that a text field leaves unused bubbles up to the scene, whose menu accelerator would predict.
        scene.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (PREDICT.match(e) && typing(scene)) {
                e.consume();
            }
        });
    }

    /** Whether the focus is in a text field: also an editable combo box's, whose box, not its field, has the focus. */
    private static boolean typing(Scene scene) {
        Node focus = scene.getFocusOwner();
        return focus instanceof TextInputControl || focus instanceof ComboBoxBase<?> box && box.isEditable();
    }
}
