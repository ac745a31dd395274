package dev.digitpad.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text of a model's description where the shipped and test models do not go: odd shapes, states and tag sets. */
class ModelDescriptionTextTest {
    private static final ModelDescription.Signature INIT = new ModelDescription.Signature(
            "__saved_model_init_op",
            "",
            List.of(),
            List.of(new ModelDescription.Tensor("__saved_model_init_op", "DT_INVALID", null, "NoOp")));

    @Test
    void anUnknownRankAnEmptyMethodAndAScalarAsSavedModelCliWritesThem() {
        ModelDescription.Signature scalar = new ModelDescription.Signature(
                "scalar",
                "tensorflow/serving/regress",
                List.of(new ModelDescription.Tensor("x", "DT_DOUBLE", List.of(), "x:0")),
                List.of(new ModelDescription.Tensor("y", "DT_DOUBLE", List.of(-1L), "y:0")));
        ModelDescription d = new ModelDescription(
                "m",
                "/m/1",
                ModelDescription.Origin.FILES,
                List.of(new ModelDescription.Version(
                        null,
                        null,
                        List.of(new ModelDescription.MetaGraph(List.of("serve", "gpu"), List.of(INIT, scalar))))));
        assertThat(ModelDescriptionText.format(d)).isEqualTo("""

                        MetaGraphDef with tag-set: 'serve, gpu' contains the following SignatureDefs:

                        signature_def['__saved_model_init_op']:
                          The given SavedModel SignatureDef contains the following input(s):
                          The given SavedModel SignatureDef contains the following output(s):
                            outputs['__saved_model_init_op'] tensor_info:
                                dtype: DT_INVALID
                                shape: unknown_rank
                                name: NoOp
                          Method name is:\s

                        signature_def['scalar']:
                          The given SavedModel SignatureDef contains the following input(s):
                            inputs['x'] tensor_info:
                                dtype: DT_DOUBLE
                                shape: ()
                                name: x:0
                          The given SavedModel SignatureDef contains the following output(s):
                            outputs['y'] tensor_info:
                                dtype: DT_DOUBLE
                                shape: (-1)
                                name: y:0
                          Method name is: tensorflow/serving/regress
                        """);
    }

    @Test
    void aServersVersionThatIsNotAvailableSaysWhyItHasNoSignatures() {
        ModelDescription d = new ModelDescription(
                "mnist",
                "localhost:8500",
                ModelDescription.Origin.SERVER,
                List.of(
                        new ModelDescription.Version(
                                1L, "AVAILABLE", List.of(new ModelDescription.MetaGraph(null, List.of(INIT)))),
                        new ModelDescription.Version(2L, "LOADING", List.of())));
        String text = ModelDescriptionText.format(d);
        assertThat(text)
                .startsWith(
                        "Model \"mnist\" on localhost:8500: 2 versions\n\n== Version 1: AVAILABLE ==\n\n"
                                + "MetaGraphDef with tag-set: (not reported by the server) contains the following SignatureDefs:\n")
                .endsWith("\n== Version 2: LOADING ==\n\n"
                        + "(no signatures: a server reports them only for an AVAILABLE version)\n");
    }

    @Test
    void aSavedModelWithoutMetaGraphsSaysSo() {
        ModelDescription d = new ModelDescription(
                "m", "/m", ModelDescription.Origin.FILES, List.of(new ModelDescription.Version(3L, null, List.of())));
        assertThat(ModelDescriptionText.format(d))
                .isEqualTo("Model \"m\" in /m: 1 version\n\n== Version 3 ==\n\n(no MetaGraphDef in saved_model.pb)\n");
    }
}
