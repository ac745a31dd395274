package dev.digitpad.inference;

import org.tensorflow.proto.ConfigProto;

/**
 * TensorFlow's thread pools for a loaded model, as TensorFlow Serving's {@code --tensorflow_intra_op_parallelism}
 * and {@code --tensorflow_inter_op_parallelism} set them: threads that split one op, and threads that run
 * independent ops side by side. Zero lets TensorFlow choose (one per core). A negative inter-op count runs the
 * ops in the thread that asked for the run, as TensorFlow's {@code ConfigProto} defines it: no hand-over to a
 * pool thread, which on a busy machine can cost more than a small model's whole run.
 */
public record SessionThreads(int intraOp, int interOp) {
    public static final SessionThreads AUTOMATIC = new SessionThreads(0, 0);

    public SessionThreads {
        if (intraOp < 0) {
            throw new IllegalArgumentException("the intra-op thread count must be 0 (automatic) or more");
        }
    }

    ConfigProto config() {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOp)
                .setInterOpParallelismThreads(interOp)
                .build();
    }
}
