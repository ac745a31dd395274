package dev.digitpad.contract;

import java.util.List;

/**
 * What a model offers its callers, as {@code saved_model_cli show --all} lists it and {@code digitpad inspect} prints
 * it: its versions, each version's tag sets (MetaGraphDefs), each tag set's signatures, and each signature's method
 * name, inputs and outputs. The same description comes from a SavedModel's files and from a server's {@code
 * GetModelStatus} and {@code GetModelMetadata}; {@link ModelDescriptionText} writes it for people, and {@code
 * digitpad inspect --json} as JSON with these names.
 *
 * @param model the model's name: the server's, or the name of the folder read
 * @param source where it was read: the folder, or the server's address
 * @param origin whether files or a server told
 * @param versions by version number, lowest first
 */
public record ModelDescription(String model, String source, Origin origin, List<Version> versions) {
    public ModelDescription {
        versions = List.copyOf(versions);
    }

    /** Who told what the model offers. */
    public enum Origin {
        /** The SavedModel's own files ({@code saved_model.pb}). */
        FILES,
        /** A server, through {@code GetModelStatus} and {@code GetModelMetadata}. */
        SERVER
    }

    /**
     * One version of the model.
     *
     * @param version its number; null for one SavedModel folder read on its own, which has none
     * @param state the server's state of it ({@code AVAILABLE}, {@code LOADING}, ...); null when read from files
     * @param metaGraphs its tag sets, sorted; a server reports one, of the version it serves, and only while it is
     *     {@code AVAILABLE}
     */
    public record Version(Long version, String state, List<MetaGraph> metaGraphs) {
        public Version {
            metaGraphs = List.copyOf(metaGraphs);
        }
    }

    /**
     * One MetaGraphDef: its tag set and its signatures.
     *
     * @param tags its tag set, e.g. {@code [serve]}; null when not known: {@code GetModelMetadata} does not say which
     *     tag set the server loaded (TensorFlow Serving loads {@code serve} unless told otherwise)
     * @param signatures by key
     */
    public record MetaGraph(List<String> tags, List<Signature> signatures) {
        public MetaGraph {
            tags = tags == null ? null : List.copyOf(tags);
            signatures = List.copyOf(signatures);
        }
    }

    /**
     * One SignatureDef.
     *
     * @param key its key in the signature map, e.g. {@code serving_default}
     * @param methodName e.g. {@code tensorflow/serving/predict}; empty when it has none
     * @param inputs by key
     * @param outputs by key
     */
    public record Signature(String key, String methodName, List<Tensor> inputs, List<Tensor> outputs) {
        public Signature {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * One input or output of a signature.
     *
     * @param key its key in the signature, the name callers use
     * @param dtype TensorFlow's name of its element type, e.g. {@code DT_FLOAT}
     * @param shape its dimensions, -1 for any size; null when even the number of dimensions is unknown
     * @param name the graph tensor behind it, e.g. {@code serving_default_image:0}
     */
    public record Tensor(String key, String dtype, List<Long> shape, String name) {
        public Tensor {
            shape = shape == null ? null : List.copyOf(shape);
        }
    }
}
