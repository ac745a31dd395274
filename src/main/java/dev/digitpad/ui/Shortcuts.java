package dev.digitpad.ui;

import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

/** The window's keys: the menus' accelerators, and the second keys some commands have beside them. */
final class Shortcuts {
    static final KeyCombination UNDO = new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination REDO =
            new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);
    static final KeyCombination REDO_Y = new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination CLEAR = new KeyCodeCombination(KeyCode.DELETE);
    static final KeyCombination CLEAR_BACKSPACE = new KeyCodeCombination(KeyCode.BACK_SPACE);
    static final KeyCombination OPEN = new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination PASTE = new KeyCodeCombination(KeyCode.V, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination SAVE = new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination PREDICT = new KeyCodeCombination(KeyCode.ENTER);
    static final KeyCombination ERASER = new KeyCodeCombination(KeyCode.E);

    private Shortcuts() {}

    /** Shortcuts beyond the one accelerator a menu item shows. */
    static void install(Scene scene, PadViewModel pad) {
        scene.getAccelerators().put(REDO_Y, pad::redo);
        scene.getAccelerators().put(CLEAR_BACKSPACE, pad::clear);
    }
}
