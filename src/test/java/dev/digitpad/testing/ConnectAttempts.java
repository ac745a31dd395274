package dev.digitpad.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A port where a server used to be, held while it is down: it accepts each connection and closes it at once, before a
 * word of HTTP/2, so every client's connection attempt fails as it would against a dead server, and is counted. gRPC
 * tries again with a growing back-off (1 s, 1.6 s, 2.6 s, ... each within 20 %), so after {@code n} attempts a test
 * knows the next one is at least {@code 0.8 * 1.6^(n-1)} seconds away.
 */
public final class ConnectAttempts implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private int attempts;
    private long last;
    private long lastGap;

    private ConnectAttempts(ServerSocket socket) {
        this.socket = socket;
        this.acceptor = Thread.ofPlatform().name("connect-attempts").daemon().start(this::accept);
    }

    /** Holds {@code port} of 127.0.0.1, which must be free (a stopped server's). */
    public static ConnectAttempts hold(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new ConnectAttempts(socket);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                s.setSoLinger(true, 0); // a reset, as from a port nothing listens on any more
                synchronized (this) {
                    long now = System.nanoTime();
                    lastGap = attempts == 0 ? 0 : now - last;
                    last = now;
                    attempts++;
                    notifyAll();
                }
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /**
     * Waits for an attempt that came at least {@code gap} after the one before: the client's next attempt is then
     * over {@code gap} away from now.
     */
    public synchronized void awaitGap(Duration gap, Duration timeout) throws InterruptedException, TimeoutException {
        long end = System.nanoTime() + timeout.toNanos();
        int seen = attempts;
        while (attempts == seen || attempts < 2 || lastGap < gap.toNanos()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(
                        attempts + " connection attempts in " + timeout + ", none " + gap + " after the one before");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    public synchronized int attempts() {
        return attempts;
    }

    /** Frees the port. */
    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        acceptor.join(5_000);
    }
}
