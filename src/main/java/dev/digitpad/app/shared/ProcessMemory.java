package dev.digitpad.app.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The memory a process holds, as Linux's {@code /proc/PID/status} gives it (in kB): resident in all
 * ({@code VmRSS}), and of that anonymous ({@code RssAnon}: the Java heap, malloc, thread stacks, compiled code),
 * file-mapped ({@code RssFile}: libraries and the class-data archive, shared with the page cache) and shared memory
 * ({@code RssShmem}). Other systems have no such file: then there is nothing to read.
 */
public record ProcessMemory(long residentKb, long anonymousKb, long fileKb, long sharedKb) {
    private static final Path SELF = Path.of("/proc/self/status");

    /** This process's memory now, or empty where the system does not say (not Linux, or Linux before 4.5). */
    public static Optional<ProcessMemory> current() {
        return read(SELF);
    }

    /** The memory in a {@code /proc/PID/status} file; empty if it cannot be read or lacks the fields. */
    static Optional<ProcessMemory> read(Path status) {
        try {
            return parse(Files.readString(status));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The memory in the text of a {@code /proc/PID/status} file; empty if a field is missing or unreadable. */
    static Optional<ProcessMemory> parse(String status) {
        long resident = -1;
        long anonymous = -1;
        long file = -1;
        long shared = 0;
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            if (!key.equals("VmRSS") && !key.equals("RssAnon") && !key.equals("RssFile") && !key.equals("RssShmem")) {
                continue;
            }
            long kb = kilobytes(line.substring(colon + 1));
            switch (key) {
                case "VmRSS" -> resident = kb;
                case "RssAnon" -> anonymous = kb;
                case "RssFile" -> file = kb;
                default -> shared = Math.max(kb, 0);
            }
        }
        if (resident < 0 || anonymous < 0 || file < 0) {
            return Optional.empty();
        }
        return Optional.of(new ProcessMemory(resident, anonymous, file, shared));
    }

    /** "12345 kB" as 12345; -1 if it is not that. */
    private static long kilobytes(String value) {
        String v = value.strip();
        if (!v.endsWith(" kB")) {
            return -1;
        }
        try {
            return Long.parseLong(v.substring(0, v.length() - 3).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The memory as {@link #toString()} says it, or "not available". */
    public static String describe(Optional<ProcessMemory> memory) {
        return memory.map(ProcessMemory::toString).orElse("not available");
    }

    @Override
    public String toString() {
        return String.format(
                "resident %d MB (anonymous %d MB, file-mapped %d MB)", mb(residentKb), mb(anonymousKb), mb(fileKb));
    }

    private static long mb(long kb) {
        return Math.round(kb / 1024.0);
    }
}
