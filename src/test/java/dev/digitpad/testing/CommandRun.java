package dev.digitpad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digitpad.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of the {@code digitpad} command line in this JVM, as {@link Main} runs it: its exit code and what it
 * wrote to standard output and standard error.
 */
public record CommandRun(int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs {@code digitpad args...} and waits for it to end. */
    public static CommandRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }

    /** Standard output read as one JSON document a line, as {@code --json} writes it. */
    public List<JsonNode> lines() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
