package dev.digitpad.server;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.digitpad.protocol.serving.MonitoringConfig;
import dev.digitpad.protocol.serving.PrometheusConfig;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the server's configuration files, which are protobuf text format as in TensorFlow Serving. Every
 * failure is a {@link ConfigFileException} naming the flag, the file, what is wrong and how to fix it.
 */
public final class ConfigFiles {
    private ConfigFiles() {}

    /**
     * Reads a text-format message from {@code file}, given with {@code flag}.
     *
     * @param example a line of a valid file, shown when the file cannot be parsed
     */
    @SuppressWarnings("unchecked")
    static <T extends Message> T read(Path file, String flag, T defaultInstance, String example) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new ConfigFileException(
                    flag + "=" + file + ": the file does not exist. Check the path, or leave the flag out.");
        } catch (AccessDeniedException e) {
            throw new ConfigFileException(flag + "=" + file
                    + ": the file cannot be read (permission denied). Let the user" + " running the server read it.");
        } catch (CharacterCodingException e) {
            throw new ConfigFileException(flag + "=" + file
                    + ": the file is not UTF-8 text. It must be protobuf text format," + " for example: " + example);
        } catch (IOException e) {
            throw new ConfigFileException(flag + "=" + file + ": the file cannot be read (" + e.getMessage()
                    + "). Check that it is a readable file.");
        }
        Message.Builder builder = defaultInstance.newBuilderForType();
        try {
            TextFormat.getParser().merge(text, builder);
        } catch (TextFormat.ParseException e) {
            throw new ConfigFileException(
                    flag + "=" + file + ": line " + e.getLine() + ", column " + e.getColumn() + ": "
                            + stripPosition(e.getMessage()) + " The file must be protobuf text format for "
                            + defaultInstance.getDescriptorForType().getFullName() + ", for example: " + example,
                    e);
        }
        return (T) builder.build();
    }

    /**
     * The path at which the REST port answers Prometheus scrapes, as {@code --monitoring_config_file} sets it;
     * empty when Prometheus is not enabled there.
     */
    public static Optional<String> prometheusPath(Path file) {
        String flag = "--monitoring_config_file";
        MonitoringConfig config = read(
                file,
                flag,
                MonitoringConfig.getDefaultInstance(),
                "prometheus_config { enable: true, path: \"" + ServingMetrics.DEFAULT_PATH + "\" }");
        PrometheusConfig prometheus = config.getPrometheusConfig();
        if (!prometheus.getEnable()) {
            return Optional.empty();
        }
        String path = prometheus.getPath().isEmpty() ? ServingMetrics.DEFAULT_PATH : prometheus.getPath();
        if (!path.startsWith("/")
                || path.startsWith("/v1/")
                || path.equals("/v1")
                || path.contains("?")
                || path.contains("#")
                || path.contains("..")
                || path.chars().anyMatch(c -> c <= ' ' || c == '%')) {
            throw new ConfigFileException(
                    flag + "=" + file + ": prometheus_config.path \"" + path + "\" cannot be served:"
                            + " it must be a plain absolute path outside /v1/ (the serving API), such as \""
                            + ServingMetrics.DEFAULT_PATH + "\". Leave it empty for that default.");
        }
        return Optional.of(path);
    }

    /** TextFormat's messages start with "line:column: ", which the caller already says in words. */
    private static String stripPosition(String message) {
        String m = message.replaceFirst("^\\d+:\\d+: ", "");
        return m.endsWith(".") ? m : m + ".";
    }
}
