package dev.digitpad.inference;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the versions of one model under its base path, laid out as TensorFlow Serving expects:
 * {@code <base>/<version>/saved_model.pb}, where a version is a directory named by a whole number.
 * Every oddity is logged once, not at every poll.
 */
final class VersionSource {
    private static final Logger log = LoggerFactory.getLogger(VersionSource.class);

    private final String model;
    private final Path basePath;
    private final Set<String> reported = new HashSet<>();

    VersionSource(String model, Path basePath) {
        this.model = model;
        this.basePath = basePath;
    }

    Path basePath() {
        return basePath;
    }

    /** A version directory that holds a SavedModel, with a fingerprint that changes when its files change. */
    record Candidate(long version, Path dir, String fingerprint) {}

    /** The versions that are ready to load, by number. */
    NavigableMap<Long, Candidate> scan() {
        NavigableMap<Long, Candidate> found = new TreeMap<>();
        if (!Files.isDirectory(basePath)) {
            once(
                    "missing",
                    "Model \"{}\": base path {} does not exist or is not a directory; waiting for it to appear",
                    model,
                    basePath);
            return found;
        }
        reported.remove("missing");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(basePath)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!Files.isDirectory(entry) || name.startsWith(".")) {
                    continue;
                }
                if (!name.matches("[0-9]{1,18}")) {
                    once(
                            "name:" + name,
                            "Model \"{}\": skipping {} because version directories must be named by a whole"
                                    + " number (for example {}/1)",
                            model,
                            entry,
                            basePath);
                    continue;
                }
                long version = Long.parseLong(name);
                Path pb = entry.resolve("saved_model.pb");
                if (!Files.isRegularFile(pb)) {
                    pb = entry.resolve("saved_model.pbtxt");
                }
                if (!Files.isRegularFile(pb)) {
                    once(
                            "incomplete:" + name,
                            "Model \"{}\": version {} has no saved_model.pb yet in {}; it will be loaded"
                                    + " once it is complete",
                            model,
                            version,
                            entry);
                    continue;
                }
                reported.remove("incomplete:" + name);
                found.put(version, new Candidate(version, entry, fingerprint(pb, entry.resolve("variables"))));
            }
        } catch (IOException e) {
            once("io", "Model \"{}\": cannot list {}: {}", model, basePath, e.toString());
        }
        return found;
    }

    private static String fingerprint(Path pb, Path variables) throws IOException {
        BasicFileAttributes a = Files.readAttributes(pb, BasicFileAttributes.class);
        StringBuilder fp = new StringBuilder()
                .append(a.size())
                .append('@')
                .append(a.lastModifiedTime().toMillis());
        if (Files.isDirectory(variables)) {
            try (java.util.stream.Stream<Path> listing = Files.list(variables)) {
                for (Path f : listing.sorted().toList()) {
                    BasicFileAttributes v = Files.readAttributes(f, BasicFileAttributes.class);
                    fp.append(';')
                            .append(f.getFileName())
                            .append(v.size())
                            .append('@')
                            .append(v.lastModifiedTime().toMillis());
                }
            }
        }
        return fp.toString();
    }

    private void once(String key, String format, Object... args) {
        if (reported.add(key)) {
            log.warn(format, args);
        }
    }
}
