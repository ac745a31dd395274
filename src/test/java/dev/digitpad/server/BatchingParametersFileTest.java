package dev.digitpad.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.digitpad.inference.BatchingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --batching_parameters_file} in TensorFlow Serving's text format, and the clear failures of bad files. */
class BatchingParametersFileTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("batching.txt");
        Files.writeString(f, text);
        return f;
    }

    private ConfigFileException failure(Path f) {
        var e = catchThrowableOfType(ConfigFileException.class, () -> BatchingParametersFile.read(f));
        assertThat(e).as("reading %s fails", f).isNotNull();
        assertThat(e.getMessage()).contains(f.toString());
        return e;
    }

    @Test
    void readsTensorFlowServingsFormat() throws Exception {
        Path f = file("""
                # as in TensorFlow Serving's batching guide
                max_batch_size { value: 32 }
                batch_timeout_micros { value: 1000 }
                max_enqueued_batches { value: 100 }
                num_batch_threads { value: 4 }
                """);

        assertThat(BatchingParametersFile.read(f)).isEqualTo(new BatchingOptions(32, 1000, 100, 4));
    }

    @Test
    void fieldsLeftOutTakeTensorFlowServingsDefaults() throws Exception {
        BatchingOptions options = BatchingParametersFile.read(file("max_batch_size { value: 8 }"));

        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(options).isEqualTo(new BatchingOptions(8, 0, 10, cores));
        assertThat(BatchingParametersFile.read(file(""))).isEqualTo(new BatchingOptions(1000, 0, 10, cores));
    }

    @Test
    void theOtherFieldsOfTensorFlowServingsFilesAreAccepted() throws Exception {
        Path f = file("""
                max_batch_size { value: 16 }
                thread_pool_name { value: "batch_threads" }
                allowed_batch_sizes: 8
                allowed_batch_sizes: 16
                pad_variable_length_inputs: true
                """);

        assertThat(BatchingParametersFile.read(f).maxBatchSize()).isEqualTo(16);
    }

    @Test
    void aMissingFileSaysSoAndWhatToDo() {
        var e = failure(dir.resolve("nowhere.txt"));

        assertThat(e.getMessage()).contains("does not exist").contains("--batching_parameters_file");
    }

    @Test
    void anUnparsableFileNamesTheProblemAndItsPlace() throws Exception {
        var e = failure(file("max_batch_size { value: 32 }\nmax_batch_sise { value: 4 }\n"));

        assertThat(e.getMessage())
                .contains("max_batch_sise")
                .contains("line 2, column 1")
                .contains("max_batch_size { value: 32 }");
    }

    @Test
    void aValueWithoutItsWrapperIsUnparsable() throws Exception {
        var e = failure(file("max_batch_size: 32"));

        assertThat(e.getMessage()).contains("text format").contains("{ value:");
    }

    @Test
    void nonPositiveValuesNameTheirField() throws Exception {
        assertThat(failure(file("max_batch_size { value: 0 }")).getMessage())
                .contains("max_batch_size must be at least 1, but it is 0");
        assertThat(failure(file("max_enqueued_batches { value: -3 }")).getMessage())
                .contains("max_enqueued_batches must be at least 1, but it is -3");
        assertThat(failure(file("num_batch_threads { value: 0 }")).getMessage())
                .contains("num_batch_threads must be at least 1, but it is 0");
        assertThat(failure(file("batch_timeout_micros { value: -1 }")).getMessage())
                .contains("batch_timeout_micros must be from 0");
    }

    @Test
    void aZeroTimeoutMeansRunAtOnceAsInTensorFlowServing() throws Exception {
        assertThat(BatchingParametersFile.read(file("batch_timeout_micros { value: 0 }"))
                        .batchTimeoutMicros())
                .isZero();
    }

    @Test
    void valuesTooLargeForTheirFieldAreRefused() throws Exception {
        assertThat(failure(file("max_batch_size { value: 3000000000 }")).getMessage())
                .contains("max_batch_size must be at most 2147483647");
        assertThat(failure(file("num_batch_threads { value: 100000 }")).getMessage())
                .contains("num_batch_threads must be at most");
    }

    @Test
    void aFileThatIsNotTextIsRefused() throws Exception {
        Path f = dir.resolve("binary.bin");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});

        assertThat(failure(f).getMessage()).contains("not UTF-8");
    }
}
