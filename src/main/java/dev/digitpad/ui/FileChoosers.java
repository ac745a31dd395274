package dev.digitpad.ui;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.StringProperty;
import javafx.stage.Window;

/**
 * The one place the window's file choosers are set up (File &gt; Open, Save and Export, the Server tab's Browse
 * buttons): each starts in the folder last used, while it still exists, and remembers the folder of the file chosen in
 * {@code lastFolder} ({@link MainViewModel#lastFolderProperty()}, kept between runs).
 */
public final class FileChoosers {
    private final StringProperty lastFolder;
    private FileDialog dialog;

    public FileChoosers(StringProperty lastFolder, FileDialog dialog) {
        this.lastFolder = lastFolder;
        this.dialog = dialog;
    }

    /** Replaces the dialog (tests answer in place of the native one). */
    public void setDialog(FileDialog dialog) {
        this.dialog = dialog;
    }

    /** Asks for a file to read. */
    public Optional<Path> open(String title, Window owner, FileDialog.Filter... filters) {
        return choose(FileDialog.Mode.OPEN, title, null, owner, filters);
    }

    /** Asks for a file to write, proposing {@code fileName}. */
    public Optional<Path> save(String title, String fileName, Window owner, FileDialog.Filter... filters) {
        return choose(FileDialog.Mode.SAVE, title, fileName, owner, filters);
    }

    /** Where the next chooser starts: the last folder used if it is still a folder, else null (the platform's). */
    Path startFolder() {
        String last = lastFolder.get();
        if (last == null || last.isBlank()) {
            return null;
        }
        try {
            Path folder = Path.of(last);
            return Files.isDirectory(folder) ? folder : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private Optional<Path> choose(
            FileDialog.Mode mode, String title, String fileName, Window owner, FileDialog.Filter... filters) {
        Optional<Path> chosen =
                dialog.choose(new FileDialog.Request(mode, title, startFolder(), fileName, List.of(filters)), owner);
        chosen.map(p -> p.toAbsolutePath().getParent()).ifPresent(folder -> lastFolder.set(folder.toString()));
        return chosen;
    }
}
