package dev.digitpad.app;

import dev.digitpad.inference.SessionThreads;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** TensorFlow Serving's flags for TensorFlow's thread pools, shared by the commands that load models. */
final class TensorFlowThreadOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    int intraOp;
    int interOp;

    @Option(names = "--tensorflow_intra_op_parallelism", defaultValue = "0",
            description = "TensorFlow threads that split one op; 0 lets TensorFlow choose (default: ${DEFAULT-VALUE}).")
    void intraOp(int threads) {
        if (threads < 0) {
            throw new ParameterException(command.commandLine(), "--tensorflow_intra_op_parallelism=" + threads
                    + " is out of range: give 0 to let TensorFlow choose, or a number of threads.");
        }
        intraOp = threads;
    }

    @Option(names = "--tensorflow_inter_op_parallelism", defaultValue = "0",
            description = "TensorFlow threads that run independent ops side by side; 0 lets TensorFlow choose, and a"
                    + " negative number runs them in the calling thread (default: ${DEFAULT-VALUE}).")
    void interOp(int threads) {
        interOp = threads;
    }

    SessionThreads sessionThreads() {
        return new SessionThreads(intraOp, interOp);
    }
}
