package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.contract.ModelDescription;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/** SignatureDefs into descriptions where real exports rarely go: several tag sets, odd dtypes and shapes. */
class ModelDescriptionsTest {

    private static MetaGraphDef graph(String... tags) {
        MetaGraphDef.Builder g = MetaGraphDef.newBuilder();
        g.getMetaInfoDefBuilder().addAllTags(List.of(tags));
        g.putSignatureDef(
                "b",
                SignatureDef.newBuilder()
                        .setMethodName("m")
                        .putInputs(
                                "z",
                                TensorInfo.newBuilder()
                                        .setDtypeValue(4242)
                                        .setTensorShape(
                                                TensorShapeProto.newBuilder().setUnknownRank(true))
                                        .setName("z:0")
                                        .build())
                        .putInputs(
                                "a",
                                TensorInfo.newBuilder()
                                        .setDtype(DataType.DT_STRING)
                                        .setTensorShape(TensorShapeProto.newBuilder()
                                                .addDim(TensorShapeProto.Dim.newBuilder()
                                                        .setSize(-1)))
                                        .setName("a:0")
                                        .build())
                        .build());
        g.putSignatureDef("a", SignatureDef.getDefaultInstance());
        return g.build();
    }

    @Test
    void tagSetsSignaturesAndTensorsAreSortedAsSavedModelCliSortsThem() {
        SavedModel model = SavedModel.newBuilder()
                .addMetaGraphs(graph("serve", "gpu"))
                .addMetaGraphs(graph("serve"))
                .addMetaGraphs(graph("eval"))
                .addMetaGraphs(graph("serve", "cpu"))
                .build();
        List<ModelDescription.MetaGraph> graphs = ModelDescriptions.metaGraphs(model);
        assertThat(graphs)
                .extracting(ModelDescription.MetaGraph::tags)
                .containsExactly(List.of("eval"), List.of("serve"), List.of("serve", "cpu"), List.of("serve", "gpu"));
        ModelDescription.MetaGraph g = graphs.get(0);
        assertThat(g.signatures()).extracting(ModelDescription.Signature::key).containsExactly("a", "b");
        assertThat(g.signatures().get(0).methodName()).isEmpty();
        assertThat(g.signatures().get(1).inputs())
                .containsExactly(
                        new ModelDescription.Tensor("a", "DT_STRING", List.of(-1L), "a:0"),
                        new ModelDescription.Tensor("z", "DT_4242", null, "z:0"));
    }
}
