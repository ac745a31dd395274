package dev.digitpad.client;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server address as a person types it: {@code host:port}, {@code [::1]:8500}, a bare host (port 8500,
 * TensorFlow Serving's gRPC port), a gRPC target such as {@code dns:///serving.example:8500}, which may resolve to
 * several replicas, or a Unix socket ({@code unix:///run/serving.sock}).
 *
 * <p>The check accepts only what gRPC then takes: host names as its DNS resolver reads them, IPv6 literals only in
 * brackets and only when they are IPv6 addresses, and targets of the schemes gRPC Java resolves. What it refuses gets
 * a message in the person's words and, where the mistake is clear, suggestions, each of which passes the check.
 *
 * @param target the gRPC target string
 * @param display how to name the server in messages
 * @param loopback whether the address is this machine (plaintext is the default only there)
 */
public record ServerAddress(String target, String display, boolean loopback) {
    public static final int DEFAULT_PORT = 8500;

    /** TensorFlow Serving's REST port, which people give for its gRPC one. */
    private static final int REST_PORT = 8501;

    private static final String EXAMPLE = "type host:port, for example localhost:8500";
    private static final Pattern SCHEME = Pattern.compile("(?<scheme>[A-Za-z][A-Za-z0-9+.-]*):(?<rest>.*)");
    /** Schemes gRPC targets and URLs use, recognised even without "//" when no port follows. */
    private static final Set<String> KNOWN_SCHEMES =
            Set.of("dns", "unix", "unix-abstract", "ipv4", "ipv6", "xds", "http", "https", "grpc", "grpcs", "tcp");

    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._~-]+)?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,5}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");

    /** Why an address is refused, and what to type instead: each suggestion passes the check. */
    public static final class InvalidAddressException extends IllegalArgumentException {
        private final transient List<String> suggestions;

        InvalidAddressException(String message, List<String> suggestions) {
            super(message);
            this.suggestions = List.copyOf(suggestions);
        }

        /** Addresses the person probably meant, in the order the message gives them; empty when unclear. */
        public List<String> suggestions() {
            return suggestions;
        }
    }

    /**
     * Parses what a person typed.
     *
     * @throws InvalidAddressException with a message saying what is wrong and what is expected
     */
    public static ServerAddress parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw invalid("The server address is empty; " + EXAMPLE + ".");
        }
        Matcher m = SCHEME.matcher(s);
        if (m.matches()) {
            String scheme = m.group("scheme").toLowerCase(Locale.ROOT);
            String rest = m.group("rest");
            if (rest.startsWith("//")) {
                return target(s, scheme, rest.substring(2), true);
            }
            if (KNOWN_SCHEMES.contains(scheme) && !DIGITS.matcher(rest).matches() && !rest.isEmpty()) {
                return target(s, scheme, rest, false);
            }
        }
        return hostAndPort(s, s);
    }

    /** {@code scheme:rest} or, with {@code slashes}, {@code scheme://rest}. */
    private static ServerAddress target(String s, String scheme, String rest, boolean slashes) {
        return switch (scheme) {
            case "dns" -> dns(s, rest, slashes);
            case "unix" -> unix(s, rest, slashes);
            case "ipv4", "ipv6" -> {
                List<String> meant = validDisplay(rest.split(",", -1)[0]);
                throw invalid(
                        "\"" + s + "\": DigitPad does not take " + scheme + ": targets; "
                                + (meant.isEmpty()
                                        ? EXAMPLE + "."
                                        : "type the address alone: " + meant.getFirst() + "."),
                        meant);
            }
            case "http", "https", "grpc", "grpcs", "tcp" -> throw url(s, scheme, rest);
            default ->
                throw invalid(
                        "\"" + s + "\": DigitPad cannot use " + scheme + ": addresses; " + EXAMPLE + ", or"
                                + " dns:///host:port.",
                        List.of());
        };
    }

    /** A URL: the scheme is left out, and so is anything after host and port. */
    private static InvalidAddressException url(String s, String scheme, String rest) {
        String prefix = s.substring(0, s.length() - rest.length());
        String authority = rest.split("[/?#]", 2)[0];
        List<String> meant = authority.isEmpty() ? List.of() : validDisplay(authority);
        StringBuilder message = new StringBuilder("\"" + s + "\": leave out \"" + prefix + "\" and ");
        if (meant.isEmpty()) {
            message.append(EXAMPLE);
        } else {
            message.append("type ").append(meant.getFirst());
            if (scheme.endsWith("s")) {
                message.append(" with TLS turned on");
            }
            if (meant.getFirst().endsWith(":" + REST_PORT)) {
                message.append(" (")
                        .append(REST_PORT)
                        .append(" is TensorFlow Serving's REST port; DigitPad talks gRPC, on port ")
                        .append(DEFAULT_PORT)
                        .append(" unless the server sets another)");
            }
        }
        return invalid(message.append('.').toString(), meant);
    }

    /** {@code dns:///host:port}: gRPC's DNS resolver, which balances over every address the name has. */
    private static ServerAddress dns(String s, String rest, boolean slashes) {
        String path = rest;
        if (slashes) {
            int slash = rest.indexOf('/');
            if (slash < 0) {
                path = rest;
                List<String> meant = path.isEmpty() ? List.of() : asDns(validDisplay(path));
                throw invalid(
                        "\"" + s + "\" names no host; write dns:///host:port, with three slashes"
                                + (meant.isEmpty() ? "." : ": " + meant.getFirst() + "."),
                        meant);
            }
            String server = rest.substring(0, slash);
            path = rest.substring(slash + 1);
            if (!server.isEmpty()) {
                List<String> meant = path.isEmpty() ? List.of() : asDns(validDisplay(path));
                throw invalid(
                        "\"" + s + "\" asks the DNS server " + server + ", which DigitPad cannot do; write"
                                + " dns:///host:port to use this machine's DNS"
                                + (meant.isEmpty() ? "." : ": " + meant.getFirst() + "."),
                        meant);
            }
        }
        if (path.isEmpty()) {
            throw invalid("\"" + s + "\" names no host; write dns:///host:port, for example dns:///localhost:8500.");
        }
        if (path.startsWith("[")) {
            List<String> meant = validDisplay(path);
            throw invalid(
                    "\"" + s + "\": an IPv6 address cannot follow dns:; "
                            + (meant.isEmpty()
                                    ? "type it in brackets alone, as in [::1]:8500."
                                    : "type it alone: " + meant.getFirst() + "."),
                    meant);
        }
        ServerAddress inner = hostAndPort(path, s);
        return new ServerAddress("dns:///" + inner.display(), inner.display(), inner.loopback());
    }

    private static List<String> asDns(List<String> displays) {
        return displays.stream()
                .filter(d -> !d.startsWith("["))
                .map(d -> "dns:///" + d)
                .toList();
    }

    /** {@code unix:///path} or {@code unix:/path}: a Unix domain socket on this machine. */
    private static ServerAddress unix(String s, String rest, boolean slashes) {
        if (!rest.startsWith("/") || rest.equals("/")) {
            List<String> meant = slashes && !rest.isEmpty() && !rest.equals("/") ? valid("unix:///" + rest) : List.of();
            throw invalid(
                    "\"" + s + "\": give the socket's full path"
                            + (meant.isEmpty()
                                    ? ", for example unix:///run/serving.sock."
                                    : ": " + meant.getFirst() + "."),
                    meant);
        }
        String target = "unix://" + rest;
        try {
            new URI(target);
        } catch (URISyntaxException e) {
            throw invalid("\"" + s + "\": the socket's path has a character gRPC cannot take (such as a space); move"
                    + " the socket to a path without it.");
        }
        return new ServerAddress(target, target, true);
    }

    /** {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port}; {@code s} is what was typed. */
    private static ServerAddress hostAndPort(String text, String s) {
        if (text.startsWith("[")) {
            return bracketed(text, s);
        }
        long colons = text.chars().filter(c -> c == ':').count();
        if (colons > 1) {
            throw unbracketedIpv6(text, s);
        }
        int colon = text.indexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        String portText = colon < 0 ? null : text.substring(colon + 1);
        int slash = portText == null ? host.indexOf('/') : portText.indexOf('/');
        if (slash >= 0) {
            String bare = portText == null ? host.substring(0, slash) : host + ":" + portText.substring(0, slash);
            List<String> meant = bare.isEmpty() ? List.of() : validDisplay(bare);
            throw invalid(
                    "\"" + s + "\": leave out the path after the address; "
                            + (meant.isEmpty() ? EXAMPLE + "." : "type " + meant.getFirst() + "."),
                    meant);
        }
        int port = portText == null ? DEFAULT_PORT : port(s, portText);
        if (host.isEmpty()) {
            throw invalid(
                    "\"" + s + "\" names no host; type localhost:" + port + " for this machine, or another host.",
                    valid("localhost:" + port));
        }
        checkHost(s, host, port);
        String display = host + ":" + port;
        return new ServerAddress("dns:///" + display, display, isLoopbackName(host));
    }

    private static ServerAddress bracketed(String text, String s) {
        int close = text.indexOf(']');
        if (close < 0) {
            String inner = text.substring(1);
            List<String> meant = isIpv6(inner) ? valid("[" + inner + "]:" + DEFAULT_PORT) : List.of();
            throw invalid(
                    "\"" + s + "\" has no closing \"]\"; an IPv6 address goes in brackets"
                            + (meant.isEmpty() ? ", for example [::1]:8500." : ": " + meant.getFirst() + "."),
                    meant);
        }
        String inner = text.substring(1, close);
        String rest = text.substring(close + 1);
        if (!isIpv6(inner)) {
            List<String> meant = inner.isEmpty() || inner.contains(":") ? List.of() : validDisplay(inner + rest);
            throw invalid(
                    "\"" + s + "\": " + (inner.isEmpty() ? "the brackets are empty" : inner + " is not an IPv6 address")
                            + "; brackets hold only IPv6 addresses, as in [::1]:8500. "
                            + (meant.isEmpty()
                                    ? "For a host name, " + EXAMPLE + "."
                                    : "Type " + meant.getFirst() + "."),
                    meant);
        }
        int port = DEFAULT_PORT;
        if (!rest.isEmpty()) {
            int slash = rest.indexOf('/');
            if (rest.startsWith(":") && slash > 0) {
                List<String> meant = validDisplay(text.substring(0, close + 1 + slash));
                throw invalid(
                        "\"" + s + "\": leave out the path after the address"
                                + (meant.isEmpty() ? "." : "; type " + meant.getFirst() + "."),
                        meant);
            }
            if (!rest.startsWith(":")) {
                List<String> meant = valid("[" + inner + "]:" + DEFAULT_PORT);
                throw invalid(
                        "\"" + s + "\": after \"]\" comes \":\" and the port, as in " + meant.getFirst() + ".", meant);
            }
            port = port(s, rest.substring(1));
        }
        String display = "[" + inner + "]:" + port;
        return new ServerAddress(display, display, isLoopbackLiteral(inner));
    }

    /** Advice for text with several colons and no brackets: an IPv6 address, with or without a port, or a mistake. */
    private static InvalidAddressException unbracketedIpv6(String text, String s) {
        int last = text.lastIndexOf(':');
        String head = text.substring(0, last);
        String tail = text.substring(last + 1);
        List<String> withPort =
                isIpv6(head) && isPort(tail) ? valid("[" + head + "]:" + Integer.parseInt(tail)) : List.of();
        List<String> allAddress = isIpv6(text) ? valid("[" + text + "]:" + DEFAULT_PORT) : List.of();
        if (withPort.isEmpty() && allAddress.isEmpty()) {
            return invalid("\"" + s + "\" is not a server address: it has more than one \":\". " + capitalized(EXAMPLE)
                    + "; an IPv6 address goes in brackets, as in [::1]:8500.");
        }
        if (allAddress.isEmpty()) {
            return invalid(
                    "\"" + s + "\" looks like an IPv6 address and a port; put the address in brackets: "
                            + withPort.getFirst() + ".",
                    withPort);
        }
        if (withPort.isEmpty()) {
            return invalid(
                    "\"" + s + "\" looks like an IPv6 address; put it in brackets: " + allAddress.getFirst() + ".",
                    allAddress);
        }
        // Both readings are valid ("::1:8500"): a long last group is more likely a port.
        List<String> both = tail.length() >= 4
                ? List.of(withPort.getFirst(), allAddress.getFirst())
                : List.of(allAddress.getFirst(), withPort.getFirst());
        return invalid(
                "\"" + s + "\" looks like an IPv6 address; put the address in brackets: " + withPort.getFirst() + " if "
                        + tail + " is the port, or " + allAddress.getFirst() + " if it is all address.",
                both);
    }

    /** Refuses a host gRPC's DNS resolver would not take, saying why. */
    private static void checkHost(String s, String host, int port) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c > 127) {
                List<String> meant = List.of();
                try {
                    meant = valid(IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES) + ":" + port);
                } catch (IllegalArgumentException e) {
                    // no ASCII form: no suggestion
                }
                throw invalid(
                        "\"" + s + "\": " + host + " has letters outside ASCII; "
                                + (meant.isEmpty()
                                        ? "write the host name in its ASCII form."
                                        : "write it in its ASCII form: " + meant.getFirst() + "."),
                        meant);
            }
            if (Character.isWhitespace(c)) {
                throw invalid("\"" + s + "\" has a space in the host name; " + EXAMPLE + ".");
            }
            if (!Character.isLetterOrDigit(c) && c != '-' && c != '.') {
                throw invalid("\"" + s + "\": a host name holds only letters, digits, \"-\" and \".\", so \"" + c
                        + "\" cannot be in " + host + ". " + capitalized(EXAMPLE) + ".");
            }
        }
        if (NUMERIC.matcher(host).matches()) {
            checkIpv4(s, host, port);
        } else {
            String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            String[] labels = name.split("\\.", -1);
            boolean ok = name.length() <= 253
                    && !NUMERIC.matcher(labels[labels.length - 1]).matches();
            for (String label : labels) {
                ok &= LABEL.matcher(label).matches();
            }
            if (!ok) {
                throw invalid("\"" + s + "\": " + host + " is not a valid host name; its parts between dots start and"
                        + " end with a letter or digit, are at most 63 characters long, and the last is not a number.");
            }
        }
        // gRPC's own check (DnsNameResolver): the host of "//host:port" as a URI.
        try {
            if (new URI("//" + host + ":" + port).getHost() == null) {
                throw invalid("\"" + s + "\": " + host + " is not a valid host name. " + capitalized(EXAMPLE) + ".");
            }
        } catch (URISyntaxException e) {
            throw invalid("\"" + s + "\": " + host + " is not a valid host name. " + capitalized(EXAMPLE) + ".");
        }
    }

    private static void checkIpv4(String s, String host, int port) {
        String[] parts = host.split("\\.", -1);
        boolean ok = parts.length == 4;
        boolean zeros = false;
        for (String part : parts) {
            ok &= DIGITS.matcher(part).matches() && part.length() <= 3 && Integer.parseInt(part) <= 255;
            zeros |= part.length() > 1 && part.startsWith("0");
        }
        if (!ok) {
            throw invalid("\"" + s + "\": " + host + " is not an IPv4 address; write four numbers from 0 to 255"
                    + " separated by dots, for example 127.0.0.1.");
        }
        if (zeros) {
            StringBuilder plain = new StringBuilder();
            for (String part : parts) {
                plain.append(plain.isEmpty() ? "" : ".").append(Integer.parseInt(part));
            }
            List<String> meant = valid(plain + ":" + port);
            throw invalid(
                    "\"" + s + "\": leave out the leading zeros, which some systems read as octal: " + meant.getFirst()
                            + ".",
                    meant);
        }
    }

    private static int port(String s, String text) {
        if (isPort(text)) {
            return Integer.parseInt(text);
        }
        throw invalid("\"" + s + "\": the port must be a number from 1 to 65535, got \"" + text + "\".");
    }

    private static boolean isPort(String text) {
        if (!DIGITS.matcher(text).matches()) {
            return false;
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535;
    }

    /** Whether {@code text} is an IPv6 address (with an optional zone, {@code fe80::1%eth0}) as gRPC reads one. */
    static boolean isIpv6(String text) {
        if (!IPV6_TEXT.matcher(text).matches()
                || text.chars().filter(c -> c == ':').count() < 2) {
            return false;
        }
        try {
            return new URI("//[" + text + "]:1").getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || h.equals("localhost.")
                || (NUMERIC.matcher(h).matches() && isLoopbackLiteral(h));
    }

    /** Whether an IP literal (no DNS lookup is made for one) is this machine. */
    private static boolean isLoopbackLiteral(String ip) {
        int zone = ip.indexOf('%');
        try {
            return InetAddress.getByName(zone < 0 ? ip : ip.substring(0, zone)).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code text} as a one-element list if it passes the check, else empty: advice is only what works. */
    private static List<String> valid(String text) {
        try {
            parse(text);
            return List.of(text);
        } catch (InvalidAddressException e) {
            return List.of();
        }
    }

    /** How the check would show {@code text}, normalised ({@code localhost} becomes {@code localhost:8500}). */
    private static List<String> validDisplay(String text) {
        try {
            return List.of(parse(text).display());
        } catch (InvalidAddressException e) {
            return List.of();
        }
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static InvalidAddressException invalid(String message) {
        return new InvalidAddressException(message, List.of());
    }

    private static InvalidAddressException invalid(String message, List<String> suggestions) {
        return new InvalidAddressException(message, new ArrayList<>(suggestions));
    }

    @Override
    public String toString() {
        return display;
    }
}
