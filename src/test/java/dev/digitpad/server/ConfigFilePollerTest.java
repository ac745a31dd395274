package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.testing.FakeVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model_config_file_poll_wait_seconds}: an edited file is applied, an unchanged one changes nothing, and a
 * file that is broken or refused leaves the served models as they are.
 */
class ConfigFilePollerTest {
    @TempDir
    Path dir;

    private final FakeVersions loader = new FakeVersions();
    private ModelManager models;
    private ConfigFilePoller poller;
    private Path file;

    @AfterEach
    void close() {
        if (poller != null) {
            poller.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private static String config(String... models) {
        StringBuilder text = new StringBuilder("model_config_list {\n");
        for (String m : models) {
            text.append("  config { ").append(m).append(" }\n");
        }
        return text.append("}\n").toString();
    }

    private void start(String text) throws Exception {
        file = Files.writeString(dir.resolve("models.config"), text);
        ModelServerConfigs.Served served = ModelServerConfigs.readFile(file);
        models = new ModelManager(served.models(), loader, Duration.ZERO);
        models.pollNow();
        poller = new ConfigFilePoller(file, models, served);
    }

    @Test
    void anEditedFileIsAppliedAndAnUnchangedOneChangesNothing() throws Exception {
        FakeVersions.write(dir.resolve("a"), 1);
        FakeVersions.write(dir.resolve("b"), 4);
        start(config("name: \"a\" base_path: \"a\""));

        poller.poll();
        List<String> unchanged = loader.events();
        Files.writeString(file, config("name: \"a\" base_path: \"a\"", "name: \"b\" base_path: \"b\""));
        poller.poll();
        poller.poll();

        assertThat(unchanged).containsExactly("load a 1");
        assertThat(models.modelNames()).containsExactly("a", "b");
        assertThat(loader.events()).containsExactly("load a 1", "load b 4");
    }

    @Test
    void aBrokenOrRefusedFileLeavesTheModelsAsTheyAre() throws Exception {
        FakeVersions.write(dir.resolve("a"), 1);
        start(config("name: \"a\" base_path: \"a\""));

        Files.writeString(file, "model_config_list { config { name: \"a\" base_path: ");
        poller.poll();
        Files.writeString(file, config("name: \"a\" base_path: \"a\" version_labels { key: \"x\" value: 9 }"));
        poller.poll();
        Files.delete(file);
        poller.poll();

        assertThat(models.modelNames()).containsExactly("a");
        assertThat(models.labels("a")).isEmpty();
        assertThat(models.isAvailable("a")).isTrue();
    }

    @Test
    void aNewModelThatDoesNotLoadYetStaysListedAndLoadsWhenItsFolderAppears() throws Exception {
        FakeVersions.write(dir.resolve("a"), 1);
        start(config("name: \"a\" base_path: \"a\""));

        Files.writeString(file, config("name: \"a\" base_path: \"a\"", "name: \"late\" base_path: \"late\""));
        poller.poll();
        FakeVersions.write(dir.resolve("late"), 2);
        poller.poll(); // the same file: not reloaded again
        models.pollNow(); // the version poll finds the folder

        assertThat(models.modelNames()).containsExactly("a", "late");
        assertThat(models.availableVersions("late")).containsExactly(2L);
        assertThat(loader.events()).containsExactly("load a 1", "load late 2");
    }
}
