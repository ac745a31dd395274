package dev.digitpad.app;

import dev.digitpad.inference.SessionThreads;
import picocli.CommandLine.Option;

/** TensorFlow Serving's flags for TensorFlow's thread pools, shared by the commands that load models. */
final class TensorFlowThreadOptions {

    @Option(names = "--tensorflow_intra_op_parallelism", defaultValue = "0",
            description = "TensorFlow threads that split one op; 0 lets TensorFlow choose (default: ${DEFAULT-VALUE}).")
    int intraOp;

    @Option(names = "--tensorflow_inter_op_parallelism", defaultValue = "0",
            description = "TensorFlow threads that run independent ops side by side; 0 lets TensorFlow choose, and a"
                    + " negative number runs them in the calling thread (default: ${DEFAULT-VALUE}).")
    int interOp;

    SessionThreads sessionThreads() {
        return new SessionThreads(intraOp, interOp);
    }
}
