package dev.digitpad.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Reading what a peer sends on a raw socket, for tests that speak a protocol by hand. */
public final class SocketReads {
    private SocketReads() {}

    /**
     * Everything the peer sends until it closes the connection; null if it neither sends more nor closes within the
     * socket's read timeout. A reset after some bytes ends the reading: what came before it counts.
     */
    public static byte[] untilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (SocketException reset) {
            // a reset after the answer: what came before it counts
        }
        return out.toByteArray();
    }
}
