package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.dataset.EvaluationSets;
import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.testing.MnistTestSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/** The model committed under assets/models/mnist/2, loaded exactly as it ships. */
class ShippedModelTest {
    static final Path MODEL = Path.of("assets/models/mnist/2");

    static SavedModelClassifier model;
    static LabelledDigits mnistTest;

    @BeforeAll
    static void load() throws IOException {
        model = SavedModelClassifier.load(MODEL);
        mnistTest = MnistTestSet.digits();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void versionDirectoryHoldsOnlyTheSavedModel() throws IOException {
        assertThat(MODEL.resolve("saved_model.pb")).isRegularFile();
        assertThat(MODEL.resolve("variables/variables.index")).isRegularFile();
        try (var files = Files.list(MODEL)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("saved_model.pb", "variables");
        }
    }

    @Test
    void signatureIsTheServingContract() {
        Map<String, SignatureDef> sigs;
        MetaGraphDef meta;
        try (SavedModelBundle bundle = SavedModelBundle.load(MODEL.toString(), "serve")) {
            meta = bundle.metaGraphDef();
            sigs = meta.getSignatureDefMap();
        }
        assertThat(sigs).containsKey("serving_default");
        SignatureDef sig = sigs.get("serving_default");
        assertThat(sig.getMethodName()).isEqualTo("tensorflow/serving/predict");
        assertThat(sig.getInputsMap()).containsOnlyKeys("flatten_input");
        assertThat(sig.getOutputsMap()).containsOnlyKeys("dense");
        TensorInfo in = sig.getInputsMap().get("flatten_input");
        TensorInfo out = sig.getOutputsMap().get("dense");
        assertThat(in.getDtype()).isEqualTo(DataType.DT_FLOAT);
        assertThat(out.getDtype()).isEqualTo(DataType.DT_FLOAT);
        assertThat(in.getTensorShape().getDimList())
                .extracting(TensorShapeProto.Dim::getSize)
                .containsExactly(-1L, 28L, 28L, 1L);
        assertThat(out.getTensorShape().getDimList())
                .extracting(TensorShapeProto.Dim::getSize)
                .containsExactly(-1L, 10L);
        assertThat(meta.getMetaInfoDef().getTagsList()).containsExactly("serve");
    }

    @Test
    void servingGraphHasNoTrainingOps() {
        Iterable<GraphOperation> ops = model.bundle().graph()::operations;
        assertThat(StreamSupport.stream(ops.spliterator(), false).map(GraphOperation::type))
                .doesNotContain("RandomUniform", "ApplyAdam", "ResourceApplyAdam", "SoftmaxCrossEntropyWithLogits");
    }

    @Test
    void outputsAreProbabilities() {
        float[][] p = model.predict(new float[3 * 784], 3);
        assertThat(p).hasNumberOfRows(3);
        for (float[] row : p) {
            double sum = 0;
            for (float v : row) {
                assertThat(v).isBetween(0f, 1f);
                sum += v;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void officialMnistTestAccuracyIsAtLeast98Point5Percent() {
        ModelEvaluation.Score s = ModelEvaluation.score(model, "MNIST test", mnistTest);
        assertThat(s.total()).isEqualTo(10_000);
        assertThat(s.accuracy())
                .as("MNIST test accuracy, confusions %s", s.topConfusions(5))
                .isGreaterThanOrEqualTo(0.985);
    }

    @Test
    void syntheticDrawnTypesetAndScanSets() {
        Map<String, LabelledDigits> sets = EvaluationSets.build(mnistTest, EvaluationSets.DEFAULT_SEED);
        ModelEvaluation.Score drawn = ModelEvaluation.score(model, "drawn", sets.get("drawn"));
        ModelEvaluation.Score typeset = ModelEvaluation.score(model, "typeset", sets.get("typeset"));
        ModelEvaluation.Score scan = ModelEvaluation.score(model, "scan", sets.get("scan"));
        // Safety margins below the figures in assets/models/mnist/report.md (the sets are
        // deterministic, but font rendering may differ slightly between machines).
        assertThat(drawn.accuracy())
                .as("drawn, confusions %s", drawn.topConfusions(5))
                .isGreaterThanOrEqualTo(0.95);
        assertThat(typeset.accuracy())
                .as("typeset, confusions %s", typeset.topConfusions(5))
                .isGreaterThanOrEqualTo(0.90);
        assertThat(scan.accuracy())
                .as("scan, confusions %s", scan.topConfusions(5))
                .isGreaterThanOrEqualTo(0.85);
    }
}
