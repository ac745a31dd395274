package dev.digitpad.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A scrape in Prometheus's text exposition format, parsed as Prometheus parses it: {@code # TYPE} lines, and one
 * sample a line, {@code name{label="value",...} number}, with the format's escapes in label values. Anything else
 * fails the parse, so a test that parses a scrape also checks that it is well formed.
 */
public final class PrometheusText {
    /** One sample: its metric name (with {@code _bucket}, {@code _sum} or {@code _count} for a histogram's). */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final Map<String, String> types = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private PrometheusText() {}

    public static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2 || parsed.types.put(parts[0], parts[1]) != null) {
                    throw new IllegalArgumentException("bad or repeated TYPE line: " + line);
                }
                continue;
            }
            parsed.samples.add(sample(line));
        }
        return parsed;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("no value: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf("=\"", i);
                String label = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("label " + label + " twice: " + line);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            if (i + 1 != space) {
                throw new IllegalArgumentException("text after the labels: " + line);
            }
        } else {
            name = line.substring(0, space);
        }
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("bad metric name: " + line);
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    /** The {@code # TYPE} of a metric family, if the scrape declares one. */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The samples of {@code name} whose labels include all of {@code labels} (name, value, name, value...). */
    public List<Sample> samples(String name, String... labels) {
        Predicate<Sample> match = s -> s.name().equals(name);
        for (int i = 0; i < labels.length; i += 2) {
            String label = labels[i];
            String value = labels[i + 1];
            match = match.and(s -> value.equals(s.labels().get(label)));
        }
        return samples.stream().filter(match).toList();
    }

    /**
     * The value of the one sample of {@code name} with exactly these labels (name, value, ...), or 0 if there is none,
     * as Prometheus reads a counter that has not started.
     */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        List<Sample> found = samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().equals(wanted))
                .toList();
        if (found.size() > 1) {
            throw new IllegalStateException("more than one sample " + name + wanted);
        }
        return found.isEmpty() ? 0 : found.getFirst().value();
    }
}
