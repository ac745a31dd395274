package dev.digitpad.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A client of TensorFlow Serving's REST predict API ({@code POST /v1/models/M[/versions/N|/labels/L]:predict}) over the
 * JDK's HTTP client (HTTP/1.1, kept-alive connections): it sends a body in the row or the columnar format and checks
 * that the answer is TensorFlow Serving's ({@code predictions} for rows, {@code outputs} for columns). Every failure
 * is a {@link RestException} that says what kind it is and what to do.
 */
public final class RestPredict implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** TensorFlow Serving's REST port. */
    public static final int DEFAULT_PORT = 8501;

    /** The two JSON formats of a predict request, and the field of the answer each is answered in. */
    public enum Format {
        /** {@code {"instances": [...]}}, answered with {@code predictions}. */
        ROWS("predictions"),
        /** {@code {"inputs": ...}}, answered with {@code outputs}. */
        COLUMNS("outputs");

        private final String answerField;

        Format(String answerField) {
            this.answerField = answerField;
        }

        public String answerField() {
            return answerField;
        }
    }

    /** A call that did not get TensorFlow Serving's answer: why, in words, and what kind of failure it was. */
    public static final class RestException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String kind;

        RestException(String kind, String message, Throwable cause) {
            super(message, cause, false, false);
            this.kind = kind;
        }

        /** The kind, for counts: "HTTP 404", "connection refused", "not JSON", "wrong answer", ... */
        public String kind() {
            return kind;
        }
    }

    /** A request ready to send again and again: its URI and its body. */
    public record Prepared(HttpRequest request, Format format, int examples, byte[] body) {
        public int bodyBytes() {
            return body.length;
        }
    }

    /** An answer: its body's length in bytes and its JSON. */
    public record Answer(int bodyBytes, JsonNode json) {}

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param base the server's REST root, e.g. {@code http://localhost:8501}
     * @param timeout how long a call may take, connecting included
     */
    public RestPredict(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /**
     * Reads a REST address as people type it: {@code http://host:port}, {@code https://...}, or {@code host:port} (taken
     * as http); a path after it is kept (for a server behind a proxy at a prefix).
     *
     * @throws IllegalArgumentException saying what to type instead
     */
    public static URI parseAddress(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(
                    "The REST address is empty; type the server's REST root, for example http://localhost:8501.");
        }
        if (!t.contains("://")) {
            t = "http://" + t;
        }
        try {
            URI uri = new URI(t);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equalsIgnoreCase("http")
                            || uri.getScheme().equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(t, "not an http or https address with a host");
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
            return new URI(
                    uri.getScheme().toLowerCase(Locale.ROOT), null, uri.getHost(), uri.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + text.strip() + "\" is not a REST address; type the server's REST"
                    + " root, for example http://localhost:8501.");
        }
    }

    /** The REST address a TensorFlow Serving with gRPC at {@code grpcAddress} (host:port) has by default: port 8501. */
    public static String defaultAddressFor(String grpcAddress) {
        String host = grpcAddress == null ? "" : grpcAddress.strip();
        host = host.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*:///?", "");
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end > 0 ? host.substring(0, end + 1) : host;
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        return "http://" + (host.isEmpty() ? "localhost" : host) + ":" + DEFAULT_PORT;
    }

    /** The predict URI of {@code model}, at the version {@code version} asks for. */
    public URI predictUri(String model, VersionChoice version) {
        String path = base.getPath() + "/v1/models/" + model
                + switch (version.kind()) {
                    case LATEST -> "";
                    case NUMBER -> "/versions/" + version.number();
                    case LABEL -> "/labels/" + version.label();
                }
                + ":predict";
        try {
            return new URI(base.getScheme(), null, base.getHost(), base.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the model name \"" + model + "\" cannot be part of a URL", e);
        }
    }

    /** A request for {@code inputs} in {@code format}; {@code signature} is named in the body unless blank. */
    public Prepared prepare(
            String model, VersionChoice version, String signature, PredictInputs inputs, Format format) {
        String json = format == Format.ROWS ? inputs.rowsJson(signature) : inputs.columnsJson(signature);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(predictUri(model, version))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return new Prepared(request, format, inputs.batch(), body);
    }

    /**
     * Sends a prepared request and checks the answer: a 200 with a JSON object holding the format's answer field (for
     * rows, one prediction per example).
     *
     * @throws RestException if it is not that, saying why
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public Answer send(Prepared prepared) throws RestException, InterruptedException {
        String where = prepared.request().uri().toString();
        HttpResponse<byte[]> response;
        try {
            response = http.send(prepared.request(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new RestException(
                    "connect timeout",
                    "Connecting to " + authority() + " took longer than " + timeout.toMillis()
                            + " ms: is the REST address right, and no firewall in between?",
                    e);
        } catch (HttpTimeoutException e) {
            throw new RestException("timeout", "No answer from " + where + " within " + timeout.toMillis() + " ms.", e);
        } catch (ConnectException e) {
            throw new RestException(
                    "connection refused",
                    "Nothing answers at " + authority() + " (connection refused): the REST port is closed, or the"
                            + " server has no REST API. TensorFlow Serving opens one only with --rest_api_port"
                            + " (usually 8501).",
                    e);
        } catch (IOException e) {
            throw new RestException(
                    "I/O error",
                    "The call to " + where + " failed: " + e.getMessage() + ". Is it an HTTP server's address?",
                    e);
        }
        byte[] body = response.body();
        String text = new String(body, StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new RestException(
                    "HTTP " + response.statusCode(),
                    where + " answered HTTP " + response.statusCode() + statusWords(response.statusCode()) + ": "
                            + abbreviate(text.strip())
                            + (response.statusCode() == 404
                                    ? " It is not TensorFlow Serving's REST API, or has no such model."
                                    : ""),
                    null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new RestException(
                    "not JSON",
                    where + " answered with something that is not a JSON object ("
                            + response.headers().firstValue("Content-Type").orElse("no Content-Type") + ": "
                            + abbreviate(text.strip()) + "); it is not TensorFlow Serving's REST API.",
                    null);
        }
        JsonNode values = json.get(prepared.format().answerField());
        if (values == null
                || (prepared.format() == Format.ROWS && (!values.isArray() || values.size() != prepared.examples()))) {
            throw new RestException(
                    "wrong answer",
                    where + " answered JSON without TensorFlow Serving's \""
                            + prepared.format().answerField() + "\""
                            + (prepared.format() == Format.ROWS ? " for " + prepared.examples() + " example(s)" : "")
                            + ": " + abbreviate(json.toString()),
                    null);
        }
        return new Answer(body.length, json);
    }

    private String authority() {
        return base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
    }

    private static String statusWords(int code) {
        return switch (code) {
            case 400 -> " Bad Request";
            case 404 -> " Not Found";
            case 405 -> " Method Not Allowed";
            case 500 -> " Internal Server Error";
            case 503 -> " Service Unavailable";
            default -> "";
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void close() {
        http.shutdownNow();
        try {
            http.awaitTermination(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
