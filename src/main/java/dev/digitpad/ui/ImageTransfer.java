package dev.digitpad.ui;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;

/** Images that come by paste or by drag and drop: the image itself, or the first file, shown on the pad. */
final class ImageTransfer {
    private final MainViewModel vm;

    ImageTransfer(MainViewModel vm) {
        this.vm = vm;
    }

    /** Edit &gt; Paste image: shows the clipboard's image, or says there is none. */
    void paste() {
        if (!take(Clipboard.getSystemClipboard())) {
            vm.report(new Problem(
                    "Nothing to paste",
                    "The clipboard holds no image. Copy an image or an image file, then paste again."));
        }
    }

    /** Lets {@code target} take images and image files dropped on it. */
    void acceptDrops(Node target) {
        target.setOnDragOver(this::dragOver);
        target.setOnDragDropped(this::dropped);
    }

    /**
     * Shows the image a paste or a drop carries (a drop's {@link javafx.scene.input.Dragboard} is a clipboard too):
     * the image itself if there is one, else the first file. Returns whether there was anything to show.
     */
    private boolean take(Clipboard board) {
        if (board.hasImage() && board.getImage() != null) {
            vm.show(SwingFXUtils.fromFXImage(board.getImage(), null));
            return true;
        }
        if (board.hasFiles() && !board.getFiles().isEmpty()) {
            vm.open(board.getFiles().get(0).toPath());
            return true;
        }
        return false;
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles() || e.getDragboard().hasImage()) {
            e.acceptTransferModes(TransferMode.COPY);
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        e.setDropCompleted(take(e.getDragboard()));
        e.consume();
    }
}
