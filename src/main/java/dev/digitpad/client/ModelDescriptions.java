package dev.digitpad.client;

import dev.digitpad.contract.ModelDescription;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The one conversion of TensorFlow's SignatureDefs into a {@link ModelDescription}: those a server sends in {@code
 * GetModelMetadata}, and those of a SavedModel's MetaGraphDefs read from its files. Everything is sorted as {@code
 * saved_model_cli} sorts it: tag sets, signatures by key, inputs and outputs by key.
 */
public final class ModelDescriptions {
    private ModelDescriptions() {}

    private static final Comparator<List<String>> BY_TAGS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** The tag sets of a SavedModel read from its files, each with its signatures. */
    public static List<ModelDescription.MetaGraph> metaGraphs(SavedModel savedModel) {
        return savedModel.getMetaGraphsList().stream()
                .map(ModelDescriptions::metaGraph)
                .sorted(Comparator.comparing(ModelDescription.MetaGraph::tags, BY_TAGS))
                .toList();
    }

    private static ModelDescription.MetaGraph metaGraph(MetaGraphDef g) {
        return new ModelDescription.MetaGraph(
                List.copyOf(g.getMetaInfoDef().getTagsList()), signatures(g.getSignatureDefMap()));
    }

    /** Signatures by key, as a MetaGraphDef or a server's {@code SignatureDefMap} holds them. */
    public static List<ModelDescription.Signature> signatures(Map<String, SignatureDef> signatures) {
        return signatures.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new ModelDescription.Signature(
                        e.getKey(),
                        e.getValue().getMethodName(),
                        tensors(e.getValue().getInputsMap()),
                        tensors(e.getValue().getOutputsMap())))
                .toList();
    }

    private static List<ModelDescription.Tensor> tensors(Map<String, TensorInfo> tensors) {
        return tensors.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> tensor(e.getKey(), e.getValue()))
                .toList();
    }

    private static ModelDescription.Tensor tensor(String key, TensorInfo info) {
        TensorShapeProto shape = info.getTensorShape();
        return new ModelDescription.Tensor(
                key,
                info.getDtype() == DataType.UNRECOGNIZED
                        ? "DT_" + info.getDtypeValue()
                        : info.getDtype().name(),
                shape.getUnknownRank()
                        ? null
                        : shape.getDimList().stream()
                                .map(TensorShapeProto.Dim::getSize)
                                .toList(),
                info.getName());
    }
}
