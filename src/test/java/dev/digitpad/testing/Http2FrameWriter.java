package dev.digitpad.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames written by hand (RFC 9113, section 4.1), for tests that talk to the gRPC port below grpc-java: each
 * frame is a 9-byte header (24-bit length, type, flags, 31-bit stream id) and its payload. The declared length may
 * differ from the payload's, to send a peer frames that lie about their size. {@link HeaderBlock} encodes the header
 * fields a HEADERS frame carries.
 */
public final class Http2FrameWriter {
    /** What a client sends first on a new HTTP/2 connection, before its SETTINGS frame. */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int SETTINGS = 0x4;

    /** On DATA or HEADERS: the sender's last frame on the stream. */
    public static final int END_STREAM = 0x1;
    /** On HEADERS: the header block is whole, no CONTINUATION follows. */
    public static final int END_HEADERS = 0x4;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Writes a frame whose header declares the payload's own length. */
    public Http2FrameWriter frame(int type, int flags, int stream, byte[] payload) {
        return frame(payload.length, type, flags, stream, payload);
    }

    /**
     * Writes a frame whose header declares {@code length} (its low 24 bits) whatever the payload's length; the stream
     * id is written as given, reserved bit included.
     */
    public Http2FrameWriter frame(int length, int type, int flags, int stream, byte[] payload) {
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.write(flags);
        out.writeBytes(ByteBuffer.allocate(4).putInt(stream).array());
        out.writeBytes(payload);
        return this;
    }

    /** The frames written so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /**
     * An HPACK header block (RFC 7541) of literal fields only: each one "literal header field without indexing, new
     * name", with its strings not Huffman-coded. A decoder keeps no state from it, so blocks may be sent in any order.
     */
    public static final class HeaderBlock {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** Adds a field; name and value are written as their UTF-8 bytes, whatever they hold. */
        public HeaderBlock literal(String name, String value) {
            out.write(0); // without indexing, new name
            string(name.getBytes(StandardCharsets.UTF_8));
            string(value.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }

        /** A string literal: H bit clear, its length as a 7-bit prefixed integer, then its bytes. */
        private void string(byte[] s) {
            int n = s.length;
            if (n < 127) {
                out.write(n);
            } else {
                out.write(127);
                n -= 127;
                while (n >= 128) {
                    out.write((n & 0x7f) | 0x80);
                    n >>>= 7;
                }
                out.write(n);
            }
            out.writeBytes(s);
        }
    }
}
