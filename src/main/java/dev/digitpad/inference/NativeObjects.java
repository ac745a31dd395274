package dev.digitpad.inference;

import org.bytedeco.javacpp.Pointer;

/**
 * How many of tensorflow-java's native objects are open right now: tensors (the ones made from requests and the
 * ones a run returns), sessions, graphs, statuses and buffers, each a JavaCPP pointer that holds native memory
 * until it is closed. JavaCPP counts every such pointer from the moment it is allocated until it is
 * deallocated; this reads that count.
 *
 * <p>Between calls the count of a server that closes everything it opens stays where it was: the models'
 * sessions and graphs, and nothing per call. A tensor left open shows up here until it is closed, or, unless
 * the JVM runs with {@code -Dorg.bytedeco.javacpp.nopointergc=true}, until the garbage collector happens to
 * free it. With that property the count is exact: nothing is freed behind the code's back.
 */
public final class NativeObjects {
    private NativeObjects() {}

    /** Native objects allocated through tensorflow-java (and any other JavaCPP library) and not yet freed. */
    public static long open() {
        return Pointer.totalCount();
    }
}
