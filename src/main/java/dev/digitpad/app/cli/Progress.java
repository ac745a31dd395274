package dev.digitpad.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** A one-line progress bar on standard error, shown only when standard error is a terminal. */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final int total;
    private final boolean enabled;
    private final AtomicInteger done = new AtomicInteger();

    private Progress(PrintWriter err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled;
    }

    static Progress forStderr(PrintWriter err, int total) {
        return new Progress(err, total, total > 1 && stderrIsTerminal());
    }

    void step() {
        int n = done.incrementAndGet();
        if (enabled) {
            int filled = n * WIDTH / total;
            synchronized (err) {
                err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + n + "/" + total);
                err.flush();
            }
        }
    }

    /** Removes the bar so that a result line can be printed in its place. */
    void clear() {
        if (enabled) {
            synchronized (err) {
                err.print("\r" + " ".repeat(WIDTH + 20) + "\r");
                err.flush();
            }
        }
    }

    private static boolean stderrIsTerminal() {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
            return target.toString().startsWith("/dev/pts/")
                    || target.toString().startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }
}
