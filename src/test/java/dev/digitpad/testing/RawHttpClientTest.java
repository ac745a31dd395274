package dev.digitpad.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The raw HTTP/1.1 client writes requests as given and reads answers of either framing, after interim ones. */
class RawHttpClientTest {

    private static RawHttpClient.Answer answer(String text) {
        return RawHttpClient.Answer.parse(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aContentLengthAnswerHasItsStatusHeadAndBody() {
        RawHttpClient.Answer answer = answer("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                + "Content-Length: 17\r\n\r\n{\"error\": \"gone\"}");

        assertThat(answer.isHttp()).isTrue();
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.head())
                .isEqualTo("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 17");
        assertThat(answer.hasHeader("content-type: application/json")).isTrue();
        assertThat(answer.hasHeader("transfer-encoding: chunked")).isFalse();
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\": \"gone\"}");
    }

    @Test
    void aChunkedAnswerIsDechunkedAfterAnInterimContinue() {
        RawHttpClient.Answer answer = answer("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "5;ext=1\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.head()).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\": 1}");
    }

    @Test
    void bytesThatAreNotAnHttpAnswerSaySo() {
        assertThat(answer("SSH-2.0-OpenSSH\r\n").isHttp()).isFalse();
        assertThat(answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n").isHttp())
                .as("no end of head")
                .isFalse();
        assertThat(answer("").isHttp()).isFalse();
    }

    @Test
    void theRequestGoesAsGivenWithHostAndCloseAndTheAnswerIsReadToTheEnd() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> received = new CompletableFuture<>();
            Thread server = Thread.ofPlatform().name("raw-http-test-server").start(() -> {
                try (Socket socket = listener.accept()) {
                    received.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    socket.getOutputStream()
                            .write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                    .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    received.completeExceptionally(e);
                }
            });
            RawHttpClient client = new RawHttpClient("127.0.0.1", listener.getLocalPort(), Duration.ofSeconds(10));

            Optional<RawHttpClient.Answer> answer = client.exchange(new RawHttpClient.Request(
                    "PATCH",
                    "/v1/x?y",
                    List.of("X-Odd: a\r\nInjected: b", "Content-Type: text/plain"),
                    "body".getBytes(StandardCharsets.UTF_8),
                    true));
            server.join(Duration.ofSeconds(10));

            assertThat(received.get(10, TimeUnit.SECONDS))
                    .isEqualTo("PATCH /v1/x?y HTTP/1.1\r\n"
                            + "Host: 127.0.0.1:" + listener.getLocalPort() + "\r\nConnection: close\r\n"
                            + "X-Odd: a??Injected: b\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nbody");
            assertThat(answer).hasValueSatisfying(a -> {
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.body()).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
            });
        }
    }

    @Test
    void aServerThatNeitherAnswersNorClosesGivesNoAnswer() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = new CompletableFuture<>();
            Thread server = Thread.ofPlatform().name("raw-http-silent-server").start(() -> {
                try {
                    accepted.complete(listener.accept());
                } catch (IOException e) {
                    accepted.completeExceptionally(e);
                }
            });
            RawHttpClient client = new RawHttpClient("127.0.0.1", listener.getLocalPort(), Duration.ofMillis(300));

            Optional<RawHttpClient.Answer> answer =
                    client.exchange(new RawHttpClient.Request("GET", "/", List.of(), new byte[0], false));

            assertThat(answer).isEmpty();
            server.join(Duration.ofSeconds(10));
            accepted.get(10, TimeUnit.SECONDS).close();
        }
    }
}
