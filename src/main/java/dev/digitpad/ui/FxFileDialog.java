package dev.digitpad.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The window's file dialog: JavaFX's {@link FileChooser}, the desktop's own dialog. */
public final class FxFileDialog implements FileDialog {
    @Override
    public Optional<Path> choose(Request request, Window owner) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(request.title());
        if (request.folder() != null) {
            chooser.setInitialDirectory(request.folder().toFile());
        }
        if (request.fileName() != null) {
            chooser.setInitialFileName(request.fileName());
        }
        for (Filter f : request.filters()) {
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(f.description(), f.patterns()));
        }
        File file = request.mode() == Mode.OPEN ? chooser.showOpenDialog(owner) : chooser.showSaveDialog(owner);
        return Optional.ofNullable(file).map(File::toPath);
    }
}
