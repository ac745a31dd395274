package dev.digitpad.server;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ServingException;
import dev.digitpad.inference.VersionPolicy;
import dev.digitpad.protocol.serving.FileSystemStoragePathSourceConfig.ServableVersionPolicy;
import dev.digitpad.protocol.serving.ModelConfig;
import dev.digitpad.protocol.serving.ModelServerConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * TensorFlow Serving's {@code ModelServerConfig}, as {@code --model_config_file} and
 * {@code HandleReloadConfigRequest} carry it, checked and turned into the models and labels the manager serves.
 * Every refusal names the model and the field, and says what to write instead.
 */
public final class ModelServerConfigs {
    /** The only platform served. */
    static final String TENSORFLOW = "tensorflow";

    /** An example entry, shown when a file cannot be parsed. */
    static final String EXAMPLE = "model_config_list { config { name: \"mnist\" base_path: \"/models/mnist\""
            + " model_platform: \"tensorflow\" } }";

    private ModelServerConfigs() {}

    /** What a config asks to serve: the models in order, and each model's labels. */
    public record Served(List<ModelManager.ModelConfig> models, Map<String, Map<String, Long>> labels) {
        public Served {
            models = List.copyOf(models);
            labels = Map.copyOf(labels);
        }
    }

    /**
     * The config of a reload request. As in TensorFlow Serving, only a {@code model_config_list} is taken, and base
     * paths must be absolute.
     *
     * @throws ServingException INVALID_ARGUMENT saying what is wrong
     */
    static Served fromRequest(ModelServerConfig config) {
        if (config.getConfigCase() != ModelServerConfig.ConfigCase.MODEL_CONFIG_LIST) {
            throw ServingException.invalidArgument(
                    "ServerModelConfig type not supported by HandleReloadConfigRequest. Only ModelConfigList is"
                            + " currently supported; send config { model_config_list { config { name: ... base_path:"
                            + " ... } } }.");
        }
        return convert(config, Optional.empty(), ServingException::invalidArgument);
    }

    /**
     * The config in {@code file}, as {@code --model_config_file} names it. A relative base path is taken relative to
     * the file's folder.
     *
     * @throws ConfigFileException naming the flag and the file, saying what is wrong
     */
    public static Served readFile(Path file) {
        String flag = "--model_config_file";
        ModelServerConfig config = ConfigFiles.read(file, flag, ModelServerConfig.getDefaultInstance(), EXAMPLE);
        Function<String, RuntimeException> refusal =
                message -> new ConfigFileException(flag + "=" + file + ": " + message);
        if (config.getConfigCase() != ModelServerConfig.ConfigCase.MODEL_CONFIG_LIST) {
            throw refusal.apply("the file has no model_config_list"
                    + (config.hasCustomModelConfig() ? " (custom_model_config is not supported)" : "")
                    + ". List the models to serve, for example: " + EXAMPLE);
        }
        if (config.getModelConfigList().getConfigCount() == 0) {
            throw refusal.apply("model_config_list lists no model. Add one, for example: " + EXAMPLE);
        }
        Path folder = file.toAbsolutePath().getParent();
        return convert(config, Optional.of(folder), refusal);
    }

    private static Served convert(
            ModelServerConfig config, Optional<Path> relativeTo, Function<String, RuntimeException> refusal) {
        List<ModelManager.ModelConfig> models = new ArrayList<>();
        Map<String, Map<String, Long>> labels = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (ModelConfig model : config.getModelConfigList().getConfigList()) {
            String name = model.getName();
            if (name.isEmpty()) {
                throw refusal.apply("a model in model_config_list has no name. Give each model a name: the one"
                        + " requests call it by.");
            }
            if (!names.add(name)) {
                throw refusal.apply("Illegal to list model " + name + " multiple times in config list.");
            }
            if (!model.getModelPlatform().isEmpty() && !TENSORFLOW.equals(model.getModelPlatform())) {
                throw refusal.apply("model " + name + " asks for model_platform \"" + model.getModelPlatform()
                        + "\"; DigitPad serves TensorFlow SavedModels only: write model_platform: \"tensorflow\".");
            }
            models.add(
                    new ModelManager.ModelConfig(name, basePath(model, relativeTo, refusal), policy(model, refusal)));
            Map<String, Long> modelLabels = new LinkedHashMap<>();
            for (Map.Entry<String, Long> label : new java.util.TreeMap<>(model.getVersionLabelsMap()).entrySet()) {
                if (label.getKey().isEmpty() || label.getKey().contains("/")) {
                    throw refusal.apply("model " + name + " has the version label \"" + label.getKey()
                            + "\": a label must be a non-empty name without \"/\", such as \"stable\".");
                }
                if (label.getValue() < 0) {
                    throw refusal.apply("model " + name + " labels version " + label.getValue() + " \"" + label.getKey()
                            + "\": versions are whole numbers from 0 up.");
                }
                modelLabels.put(label.getKey(), label.getValue());
            }
            if (!modelLabels.isEmpty()) {
                labels.put(name, modelLabels);
            }
        }
        return new Served(models, labels);
    }

    private static Path basePath(
            ModelConfig model, Optional<Path> relativeTo, Function<String, RuntimeException> refusal) {
        String base = model.getBasePath();
        if (base.isEmpty()) {
            throw refusal.apply("model " + model.getName() + " has no base_path. Give the folder that holds its"
                    + " numbered versions, such as base_path: \"/models/" + model.getName() + "\".");
        }
        if (base.contains("://")) {
            throw refusal.apply("model " + model.getName() + " has base_path \"" + base + "\": DigitPad reads"
                    + " models from this machine's file system only; copy the model here and give its folder.");
        }
        Path path;
        try {
            path = Path.of(base);
        } catch (InvalidPathException e) {
            throw refusal.apply("model " + model.getName() + " has base_path \"" + base + "\", which is not a path"
                    + " here (" + e.getReason() + ").");
        }
        if (!path.isAbsolute()) {
            if (relativeTo.isEmpty()) {
                throw refusal.apply("Expected model " + model.getName() + " to have an absolute path or URI; got"
                        + " base_path()=" + base + ".");
            }
            path = relativeTo.get().resolve(path);
        }
        return path.normalize();
    }

    private static VersionPolicy policy(ModelConfig model, Function<String, RuntimeException> refusal) {
        ServableVersionPolicy policy = model.getModelVersionPolicy();
        return switch (policy.getPolicyChoiceCase()) {
            case LATEST ->
                new VersionPolicy.Latest(Math.max(1, policy.getLatest().getNumVersions()));
            case ALL -> new VersionPolicy.All();
            case SPECIFIC -> {
                if (policy.getSpecific().getVersionsCount() == 0) {
                    throw refusal.apply("model " + model.getName() + " has model_version_policy { specific {} } with no"
                            + " versions. List them, for example specific { versions: 1 versions: 2 }.");
                }
                if (policy.getSpecific().getVersionsList().stream().anyMatch(v -> v < 0)) {
                    throw refusal.apply("model " + model.getName() + " lists a negative version in"
                            + " model_version_policy { specific }: versions are whole numbers from 0 up.");
                }
                yield new VersionPolicy.Specific(
                        new TreeSet<>(policy.getSpecific().getVersionsList()));
            }
            case POLICYCHOICE_NOT_SET -> VersionPolicy.latest();
        };
    }
}
