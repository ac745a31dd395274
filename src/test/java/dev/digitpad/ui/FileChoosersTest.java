package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file choosers' set-up: where each starts, and what it remembers, with a dialog that answers as told. */
class FileChoosersTest {
    @TempDir
    Path dir;

    /** Records each request and answers with the next of its answers (empty: the person cancelled). */
    static final class Answering implements FileDialog {
        final List<Request> requests = new ArrayList<>();
        final Deque<Optional<Path>> answers = new ArrayDeque<>();

        Answering answer(Path file) {
            answers.add(Optional.of(file));
            return this;
        }

        Answering cancel() {
            answers.add(Optional.empty());
            return this;
        }

        @Override
        public Optional<Path> choose(Request request, javafx.stage.Window owner) {
            requests.add(request);
            return answers.removeFirst();
        }
    }

    private final StringProperty lastFolder = new SimpleStringProperty("");

    @Test
    void theFirstChooserStartsWhereThePlatformLikes() {
        Answering dialog = new Answering().cancel();
        new FileChoosers(lastFolder, dialog).open("Open", null, FileDialog.Filter.IMAGES, FileDialog.Filter.ALL);
        assertThat(dialog.requests.getFirst().folder()).isNull();
        assertThat(dialog.requests.getFirst().mode()).isEqualTo(FileDialog.Mode.OPEN);
        assertThat(dialog.requests.getFirst().filters())
                .containsExactly(FileDialog.Filter.IMAGES, FileDialog.Filter.ALL);
        assertThat(lastFolder.get()).as("a cancelled chooser remembers nothing").isEmpty();
    }

    @Test
    void eachChooserStartsInTheFolderOfTheFileChosenLast() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Answering dialog = new Answering()
                .answer(images.resolve("seven.png"))
                .answer(out.resolve("digit.png"))
                .cancel()
                .answer(images.resolve("three.png"));
        FileChoosers files = new FileChoosers(lastFolder, dialog);

        assertThat(files.open("Open", null, FileDialog.Filter.IMAGES)).contains(images.resolve("seven.png"));
        assertThat(lastFolder.get()).isEqualTo(images.toString());
        assertThat(files.save("Save", "digit.png", null, FileDialog.Filter.PNG)).contains(out.resolve("digit.png"));
        assertThat(files.save("Export", "model-input.png", null, FileDialog.Filter.PNG))
                .isEmpty();
        assertThat(files.open("Browse", null, FileDialog.Filter.PEM, FileDialog.Filter.ALL))
                .contains(images.resolve("three.png"));

        assertThat(dialog.requests).extracting(FileDialog.Request::folder).containsExactly(null, images, out, out);
        assertThat(dialog.requests.get(1).fileName()).isEqualTo("digit.png");
        assertThat(dialog.requests.get(1).mode()).isEqualTo(FileDialog.Mode.SAVE);
        assertThat(lastFolder.get()).isEqualTo(images.toString());
    }

    @Test
    void aFolderThatIsGoneIsNotWhereTheChooserStarts() throws Exception {
        Path gone = Files.createDirectories(dir.resolve("gone"));
        lastFolder.set(gone.toString());
        Files.delete(gone);
        Answering dialog = new Answering().cancel().cancel();
        FileChoosers files = new FileChoosers(lastFolder, dialog);
        files.open("Open", null);
        lastFolder.set(dir.resolve("a-file.txt").toString());
        Files.writeString(dir.resolve("a-file.txt"), "not a folder");
        files.open("Open", null);
        assertThat(dialog.requests).extracting(FileDialog.Request::folder).containsExactly(null, null);
    }

    @Test
    void aRelativeAnswerIsRememberedAsAnAbsoluteFolder() {
        Answering dialog = new Answering().answer(Path.of("digit.png"));
        new FileChoosers(lastFolder, dialog).save("Save", "digit.png", null, FileDialog.Filter.PNG);
        assertThat(Path.of(lastFolder.get())).isAbsolute().isEqualTo(Path.of("").toAbsolutePath());
    }

    @Test
    void theDialogCanBeReplaced() {
        Answering first = new Answering();
        Answering second = new Answering().answer(dir.resolve("ca.pem"));
        FileChoosers files = new FileChoosers(lastFolder, first);
        files.setDialog(second);
        assertThat(files.open("Browse", null, FileDialog.Filter.PEM)).contains(dir.resolve("ca.pem"));
        assertThat(first.requests).isEmpty();
        assertThat(lastFolder.get()).isEqualTo(dir.toString());
    }
}
