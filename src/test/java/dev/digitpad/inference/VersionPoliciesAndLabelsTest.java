package dev.digitpad.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.digitpad.inference.ModelManager.ModelConfig;
import dev.digitpad.testing.FakeVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/**
 * Which versions a model serves under TensorFlow Serving's version policies, what labels may name, and how replacing
 * the model list keeps what stays serving.
 */
class VersionPoliciesAndLabelsTest {
    @TempDir
    Path dir;

    private final FakeVersions loader = new FakeVersions();
    private ModelManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private ModelManager manager(boolean labelsForUnavailable, ModelConfig... models) {
        manager = new ModelManager(List.of(models), loader, Duration.ZERO, labelsForUnavailable);
        manager.pollNow();
        return manager;
    }

    private ModelManager manager(ModelConfig... models) {
        return manager(false, models);
    }

    private long answeringVersion(String model, OptionalLong version) {
        try (Lease lease = manager.acquire(model, version)) {
            return lease.version();
        }
    }

    private static ServingException failure(Runnable call) {
        return catchThrowableOfType(ServingException.class, call::run);
    }

    @Test
    void specificServesExactlyTheListedVersionsThatExist() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1, 2, 3, 4);
        manager(new ModelConfig("m", base, new VersionPolicy.Specific(new TreeSet<>(Set.of(1L, 3L, 7L)))));

        assertThat(manager.availableVersions("m")).containsExactly(1L, 3L);
        assertThat(answeringVersion("m", OptionalLong.of(1))).isEqualTo(1);
        assertThat(answeringVersion("m", OptionalLong.empty())).isEqualTo(3);
        assertThat(failure(() -> manager.acquire("m", OptionalLong.of(2))).code())
                .isEqualTo(Code.NOT_FOUND);
        assertThat(loader.events()).containsExactly("load m 3", "load m 1");
    }

    @Test
    void latestServesTheHighestFewAndUnloadsTheOldestOnlyOnceTheNewOneServes() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1, 2, 3);
        manager(new ModelConfig("m", base, new VersionPolicy.Latest(2)));
        assertThat(manager.availableVersions("m")).containsExactly(2L, 3L);

        FakeVersions.write(base, 4);
        manager.pollNow();

        assertThat(manager.availableVersions("m")).containsExactly(3L, 4L);
        assertThat(loader.events()).containsExactly("load m 3", "load m 2", "load m 4", "close m 2");
    }

    @Test
    void allServesEveryVersionAndDropsOneThatIsDeleted() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1, 2, 5);
        manager(new ModelConfig("m", base, new VersionPolicy.All()));
        assertThat(manager.availableVersions("m")).containsExactly(1L, 2L, 5L);

        Files.delete(base.resolve("2/saved_model.pb"));
        Files.delete(base.resolve("2"));
        manager.pollNow();

        assertThat(manager.availableVersions("m")).containsExactly(1L, 5L);
        assertThat(manager.status("m", OptionalLong.of(2)).getFirst().state()).isEqualTo(VersionState.END);
    }

    @Test
    void aVersionThatFailsToLoadLeavesTheServedOnesInPlace() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1);
        manager(new ModelConfig("m", base));
        FakeVersions.writeBroken(base, 2);

        manager.pollNow();

        assertThat(manager.availableVersions("m")).containsExactly(1L);
        assertThat(manager.status("m", OptionalLong.of(2)).getFirst().error()).isPresent();
    }

    @Test
    void aLabelNamesAVersionAndAnUnknownLabelIsInvalidInTensorFlowServingsWords() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1, 2);
        manager(new ModelConfig("m", base, new VersionPolicy.All()));

        manager.assignLabels(Map.of("m", Map.of("stable", 1L, "canary", 2L)));

        assertThat(manager.versionForLabel("m", "stable")).isEqualTo(1);
        assertThat(manager.versionForLabel("m", "canary")).isEqualTo(2);
        assertThat(manager.labels("m")).containsExactly(Map.entry("canary", 2L), Map.entry("stable", 1L));
        ServingException unknown = failure(() -> manager.versionForLabel("m", "beta"));
        assertThat(unknown.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(unknown.getMessage()).isEqualTo("Unrecognized servable version label: beta");
        assertThat(failure(() -> manager.versionForLabel("other", "stable")).code())
                .isEqualTo(Code.INVALID_ARGUMENT);
    }

    @Test
    void aLabelForAVersionThatIsNotAvailableIsRefusedAndChangesNoLabel() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1, 2);
        manager(new ModelConfig("m", base)); // serves 2 only
        manager.assignLabels(Map.of("m", Map.of("stable", 2L)));

        ServingException refused = failure(() -> manager.assignLabels(Map.of("m", Map.of("stable", 2L, "old", 1L))));

        assertThat(refused.code()).isEqualTo(Code.FAILED_PRECONDITION);
        assertThat(refused.getMessage())
                .startsWith("Request to assign label to version 1 of model m, which is not currently available for"
                        + " inference")
                .contains("--allow_version_labels_for_unavailable_models");
        assertThat(manager.labels("m")).containsExactly(Map.entry("stable", 2L));
    }

    @Test
    void allowingUnavailableVersionsLetsANewLabelWaitButNotAnExistingOneMove() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 1);
        manager(true, new ModelConfig("m", base));
        manager.assignLabels(Map.of("m", Map.of("stable", 1L)));

        manager.assignLabels(Map.of("m", Map.of("stable", 1L, "canary", 2L)));
        ServingException moved = failure(() -> manager.assignLabels(Map.of("m", Map.of("stable", 2L))));

        assertThat(manager.labels("m")).containsEntry("canary", 2L).containsEntry("stable", 1L);
        assertThat(moved.code()).isEqualTo(Code.FAILED_PRECONDITION);
        assertThat(failure(() -> manager.acquire("m", OptionalLong.of(manager.versionForLabel("m", "canary"))))
                        .code())
                .isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void reloadAddsAModelLoadedBeforeItIsSeenAndRemovesOneAfterItsLastCall() throws Exception {
        Path a = FakeVersions.write(dir.resolve("a"), 1);
        Path b = FakeVersions.write(dir.resolve("b"), 1);
        Path c = FakeVersions.write(dir.resolve("c"), 4);
        manager(new ModelConfig("a", a), new ModelConfig("b", b));
        Lease inFlight = manager.acquire("b", OptionalLong.empty());

        manager.reload(List.of(new ModelConfig("a", a), new ModelConfig("c", c)), Map.of());

        assertThat(manager.modelNames()).containsExactly("a", "c");
        assertThat(answeringVersion("c", OptionalLong.empty())).isEqualTo(4);
        assertThat(failure(() -> manager.acquire("b", OptionalLong.empty())).code())
                .isEqualTo(Code.NOT_FOUND);
        assertThat(loader.events()).doesNotContain("close b 1");
        inFlight.close();
        assertThat(loader.events()).containsExactly("load a 1", "load b 1", "load c 4", "close b 1");
        assertThat(failure(() -> manager.status("b", OptionalLong.empty())).code())
                .isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void reloadChangesAPolicyInPlaceAndMovesALabelOnlyToAServedVersion() throws Exception {
        Path base = FakeVersions.write(dir.resolve("m"), 2, 3);
        Specific2 two = new Specific2();
        manager(new ModelConfig("m", base, two.of(2)));
        manager.assignLabels(Map.of("m", Map.of("stable", 2L)));

        // Labels are checked before the new policy loads anything, as TensorFlow Serving does: first serve 3...
        ServingException early = failure(() ->
                manager.reload(List.of(new ModelConfig("m", base, two.of(2, 3))), Map.of("m", Map.of("stable", 3L))));
        assertThat(early.code()).isEqualTo(Code.FAILED_PRECONDITION);
        assertThat(manager.availableVersions("m")).containsExactly(2L);
        manager.reload(List.of(new ModelConfig("m", base, two.of(2, 3))), Map.of("m", Map.of("stable", 2L)));
        assertThat(manager.availableVersions("m")).containsExactly(2L, 3L);
        // ...then move the label.
        manager.reload(List.of(new ModelConfig("m", base, two.of(2, 3))), Map.of("m", Map.of("stable", 3L)));

        assertThat(answeringVersion("m", OptionalLong.of(manager.versionForLabel("m", "stable"))))
                .isEqualTo(3);
        assertThat(loader.events()).containsExactly("load m 2", "load m 3");
    }

    @Test
    void reloadRefusesAModelListedTwiceAndReportsANewModelThatDoesNotLoad() throws Exception {
        Path a = FakeVersions.write(dir.resolve("a"), 1);
        manager(new ModelConfig("a", a));

        ServingException twice =
                failure(() -> manager.reload(List.of(new ModelConfig("a", a), new ModelConfig("a", a)), Map.of()));
        ServingException missing = failure(() -> manager.reload(
                List.of(new ModelConfig("a", a), new ModelConfig("x", dir.resolve("nowhere"))), Map.of()));

        assertThat(twice.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(twice.getMessage()).isEqualTo("Illegal to list model a multiple times in config list");
        assertThat(missing.code()).isEqualTo(Code.UNKNOWN);
        assertThat(missing.getMessage())
                .startsWith("1 model(s) did not become available")
                .contains("x")
                .contains(dir.resolve("nowhere").toString());
        assertThat(manager.modelNames()).containsExactly("a", "x");
        assertThat(answeringVersion("a", OptionalLong.empty())).isEqualTo(1);
    }

    @Test
    void aNewBasePathIsLoadedBeforeTheOldOneIsRetired() throws Exception {
        Path before = FakeVersions.write(dir.resolve("before"), 1);
        Path after = FakeVersions.write(dir.resolve("after"), 7);
        manager(new ModelConfig("m", before));

        manager.reload(List.of(new ModelConfig("m", after)), Map.of());

        assertThat(answeringVersion("m", OptionalLong.empty())).isEqualTo(7);
        assertThat(loader.events()).containsExactly("load m 1", "load m 7", "close m 1");
    }

    @Test
    void reloadTellsListenersOfModelsThatComeAndGo() throws Exception {
        Path a = FakeVersions.write(dir.resolve("a"), 1);
        Path b = FakeVersions.write(dir.resolve("b"), 1);
        manager(new ModelConfig("a", a));
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        manager.addListener((model, available) -> told.add(model + (available ? " available" : " gone")));

        manager.reload(List.of(new ModelConfig("b", b)), Map.of());

        assertThat(told).containsExactlyInAnyOrder("b available", "a gone");
        assertThat(manager.isConfigured("b")).isTrue();
        assertThat(manager.isConfigured("a")).isFalse();
        assertThat(manager.configs()).containsExactly(new ModelConfig("b", b));
    }

    @Test
    void aModelWhoseOnlyVersionFailsToLoadSaysWhyWhenCalled() throws Exception {
        Path base = dir.resolve("m");
        FakeVersions.writeBroken(base, 1);
        manager(new ModelConfig("m", base));

        ServingException unavailable = failure(() -> manager.acquire("m", OptionalLong.empty()));

        assertThat(unavailable.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(unavailable.getMessage())
                .isEqualTo("Model \"m\" has no version that loads: version 1 of m is broken");
        assertThat(manager.isAvailable("m")).isFalse();
    }

    @Test
    void policiesDescribeThemselvesInTheConfigFilesWords() {
        assertThat(new VersionPolicy.Latest(2).describe()).isEqualTo("latest { num_versions: 2 }");
        assertThat(new VersionPolicy.All().describe()).isEqualTo("all {}");
        assertThat(new Specific2().of(3, 1).describe()).isEqualTo("specific { versions: [1, 3] }");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new VersionPolicy.Latest(0)))
                .isNotNull();
    }

    /** Specific policies, briefly. */
    private static final class Specific2 {
        VersionPolicy of(long... versions) {
            TreeSet<Long> set = new TreeSet<>();
            for (long v : versions) {
                set.add(v);
            }
            return new VersionPolicy.Specific(set);
        }
    }
}
