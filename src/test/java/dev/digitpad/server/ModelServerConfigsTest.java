package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.inference.ServingException;
import dev.digitpad.inference.VersionPolicy;
import dev.digitpad.protocol.serving.ModelServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/** A config file written for TensorFlow Serving reads the same here, and a wrong one says what to change. */
class ModelServerConfigsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("models.config"), text);
    }

    private String refusal(String text) throws Exception {
        Path file = file(text);
        String message = catchThrowableOfType(ConfigFileException.class, () -> ModelServerConfigs.readFile(file))
                .getMessage();
        assertThat(message).startsWith("--model_config_file=" + file + ": ");
        return message.substring(("--model_config_file=" + file + ": ").length());
    }

    @Test
    void everyPolicyAndTheLabelsReadAsTensorFlowServingWritesThem() throws Exception {
        ModelServerConfigs.Served served = ModelServerConfigs.readFile(file("""
                model_config_list {
                  config {
                    name: "mnist"
                    base_path: "/models/mnist"
                    model_platform: "tensorflow"
                    model_version_policy { specific { versions: 1 versions: 3 } }
                    version_labels { key: "stable" value: 1 }
                    version_labels { key: "canary" value: 3 }
                  }
                  config { name: "two" base_path: "/models/two" model_version_policy { latest { num_versions: 2 } } }
                  config { name: "every" base_path: "/models/every" model_version_policy { all {} } }
                  config { name: "plain" base_path: "/models/plain" }
                }
                """));

        assertThat(served.models())
                .containsExactly(
                        new ModelConfig(
                                "mnist",
                                Path.of("/models/mnist"),
                                new VersionPolicy.Specific(new TreeSet<>(java.util.List.of(1L, 3L)))),
                        new ModelConfig("two", Path.of("/models/two"), new VersionPolicy.Latest(2)),
                        new ModelConfig("every", Path.of("/models/every"), new VersionPolicy.All()),
                        new ModelConfig("plain", Path.of("/models/plain"), VersionPolicy.latest()));
        assertThat(served.labels()).isEqualTo(Map.of("mnist", Map.of("stable", 1L, "canary", 3L)));
    }

    @Test
    void aRelativeBasePathIsTakenFromTheFilesFolder() throws Exception {
        ModelServerConfigs.Served served = ModelServerConfigs.readFile(
                file("model_config_list { config { name: \"m\" base_path: \"models/m\" } }"));

        assertThat(served.models().getFirst().basePath()).isEqualTo(dir.resolve("models/m"));
    }

    @Test
    void versionZeroIsAVersionLikeAnyOther() throws Exception {
        ModelServerConfigs.Served served = ModelServerConfigs.readFile(file("model_config_list { config { name: \"m\""
                + " base_path: \"/m\" model_version_policy { specific { versions: 0 } }"
                + " version_labels { key: \"first\" value: 0 } } }"));

        assertThat(served.models().getFirst().policy())
                .isEqualTo(new VersionPolicy.Specific(new TreeSet<>(java.util.List.of(0L))));
        assertThat(served.labels()).isEqualTo(Map.of("m", Map.of("first", 0L)));
        assertThat(refusal("model_config_list { config { name: \"m\" base_path: \"/m\" model_version_policy {"
                        + " specific { versions: -1 } } } }"))
                .contains("lists a negative version");
        assertThat(refusal("model_config_list { config { name: \"m\" base_path: \"/m\" version_labels { key:"
                        + " \"x\" value: -1 } } }"))
                .contains("versions are whole numbers from 0 up");
    }

    @Test
    void aWrongFileSaysWhatToChange() throws Exception {
        assertThat(refusal("")).startsWith("the file has no model_config_list. List the models to serve, for example:");
        assertThat(refusal("model_config_list {}")).startsWith("model_config_list lists no model. Add one");
        assertThat(refusal("model_config_list { config { base_path: \"/m\" } }"))
                .startsWith("a model in model_config_list has no name.");
        assertThat(refusal("model_config_list { config { name: \"m\" } }"))
                .startsWith("model m has no base_path. Give the folder that holds its numbered versions");
        assertThat(refusal("model_config_list { config { name: \"m\" base_path: \"/a\" } config { name: \"m\""
                        + " base_path: \"/b\" } }"))
                .isEqualTo("Illegal to list model m multiple times in config list.");
        assertThat(refusal(
                        "model_config_list { config { name: \"m\" base_path: \"/a\" model_platform: \"pytorch\" } }"))
                .contains("model_platform \"pytorch\"")
                .contains("model_platform: \"tensorflow\"");
        assertThat(refusal("model_config_list { config { name: \"m\" base_path: \"s3://bucket/m\" } }"))
                .contains("this machine's file system only");
        assertThat(refusal("model_config_list { config { name: \"m\" base_path: \"/a\" model_version_policy {"
                        + " specific {} } } }"))
                .contains("specific {} } with no versions");
        assertThat(refusal("model_config_list { config { name: \"m\" base_path: \"/a\" version_labels { key: \"a/b\""
                        + " value: 1 } } }"))
                .contains("the version label \"a/b\"");
        assertThat(refusal("model_config_list { config { name: \"m\" base_path: \"/a\" logging_config {} } }"))
                .startsWith("line 1, column ")
                .contains("logging_config")
                .contains("for example: model_config_list { config {");
    }

    @Test
    void aReloadRequestNeedsAModelListWithAbsolutePaths() {
        ServingException empty = catchThrowableOfType(
                ServingException.class, () -> ModelServerConfigs.fromRequest(ModelServerConfig.getDefaultInstance()));

        assertThat(empty.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(ModelServerConfigs.fromRequest(ModelServerConfig.newBuilder()
                                .setModelConfigList(dev.digitpad.protocol.serving.ModelConfigList.getDefaultInstance())
                                .build())
                        .models())
                .isEmpty();
    }
}
