package dev.digitpad.inference;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.proto.SavedModel;

/**
 * Reads what a SavedModel offers from its {@code saved_model.pb} (or {@code saved_model.pbtxt}) as a protobuf
 * message, without loading the model: no session, no native memory, in milliseconds. A path is either one SavedModel
 * folder or a model's base folder of numbered versions, found by the rules the server finds them by
 * ({@link VersionSource}).
 */
public final class SavedModelFiles {
    private SavedModelFiles() {}

    /**
     * One SavedModel read from disk.
     *
     * @param version its number, or null for a SavedModel folder given on its own
     * @param file the {@code saved_model.pb} or {@code saved_model.pbtxt} read
     */
    public record Read(Long version, Path file, SavedModel savedModel) {}

    /** Why a path could not be read as a SavedModel or a folder of versions; the message says what to do. */
    public static final class UnreadableException extends RuntimeException {
        UnreadableException(String message, Throwable cause) {
            super(message, cause);
        }

        UnreadableException(String message) {
            super(message);
        }
    }

    private static final String WHAT_TO_GIVE = "Give a SavedModel folder (one holding saved_model.pb) or a model's base"
            + " folder of numbered versions (such as models/mnist, holding 1/saved_model.pb).";

    /**
     * The SavedModel in {@code path}, or each version under it, lowest first.
     *
     * @throws UnreadableException when the path is missing, a file, empty, holds neither a SavedModel nor numbered
     *     versions, or a {@code saved_model.pb} is not a SavedModel (corrupt, truncated)
     */
    public static List<Read> read(Path path) {
        if (!Files.exists(path)) {
            throw new UnreadableException("There is no file or folder " + path + ". " + WHAT_TO_GIVE);
        }
        if (!Files.isDirectory(path)) {
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            throw new UnreadableException(path + " is a file, not a folder. "
                    + (name.startsWith("saved_model.pb") && path.getParent() != null
                            ? "Give the folder that holds it: " + path.getParent() + "."
                            : WHAT_TO_GIVE));
        }
        Path pb = modelFile(path);
        if (pb != null) {
            return List.of(new Read(null, pb, parse(pb)));
        }
        var versions = new VersionSource(
                        path.getFileName() == null ? "" : path.getFileName().toString(), path)
                .scan();
        if (versions.isEmpty()) {
            throw new UnreadableException(nothingIn(path));
        }
        List<Read> read = new ArrayList<>();
        for (var v : versions.values()) {
            Path file = modelFile(v.dir());
            read.add(new Read(v.version(), file, parse(file)));
        }
        return read;
    }

    /** The SavedModel file in {@code dir}, as the server looks for it, or null. */
    private static Path modelFile(Path dir) {
        for (String name : List.of("saved_model.pb", "saved_model.pbtxt")) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    private static String nothingIn(Path path) {
        List<String> entries;
        try (Stream<Path> listing = Files.list(path)) {
            entries = listing.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return "Cannot list " + path + " (" + e.getMessage() + "). " + WHAT_TO_GIVE;
        }
        if (entries.isEmpty()) {
            return path + " is empty. " + WHAT_TO_GIVE;
        }
        List<String> unfinished = entries.stream()
                .filter(n -> n.matches("[0-9]{1,18}") && Files.isDirectory(path.resolve(n)))
                .toList();
        if (!unfinished.isEmpty()) {
            return path + " has version folders (" + String.join(", ", unfinished)
                    + ") but none holds a saved_model.pb: export the model into one, or give the folder it was"
                    + " exported to.";
        }
        return path + " holds no saved_model.pb and no numbered version folders (it has "
                + String.join(", ", entries.subList(0, Math.min(5, entries.size())))
                + (entries.size() > 5 ? ", ..." : "") + "). " + WHAT_TO_GIVE;
    }

    private static SavedModel parse(Path file) {
        try {
            SavedModel model;
            if (file.getFileName().toString().endsWith(".pbtxt")) {
                SavedModel.Builder builder = SavedModel.newBuilder();
                TextFormat.merge(Files.readString(file, StandardCharsets.UTF_8), builder);
                model = builder.build();
            } else {
                model = SavedModel.parseFrom(Files.readAllBytes(file));
            }
            if (model.getMetaGraphsCount() == 0) {
                throw new UnreadableException(file + " is not a SavedModel: it has no MetaGraphDef (it may be empty,"
                        + " cut short, or another kind of file). Export the model again, or copy it whole.");
            }
            return model;
        } catch (InvalidProtocolBufferException | TextFormat.ParseException e) {
            throw new UnreadableException(
                    file + " is not a SavedModel: it is corrupt or cut short (" + e.getMessage()
                            + "). Export the model again, or copy it whole.",
                    e);
        } catch (NoSuchFileException e) {
            throw new UnreadableException(file + " disappeared while it was being read. Try again.", e);
        } catch (IOException e) {
            throw new UnreadableException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
