package dev.digitpad.client;

/**
 * One way of sending a prediction to a TensorFlow Serving compatible server: a protocol, and the way the input tensor
 * travels in it. The protocol comparison and the load test measure these.
 */
public enum ProtocolCase {
    /** gRPC {@code Predict}, the tensor's values as raw little-endian bytes in {@code tensor_content}. */
    GRPC_TENSOR_CONTENT("gRPC tensor_content"),
    /** gRPC {@code Predict}, the tensor's values one by one in {@code float_val}. */
    GRPC_FLOAT_VAL("gRPC float_val"),
    /** REST {@code :predict} in the row format: {@code {"instances": [...]}}, answered with {@code predictions}. */
    REST_ROWS("REST rows (instances)"),
    /** REST {@code :predict} in the columnar format: {@code {"inputs": ...}}, answered with {@code outputs}. */
    REST_COLUMNS("REST columns (inputs)");

    private final String label;

    ProtocolCase(String label) {
        this.label = label;
    }

    /** How the case is named to people. */
    public String label() {
        return label;
    }

    public boolean grpc() {
        return this == GRPC_TENSOR_CONTENT || this == GRPC_FLOAT_VAL;
    }
}
