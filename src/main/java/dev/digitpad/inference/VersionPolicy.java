package dev.digitpad.inference;

import java.util.Collections;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which of a model's versions on disk are served, as TensorFlow Serving's {@code ServableVersionPolicy} says: the
 * highest few, all of them, or exactly those listed.
 */
public sealed interface VersionPolicy {

    /** The versions to serve among those found on disk. */
    NavigableSet<Long> select(NavigableSet<Long> onDisk);

    /** The policy in the words of a config file, for logs and messages. */
    String describe();

    /** TensorFlow Serving's default: the highest version only. */
    static VersionPolicy latest() {
        return new Latest(1);
    }

    /** The {@code numVersions} highest versions. */
    record Latest(int numVersions) implements VersionPolicy {
        public Latest {
            if (numVersions < 1) {
                throw new IllegalArgumentException("a latest policy serves at least one version, not " + numVersions);
            }
        }

        @Override
        public NavigableSet<Long> select(NavigableSet<Long> onDisk) {
            NavigableSet<Long> chosen = new TreeSet<>();
            for (Long v : onDisk.descendingSet()) {
                if (chosen.size() == numVersions) {
                    break;
                }
                chosen.add(v);
            }
            return chosen;
        }

        @Override
        public String describe() {
            return "latest { num_versions: " + numVersions + " }";
        }
    }

    /** Every version found. */
    record All() implements VersionPolicy {
        @Override
        public NavigableSet<Long> select(NavigableSet<Long> onDisk) {
            return new TreeSet<>(onDisk);
        }

        @Override
        public String describe() {
            return "all {}";
        }
    }

    /** Exactly the listed versions, those of them that are on disk. */
    record Specific(SortedSet<Long> versions) implements VersionPolicy {
        public Specific {
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("a specific policy lists at least one version");
            }
            versions = Collections.unmodifiableSortedSet(new TreeSet<>(versions));
        }

        @Override
        public NavigableSet<Long> select(NavigableSet<Long> onDisk) {
            NavigableSet<Long> chosen = new TreeSet<>(onDisk);
            chosen.retainAll(versions);
            return chosen;
        }

        @Override
        public String describe() {
            return "specific { versions: " + versions + " }";
        }
    }
}
