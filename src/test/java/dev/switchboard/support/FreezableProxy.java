package dev.switchboard.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on this machine that can freeze: while frozen it accepts connections and keeps them
 * open but passes no byte either way, as a database host that stopped (a hung VM, a partition
 * that drops packets) looks to a client. Nothing is refused or reset, so only the client's own
 * timeouts end its waits.
 */
public final class FreezableProxy implements AutoCloseable {

    /** The port the test hub's {@code frozen} datasource points at (HubTestProfile), taken when the class loads. */
    public static final int PORT = freePort();

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;
    private volatile boolean closed;

    private FreezableProxy(int port, String targetHost, int targetPort) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        daemon(this::accept);
    }

    /** A proxy on {@link #PORT} to {@code host:port}, passing bytes until frozen. */
    public static FreezableProxy to(String host, int port) {
        try {
            return new FreezableProxy(PORT, host, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void freeze() {
        frozen = true;
    }

    /** Passes bytes again: the host is back (connections whose client gave up meanwhile stay gone). */
    public void thaw() {
        frozen = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                daemon(() -> connect(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitThaw();
            Socket upstream = new Socket(targetHost, targetPort);
            sockets.add(upstream);
            daemon(() -> pump(client, upstream));
            pump(upstream, client);
        } catch (IOException | InterruptedException e) {
            // one side went away: so does the other
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                awaitThaw();
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // closed
        }
    }

    private void awaitThaw() throws InterruptedException {
        while (frozen && !closed) {
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static void daemon(Runnable work) {
        Thread thread = new Thread(work, "freezable-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
