package dev.digitpad.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server address as a person types it: {@code host:port}, {@code [::1]:8500}, a bare host (port 8500,
 * TensorFlow Serving's gRPC port), or a gRPC target such as {@code dns:///serving.example:8500}, which
 * may resolve to several replicas.
 *
 * @param target the gRPC target string
 * @param display how to name the server in messages
 * @param loopback whether the address is this machine (plaintext is the default only there)
 */
public record ServerAddress(String target, String display, boolean loopback) {
    public static final int DEFAULT_PORT = 8500;

    private static final Pattern HOST_PORT =
            Pattern.compile("(?<host>\\[[0-9A-Fa-f:.%a-zA-Z]+]|[^:\\[\\]/\\s]+)(?::(?<port>[^:]*))?");

    /**
     * Parses what a person typed.
     *
     * @throws IllegalArgumentException with a message saying what is wrong and what is expected
     */
    public static ServerAddress parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(
                    "The server address is empty; type host:port, for example localhost:8500.");
        }
        if (s.contains("://")) {
            return parseTarget(s);
        }
        if (s.chars().filter(c -> c == ':').count() > 1 && !s.startsWith("[")) {
            throw new IllegalArgumentException(
                    "\"" + s + "\" looks like an IPv6 address; put it in brackets, for example [" + s + "]:8500.");
        }
        Matcher m = HOST_PORT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + s + "\" is not a server address; type host:port, for example"
                    + " localhost:8500 or [::1]:8500.");
        }
        String host = m.group("host");
        int port = port(s, Optional.ofNullable(m.group("port")).orElse(Integer.toString(DEFAULT_PORT)));
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new ServerAddress(host + ":" + port, host + ":" + port, isLoopback(bare));
    }

    private static ServerAddress parseTarget(String s) {
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + s + "\" is not a valid gRPC target: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("dns") && !scheme.equals("ipv4") && !scheme.equals("ipv6") && !scheme.equals("unix")) {
            throw new IllegalArgumentException("\"" + s + "\": the scheme " + scheme
                    + " is not supported; use host:port or" + " dns:///host:port.");
        }
        if (scheme.equals("dns")) {
            String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (path.isEmpty()) {
                throw new IllegalArgumentException("\"" + s + "\" names no host; write dns:///host:port.");
            }
            ServerAddress inner = parse(path);
            return new ServerAddress(s, path, inner.loopback());
        }
        return new ServerAddress(s, s, scheme.equals("unix"));
    }

    private static int port(String s, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "\"" + s + "\": the port must be a number from 1 to 65535, got \"" + text + "\".");
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    @Override
    public String toString() {
        return display;
    }
}
