package dev.digitpad.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The hand-written HTTP/2 frames and HPACK blocks the fuzz test sends are what RFC 9113 and RFC 7541 say. */
class Http2FrameWriterTest {

    @Test
    void aFrameIsANineByteHeaderThenItsPayload() {
        byte[] frames = new Http2FrameWriter()
                .frame(Http2FrameWriter.DATA, Http2FrameWriter.END_STREAM, 3, new byte[] {7, 8})
                .toByteArray();

        assertThat(frames).containsExactly(0, 0, 2, 0x0, 0x1, 0, 0, 0, 3, 7, 8);
    }

    @Test
    void theDeclaredLengthMayLieAndTheStreamIdIsWrittenAsGiven() {
        byte[] frames = new Http2FrameWriter()
                .frame(Http2FrameWriter.SETTINGS, 0, 0, new byte[0])
                .frame(0x12_3456, 0xff, 0xa5, -1, new byte[] {1})
                .toByteArray();

        assertThat(frames).hasSize(9 + 10);
        assertThat(Arrays.copyOfRange(frames, 0, 9)).containsExactly(0, 0, 0, 0x4, 0, 0, 0, 0, 0);
        assertThat(Arrays.copyOfRange(frames, 9, 19))
                .containsExactly(0x12, 0x34, 0x56, 0xff, 0xa5, 0xff, 0xff, 0xff, 0xff, 1);
    }

    @Test
    void aHeaderBlockOfLiteralsDecodesAsAClientWouldDecodeIt() throws Exception {
        String longValue = "x".repeat(127 + 300); // a length that needs the prefixed integer's continuation bytes
        byte[] block = new Http2FrameWriter.HeaderBlock()
                .literal(":method", "POST")
                .literal(":path", "/tensorflow.serving.PredictionService/Predict")
                .literal("x-long", longValue)
                .literal("x-text", "grüße")
                .toByteArray();

        Http2Headers headers = new DefaultHttp2HeadersDecoder(false).decodeHeaders(1, Unpooled.wrappedBuffer(block));

        assertThat(headers.method()).hasToString("POST");
        assertThat(headers.path()).hasToString("/tensorflow.serving.PredictionService/Predict");
        assertThat(headers.get("x-long")).hasToString(longValue);
        assertThat(headers.get("x-text").toString().getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo("grüße".getBytes(StandardCharsets.UTF_8));
        assertThat(block[0]).as("literal without indexing, new name").isZero();
        assertThat(block[1]).as("name length, not Huffman-coded").isEqualTo((byte) ":method".length());
    }
}
