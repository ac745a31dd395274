package dev.digitpad.app.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Handing the C library's free pages back to the system. */
class NativeMemoryTest {

    @Test
    @SuppressWarnings("restricted")
    void releasesWhatWasFreed() throws Throwable {
        Linker linker = Linker.nativeLinker();
        assumeTrue(linker.defaultLookup().find("malloc_trim").isPresent(), "glibc only");
        MethodHandle malloc = linker.downcallHandle(
                linker.defaultLookup().find("malloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        MethodHandle free = linker.downcallHandle(
                linker.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        // 32 MB in small blocks (below the size malloc gives its own mapping), written so that they are resident,
        // then freed: the allocator keeps them until trimmed.
        List<MemorySegment> blocks = new ArrayList<>();
        for (int i = 0; i < 32 * 1024; i++) {
            MemorySegment b = ((MemorySegment) malloc.invokeExact(1024L)).reinterpret(1024);
            b.fill((byte) 1);
            blocks.add(b);
        }
        for (MemorySegment b : blocks.reversed()) {
            free.invokeExact(b);
        }

        assertThat(NativeMemory.releaseFreePages()).isTrue();
    }
}
