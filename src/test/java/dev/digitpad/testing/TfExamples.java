package dev.digitpad.testing;

import dev.digitpad.protocol.serving.ClassificationRequest;
import dev.digitpad.protocol.serving.ExampleList;
import dev.digitpad.protocol.serving.ExampleListWithContext;
import dev.digitpad.protocol.serving.Input;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.RegressionRequest;
import java.util.Arrays;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;

/**
 * {@code tf.Example}s and the Classify and Regress requests that carry them, built as a client builds them; for the
 * signatures of {@link TestModels.Kind#EXAMPLES}.
 */
public final class TfExamples {
    private TfExamples() {}

    /** A feature of one float value. */
    public static Feature floats(float... values) {
        FloatList.Builder list = FloatList.newBuilder();
        for (float v : values) {
            list.addValue(v);
        }
        return Feature.newBuilder().setFloatList(list).build();
    }

    /** An example with {@code x} alone. */
    public static Example x(float x) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder().putFeature("x", floats(x)))
                .build();
    }

    /** An example with {@code x} and {@code bias}. */
    public static Example xAndBias(float x, float bias) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder().putFeature("x", floats(x)).putFeature("bias", floats(bias)))
                .build();
    }

    /** An example with {@code bias} alone: the context of {@link #withContext}. */
    public static Example bias(float bias) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder().putFeature("bias", floats(bias)))
                .build();
    }

    /** An input of the given examples, without a context. */
    public static Input list(Example... examples) {
        return Input.newBuilder()
                .setExampleList(ExampleList.newBuilder().addAllExamples(Arrays.asList(examples)))
                .build();
    }

    /** An input of the given examples that share {@code context}. */
    public static Input withContext(Example context, Example... examples) {
        return Input.newBuilder()
                .setExampleListWithContext(
                        ExampleListWithContext.newBuilder().setContext(context).addAllExamples(Arrays.asList(examples)))
                .build();
    }

    /** A model spec naming a signature, and no version. */
    public static ModelSpec spec(String model, String signature) {
        return ModelSpec.newBuilder().setName(model).setSignatureName(signature).build();
    }

    public static ClassificationRequest classify(ModelSpec spec, Input input) {
        return ClassificationRequest.newBuilder()
                .setModelSpec(spec)
                .setInput(input)
                .build();
    }

    public static RegressionRequest regress(ModelSpec spec, Input input) {
        return RegressionRequest.newBuilder().setModelSpec(spec).setInput(input).build();
    }
}
