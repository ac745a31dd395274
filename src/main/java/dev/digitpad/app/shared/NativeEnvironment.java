package dev.digitpad.app.shared;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process environment as native code sees it. TensorFlow's C++ runtime reads {@code TF_CPP_MIN_LOG_LEVEL} from
 * there; bin/digitpad exports it, but the installed launchers cannot set environment variables, so {@link Main} sets
 * it in the process before TensorFlow loads (POSIX {@code setenv} through the foreign function API).
 */
public final class NativeEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger(NativeEnvironment.class);

    private NativeEnvironment() {}

    /**
     * Sets {@code name} to {@code value} unless the user has set it. Returns whether it was set; false also on
     * systems without {@code setenv} (Windows), where the default stays.
     */
    @SuppressWarnings("restricted") // the launchers allow native access to the class path
    public static boolean setIfAbsent(String name, String value) {
        if (System.getenv(name) != null || isWindows()) {
            return false;
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle setenv = linker.downcallHandle(
                    linker.defaultLookup().find("setenv").orElseThrow(),
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                int rc = (int) setenv.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 0);
                return rc == 0;
            }
        } catch (Throwable e) {
            LOG.debug("Cannot set {} for native code: {}", name, e.toString());
            return false;
        }
    }

    /** The value native code sees ({@link System#getenv} shows only the environment the JVM started with). */
    @SuppressWarnings("restricted")
    static Optional<String> get(String name) {
        if (isWindows()) {
            return Optional.ofNullable(System.getenv(name));
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle getenv = linker.downcallHandle(
                    linker.defaultLookup().find("getenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment found = (MemorySegment) getenv.invokeExact(arena.allocateFrom(name));
                return found.equals(MemorySegment.NULL)
                        ? Optional.empty()
                        : Optional.of(found.reinterpret(Long.MAX_VALUE).getString(0));
            }
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the native environment", e);
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
