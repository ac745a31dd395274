package dev.digitpad.testing;

import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * Version folders for a {@link FakeServable} and the loader that loads them, without TensorFlow: for tests of which
 * versions are served and when, where the model itself does not matter. The loader records "load m v" and "close m v"
 * events, and refuses a folder whose marker file says {@link #BROKEN}.
 */
public final class FakeVersions implements ServableLoader {
    /** What a broken version's marker file holds. */
    public static final String BROKEN = "broken";

    private final List<String> events;
    private final List<FakeServable> loaded = new CopyOnWriteArrayList<>();

    /** A loader that keeps its events to itself. */
    public FakeVersions() {
        this(new CopyOnWriteArrayList<>());
    }

    /** A loader that adds its events to {@code events}, where a test may note its own between them. */
    public FakeVersions(List<String> events) {
        this.events = events;
    }

    /** Writes version folders {@code versions} under {@code base}, each with the marker the version source needs. */
    public static Path write(Path base, long... versions) throws IOException {
        for (long v : versions) {
            Files.writeString(
                    Files.createDirectories(base.resolve(Long.toString(v))).resolve("saved_model.pb"), "ok");
        }
        return base;
    }

    /** Writes a version folder that the loader refuses. */
    public static void writeBroken(Path base, long version) throws IOException {
        Files.writeString(
                Files.createDirectories(base.resolve(Long.toString(version))).resolve("saved_model.pb"), BROKEN);
    }

    @Override
    public Servable load(String model, long version, Path dir) {
        try {
            if (Files.readString(dir.resolve("saved_model.pb")).equals(BROKEN)) {
                throw ServingException.failedPrecondition("version " + version + " of " + model + " is broken");
            }
        } catch (IOException e) {
            throw new ServingException(Code.NOT_FOUND, e.toString());
        }
        events.add("load " + model + " " + version);
        FakeServable fake = new FakeServable();
        loaded.add(fake);
        return new Servable() {
            @Override
            public Map<String, SignatureDef> signatures() {
                return fake.signatures();
            }

            @Override
            public Map<String, TensorProto> predict(
                    String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
                return fake.predict(signatureKey, inputs, outputFilter, limits);
            }

            @Override
            public void close() {
                fake.close();
                events.add("close " + model + " " + version);
            }
        };
    }

    /** The servables loaded so far, in order: a test may hold and release their runs, or clear the list. */
    public List<FakeServable> loaded() {
        return loaded;
    }

    /** The loads and closes so far, in order. */
    public List<String> events() {
        return List.copyOf(events);
    }
}
