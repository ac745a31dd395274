package dev.digitpad.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A raw HTTP/1.1 client for tests that send requests a proper client would refuse to write (any method, any path,
 * odd headers, a body without its length) and look at the answer byte by byte. One request per connection, with
 * {@code Connection: close}: the answer is everything the server sends until it closes.
 */
public final class RawHttpClient {
    private final String host;
    private final int port;
    private final Duration timeout;

    /** A client of {@code host:port} that waits up to {@code timeout} for each read of an answer. */
    public RawHttpClient(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    /**
     * A request as it goes on the wire: {@code headers} are whole lines ({@code "Name: value"}) without their line
     * ends; with {@code contentLength} a {@code Content-Length} of the body's length is added.
     */
    public record Request(String method, String path, List<String> headers, byte[] body, boolean contentLength) {}

    /**
     * Sends {@code request} on a connection of its own and reads the answer until the server closes; empty if the
     * server neither answers nor closes within the timeout. If the server closes before it has read the whole
     * request, its answer is still read.
     */
    public Optional<Answer> exchange(Request request) throws IOException {
        byte[] answer;
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.getOutputStream().write(bytes(request));
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // answered before reading the whole request; the answer is read below
            }
            answer = SocketReads.untilClosed(socket.getInputStream());
        }
        return Optional.ofNullable(answer).map(Answer::parse);
    }

    /**
     * The request's bytes: request line, {@code Host}, {@code Connection: close}, the headers, then the body. Header
     * lines stay one line each: a control character in them (a CR or LF would cut the request into other requests)
     * is written as {@code ?}.
     */
    byte[] bytes(Request request) {
        StringBuilder head = new StringBuilder()
                .append(request.method())
                .append(' ')
                .append(request.path())
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(host)
                .append(':')
                .append(port)
                .append("\r\nConnection: close\r\n");
        request.headers()
                .forEach(h -> head.append(h.replaceAll("[\\x00-\\x1f]", "?")).append("\r\n"));
        if (request.contentLength()) {
            head.append("Content-Length: ").append(request.body().length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(request.body());
        return bytes.toByteArray();
    }

    /**
     * What the server sent for one request, after any interim (1xx) answers: {@link #isHttp()} says whether it is an
     * HTTP/1.1 answer at all; if so, its status, its head and its body.
     */
    public record Answer(byte[] bytes) {
        /** An answer from the bytes a server sent, less the interim answers ({@code 100 Continue}) before it. */
        public static Answer parse(byte[] sent) {
            byte[] bytes = sent;
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            while (text.startsWith("HTTP/1.1 1") && text.indexOf("\r\n\r\n") > 0) {
                int interim = text.indexOf("\r\n\r\n") + 4;
                text = text.substring(interim);
                bytes = Arrays.copyOfRange(bytes, interim, bytes.length);
            }
            return new Answer(bytes);
        }

        /** The answer as text, one character a byte (ISO-8859-1), for messages. */
        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        /** Whether it starts with an HTTP/1.1 status line and its head ends with a blank line. */
        public boolean isHttp() {
            String text = text();
            return text.startsWith("HTTP/1.1 ") && headEnd() >= 0;
        }

        /** The status code of the status line. */
        public int status() {
            return Integer.parseInt(text().substring(9, 12));
        }

        /** The status line and the header lines as sent, without the blank line that ends them. */
        public String head() {
            return text().substring(0, requireHttp());
        }

        /** Whether a header line of the head starts with {@code nameAndValue}, names compared ignoring case. */
        public boolean hasHeader(String nameAndValue) {
            return head().toLowerCase(java.util.Locale.ROOT)
                    .contains("\r\n" + nameAndValue.toLowerCase(java.util.Locale.ROOT));
        }

        /** Everything after the head, de-chunked if the answer says {@code Transfer-Encoding: chunked}. */
        public byte[] body() {
            byte[] body = Arrays.copyOfRange(bytes, requireHttp() + 4, bytes.length);
            return hasHeader("transfer-encoding: chunked") ? dechunk(body) : body;
        }

        private int headEnd() {
            return text().indexOf("\r\n\r\n");
        }

        private int requireHttp() {
            if (!isHttp()) {
                throw new IllegalStateException("not an HTTP/1.1 answer");
            }
            return headEnd();
        }

        /** The chunks' data, up to the last (size 0) chunk or the end of what was sent; chunk extensions ignored. */
        static byte[] dechunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String text = new String(chunked, StandardCharsets.ISO_8859_1);
            int at = 0;
            while (true) {
                int eol = text.indexOf("\r\n", at);
                if (eol < 0) {
                    break;
                }
                int size =
                        Integer.parseInt(text.substring(at, eol).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                out.write(chunked, eol + 2, size);
                at = eol + 2 + size + 2;
            }
            return out.toByteArray();
        }
    }
}
