package dev.digitpad.app.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The environment native code (TensorFlow) reads, set from Java. */
class NativeEnvironmentTest {

    @Test
    void setsAVariableNativeCodeSees() {
        String name = "DIGITPAD_TEST_" + ProcessHandle.current().pid();
        assertThat(NativeEnvironment.get(name)).isEmpty();

        assertThat(NativeEnvironment.setIfAbsent(name, "2")).isTrue();

        assertThat(NativeEnvironment.get(name)).contains("2");
    }

    @Test
    void leavesAVariableTheUserSetAlone() {
        String path = System.getenv("PATH");
        assertThat(NativeEnvironment.setIfAbsent("PATH", "/nowhere")).isFalse();
        assertThat(NativeEnvironment.get("PATH")).contains(path);
    }
}
