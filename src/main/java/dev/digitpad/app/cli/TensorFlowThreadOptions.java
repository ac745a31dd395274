package dev.digitpad.app.cli;

import dev.digitpad.inference.SessionThreads;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * TensorFlow Serving's flags for TensorFlow's thread pools, shared by the commands that load models. The flags mean
 * what they mean in TensorFlow Serving, but DigitPad's defaults differ: one thread per op, run in the calling thread,
 * where TensorFlow Serving lets TensorFlow choose (0 and 0). Runs are bounded to one per core
 * ({@code --max_concurrent_runs}), so a run's own threads would only fight the other runs for the cores; and for a
 * model the size of DigitPad's, the hand-overs to them cost more than they save. With the shipped model on a 2-core
 * machine, 1 and -1 answered in half the time at concurrency 1 and twice the predictions per second at 64.
 */
final class TensorFlowThreadOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    int intraOp;
    int interOp;

    @Option(
            names = "--tensorflow_intra_op_parallelism",
            defaultValue = "1",
            description =
                    "TensorFlow threads that split one op; 0 lets TensorFlow choose, as TensorFlow Serving's default"
                            + " does, which can answer a large model's single calls sooner (default: ${DEFAULT-VALUE}).")
    void intraOp(int threads) {
        if (threads < 0) {
            throw new ParameterException(
                    command.commandLine(),
                    "--tensorflow_intra_op_parallelism=" + threads
                            + " is out of range: give 0 to let TensorFlow choose, or a number of threads.");
        }
        intraOp = threads;
    }

    @Option(
            names = "--tensorflow_inter_op_parallelism",
            defaultValue = "-1",
            description = "TensorFlow threads that run independent ops side by side; 0 lets TensorFlow choose, and a"
                    + " negative number runs them in the calling thread (default: ${DEFAULT-VALUE}).")
    void interOp(int threads) {
        interOp = threads;
    }

    SessionThreads sessionThreads() {
        return new SessionThreads(intraOp, interOp);
    }
}
