package dev.digitpad.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.CommandRun;
import dev.digitpad.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code digitpad serve} refuses configuration files and flag values it cannot use before it loads anything or
 * opens a port: exit code 2 and one message naming the flag, the file, the fault and the fix.
 */
class ServeCommandTest {
    @TempDir
    Path dir;

    private static CommandRun serve(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "serve";
        all[1] = "--port=0";
        all[2] = "--file_system_poll_wait_seconds=0";
        System.arraycopy(args, 0, all, 3, args.length);
        return CommandRun.run(all);
    }

    @Test
    void aMissingSslConfigFileStopsServe() {
        Path missing = dir.resolve("ssl.conf");

        CommandRun run = serve("--ssl_config_file=" + missing);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("digitpad serve: --ssl_config_file=" + missing
                        + ": the file does not exist. Check the path, or leave the flag out.\n");
    }

    @Test
    void anSslConfigWithClientVerifyButNoCaStopsServe() throws Exception {
        Path file = Files.writeString(
                dir.resolve("ssl.conf"),
                "server_key: \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n\"\n"
                        + "server_cert: \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"\n"
                        + "client_verify: true\n");

        CommandRun run = serve("--ssl_config_file", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("digitpad serve: --ssl_config_file=" + file + ": client_verify is true but custom_ca"
                        + " is empty");
    }

    @Test
    void aMonitoringConfigThatIsNotTextFormatStopsServe() throws Exception {
        Path file = Files.writeString(dir.resolve("monitoring.conf"), "{\"prometheus_config\": {\"enable\": true}}\n");

        CommandRun run = serve("--monitoring_config_file=" + file);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("digitpad serve: --monitoring_config_file=" + file + ": line 1, column 1:")
                .contains("protobuf text format for tensorflow.serving.MonitoringConfig")
                .contains("prometheus_config { enable: true, path: \"/monitoring/prometheus/metrics\" }");
    }

    @Test
    void aMetricsPathInsideTheServingApiStopsServe() throws Exception {
        Path file = Files.writeString(
                dir.resolve("monitoring.conf"), "prometheus_config { enable: true path: \"/v1/models/metrics\" }\n");

        CommandRun run = serve("--monitoring_config_file=" + file);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("prometheus_config.path \"/v1/models/metrics\" cannot be served")
                .contains("outside /v1/");
    }

    @Test
    void metricsWithTheRestPortTurnedOffStopsServe() throws Exception {
        Path file = Files.writeString(dir.resolve("monitoring.conf"), "prometheus_config { enable: true }\n");

        CommandRun run = serve("--monitoring_config_file=" + file, "--rest_api_port=0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("served on the REST port, but --rest_api_port=0 turns REST off");
    }

    @Test
    void aNegativeRunBoundStopsServe() {
        CommandRun run = serve("--max_concurrent_runs=-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("digitpad serve: --max_concurrent_runs=-1 is out of range: give 1 to 1024 runs at"
                        + " once, or 0 for one per core ("
                        + Runtime.getRuntime().availableProcessors() + " here).\n");
    }

    @Test
    void aNegativeQueueStopsServe() {
        CommandRun run = serve("--max_queued_runs=-5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("digitpad serve: --max_queued_runs=-5 is out of range: give 0 (no waiting:");
    }

    @Test
    void aNegativeIntraOpThreadCountStopsServe() {
        CommandRun run = serve("--tensorflow_intra_op_parallelism=-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("--tensorflow_intra_op_parallelism=-1 is out of range: give 0 to let TensorFlow"
                        + " choose, or a number of threads.")
                .doesNotContain("Exception");
    }

    @Test
    void portsOutOfRangeOrTheSameForBothApisStopServe() {
        CommandRun grpc = CommandRun.run("serve", "--port=70000");
        CommandRun rest = serve("--rest_api_port=-1");
        CommandRun same = CommandRun.run("serve", "--port=9000", "--rest_api_port=9000");

        assertThat(grpc.exitCode()).isEqualTo(2);
        assertThat(grpc.err())
                .isEqualTo("digitpad serve: --port=70000 is out of range: give a port from 1 to 65535"
                        + " (TensorFlow Serving's is 8500), or 0 for any free one.\n");
        assertThat(rest.exitCode()).isEqualTo(2);
        assertThat(rest.err())
                .startsWith("digitpad serve: --rest_api_port=-1 is out of range:")
                .contains("or 0 to turn the REST API off.");
        assertThat(same.exitCode()).isEqualTo(2);
        assertThat(same.err()).startsWith("digitpad serve: --port and --rest_api_port are both 9000:");
    }

    @Test
    void aPortInUseStopsServeWithWhatToDoAndNoStackTrace() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CommandRun run = CommandRun.run(
                    "serve",
                    "--port=" + taken.getLocalPort(),
                    "--rest_api_port=0",
                    "--file_system_poll_wait_seconds=0",
                    "--model_base_path=" + dir);

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .startsWith("digitpad serve: cannot listen on 127.0.0.1: ")
                    .contains(
                            taken.getLocalPort() + " (another program is using the port). Check --port, --rest_api_port"
                                    + " and --bind_address")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aModelConfigFileCannotBeGivenWithASingleModel() throws Exception {
        Path config = Files.writeString(
                dir.resolve("models.config"), "model_config_list { config { name: \"m\" base_path: \"m\" } }");

        CommandRun named = serve("--model_config_file=" + config, "--model_name=mnist");
        CommandRun based = serve("--model_config_file", config.toString(), "--model_base_path=" + dir);
        CommandRun pollAlone = serve("--model_config_file_poll_wait_seconds=5");

        assertThat(named.exitCode()).isEqualTo(2);
        assertThat(named.err())
                .startsWith("digitpad serve: --model_config_file names the models to serve, so --model_name cannot be"
                        + " given with it");
        assertThat(based.exitCode()).isEqualTo(2);
        assertThat(based.err()).contains("so --model_base_path cannot be given with it");
        assertThat(pollAlone.exitCode()).isEqualTo(2);
        assertThat(pollAlone.err()).contains("--model_config_file_poll_wait_seconds=5 needs --model_config_file");
    }

    @Test
    void aModelInTheConfigFileThatDoesNotLoadStopsServeNamingIt() throws Exception {
        Path config = Files.writeString(
                dir.resolve("models.config"), "model_config_list { config { name: \"m\" base_path: \"nothing\" } }");

        CommandRun run = serve("--rest_api_port=0", "--model_config_file=" + config);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("digitpad serve: The model in " + dir.resolve("nothing") + " could not be loaded: there is"
                        + " no such folder. Fix or remove that model in " + config)
                .doesNotContain("\tat ");
    }

    @Test
    void aLabelNamingAVersionThatIsNotServedStopsServeSayingWhichAreServed() throws Exception {
        TestModels.writeVersion(dir.resolve("m"), 3, TestModels.Kind.MNIST);
        Path config = Files.writeString(
                dir.resolve("models.config"),
                "model_config_list { config { name: \"m\" base_path: \"m\" version_labels { key: \"x\" value: 9 } } }");

        CommandRun run = serve("--rest_api_port=0", "--model_config_file=" + config);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("digitpad serve: Model m: the label \"x\" names version 9, which is not being served (its"
                        + " version policy serves [3]). Name a version that is served, make the policy serve that one,"
                        + " or give --allow_version_labels_for_unavailable_models.\n");
    }
}
