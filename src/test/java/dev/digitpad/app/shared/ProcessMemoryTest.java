package dev.digitpad.app.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process's memory as Linux's /proc/PID/status gives it: resident, anonymous and file-mapped. */
class ProcessMemoryTest {

    /** The lines of a real /proc/self/status around the ones read (Linux 6.1). */
    static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            VmPeak:\t 8885432 kB
            VmSize:\t 8885432 kB
            VmLck:\t       0 kB
            VmHWM:\t  731496 kB
            VmRSS:\t  731496 kB
            RssAnon:\t  424472 kB
            RssFile:\t  298624 kB
            RssShmem:\t    8400 kB
            VmData:\t 1234567 kB
            Threads:\t41
            """;

    @Test
    void readsResidentAnonymousAndFileMapped() {
        ProcessMemory m = ProcessMemory.parse(STATUS).orElseThrow();

        assertThat(m.residentKb()).isEqualTo(731496);
        assertThat(m.anonymousKb()).isEqualTo(424472);
        assertThat(m.fileKb()).isEqualTo(298624);
        assertThat(m.sharedKb()).isEqualTo(8400);
    }

    @Test
    void saysItInMegabytes() {
        ProcessMemory m = ProcessMemory.parse(STATUS).orElseThrow();

        assertThat(m.toString()).isEqualTo("resident 714 MB (anonymous 415 MB, file-mapped 292 MB)");
    }

    @Test
    void aStatusWithoutTheFieldsIsNotAvailable() {
        // Linux before 4.5 has VmRSS but not RssAnon and RssFile; other systems have no such file at all.
        assertThat(ProcessMemory.parse("Name:\tjava\nVmRSS:\t  1000 kB\n")).isEmpty();
        assertThat(ProcessMemory.parse("")).isEmpty();
        assertThat(ProcessMemory.parse("VmRSS:\tlots\nRssAnon:\t1 kB\nRssFile:\t1 kB\n"))
                .isEmpty();
    }

    @Test
    void aMissingFileIsNotAvailable(@TempDir Path dir) {
        assertThat(ProcessMemory.read(dir.resolve("status"))).isEmpty();
        assertThat(ProcessMemory.describe(Optional.empty())).isEqualTo("not available");
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path status = Files.writeString(dir.resolve("status"), STATUS);

        assertThat(ProcessMemory.read(status)).map(ProcessMemory::anonymousKb).contains(424472L);
    }

    @Test
    void readsThisProcessOnLinux() {
        Optional<ProcessMemory> self = ProcessMemory.current();
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            ProcessMemory m = self.orElseThrow();
            assertThat(m.residentKb()).isPositive();
            assertThat(m.anonymousKb() + m.fileKb()).isLessThanOrEqualTo(m.residentKb());
        } else {
            assertThat(self).isEmpty();
        }
    }
}
