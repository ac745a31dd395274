package dev.digitpad.contract;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one way {@link ModelDescription}s are written for people, in {@code digitpad inspect} and in the window: each
 * tag set and signature laid out as {@code saved_model_cli show --all} lays them out, and, for a model with numbered
 * versions, a heading before each version. ({@code saved_model_cli}'s "Concrete Functions" need the model loaded, and
 * are left out.)
 */
public final class ModelDescriptionText {
    private ModelDescriptionText() {}

    /** What a server's metadata says in place of the tag set, which it does not report. */
    public static final String TAGS_NOT_REPORTED = "(not reported by the server)";

    /** The description in words, ending with a line break. */
    public static String format(ModelDescription d) {
        StringBuilder out = new StringBuilder();
        boolean numbered = d.versions().stream().anyMatch(v -> v.version() != null);
        if (numbered) {
            out.append("Model \"")
                    .append(d.model())
                    .append(d.origin() == ModelDescription.Origin.SERVER ? "\" on " : "\" in ")
                    .append(d.source())
                    .append(": ")
                    .append(
                            d.versions().size() == 1
                                    ? "1 version"
                                    : d.versions().size() + " versions")
                    .append('\n');
        }
        for (ModelDescription.Version v : d.versions()) {
            if (v.version() != null) {
                out.append("\n== Version ").append(v.version());
                if (v.state() != null) {
                    out.append(": ").append(v.state());
                }
                out.append(" ==\n");
            }
            if (v.metaGraphs().isEmpty()) {
                out.append(
                        v.state() != null
                                ? "\n(no signatures: a server reports them only for an AVAILABLE version)\n"
                                : "\n(no MetaGraphDef in saved_model.pb)\n");
            }
            for (ModelDescription.MetaGraph g : v.metaGraphs()) {
                metaGraph(out, g);
            }
        }
        return out.toString();
    }

    private static void metaGraph(StringBuilder out, ModelDescription.MetaGraph g) {
        out.append("\nMetaGraphDef with tag-set: ")
                .append(g.tags() == null ? TAGS_NOT_REPORTED : "'" + String.join(", ", g.tags()) + "'")
                .append(" contains the following SignatureDefs:\n");
        for (ModelDescription.Signature s : g.signatures()) {
            out.append("\nsignature_def['").append(s.key()).append("']:\n");
            out.append("  The given SavedModel SignatureDef contains the following input(s):\n");
            tensors(out, "inputs", s.inputs());
            out.append("  The given SavedModel SignatureDef contains the following output(s):\n");
            tensors(out, "outputs", s.outputs());
            out.append("  Method name is: ").append(s.methodName()).append('\n');
        }
    }

    private static void tensors(StringBuilder out, String side, List<ModelDescription.Tensor> tensors) {
        for (ModelDescription.Tensor t : tensors) {
            out.append("    ").append(side).append("['").append(t.key()).append("'] tensor_info:\n");
            out.append("        dtype: ").append(t.dtype()).append('\n');
            out.append("        shape: ").append(shape(t.shape())).append('\n');
            out.append("        name: ").append(t.name()).append('\n');
        }
    }

    /** A shape as {@code saved_model_cli} writes it: {@code (-1, 28, 28)}, or {@code unknown_rank}. */
    public static String shape(List<Long> shape) {
        return shape == null
                ? "unknown_rank"
                : shape.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
    }
}
