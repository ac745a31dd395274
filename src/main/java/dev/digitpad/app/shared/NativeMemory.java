package dev.digitpad.app.shared;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C library's allocator, which TensorFlow, JavaFX's native code and the JVM itself allocate from. glibc's keeps
 * what is freed for reuse; {@link #releaseFreePages()} hands the free pages back to the system. Elsewhere (other C
 * libraries, Windows, macOS) it does nothing.
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);

    private NativeMemory() {}

    /**
     * Returns the allocator's free pages to the system (glibc's {@code malloc_trim(0)}): loading a model leaves tens of
     * MB of freed memory in the allocator's arenas, which would otherwise stay resident. Takes a few milliseconds.
     * Returns whether anything was released.
     */
    @SuppressWarnings("restricted") // the launchers allow native access to the class path
    public static boolean releaseFreePages() {
        Optional<MethodHandle> trim =
                function("malloc_trim", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        if (trim.isEmpty()) {
            return false;
        }
        try {
            long start = System.nanoTime();
            int released = (int) trim.get().invokeExact(0L);
            LOG.debug(
                    "malloc_trim: {} in {} ms",
                    released == 1 ? "released memory" : "nothing to release",
                    (System.nanoTime() - start) / 1_000_000);
            return released == 1;
        } catch (Throwable e) {
            LOG.debug("malloc_trim failed: {}", e.toString());
            return false;
        }
    }

    @SuppressWarnings("restricted")
    private static Optional<MethodHandle> function(String name, FunctionDescriptor descriptor) {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(f -> linker.downcallHandle(f, descriptor));
        } catch (RuntimeException e) {
            LOG.debug("No {} here: {}", name, e.toString());
            return Optional.empty();
        }
    }
}
