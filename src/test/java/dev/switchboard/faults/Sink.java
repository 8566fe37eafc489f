package dev.switchboard.faults;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The downstream the hub's HTTP port is bound to: records every call's {@code Idempotency-Key} with the
 * delivery id its body names, and can go "down" (answers 503, which the HTTP connector retries).
 * With a delay it answers each call that much later, so that callers hold calls in flight (a replica
 * killed then dies holding claims); each call keeps when it arrived and when it was answered, so that
 * two calls with one key can be seen to overlap.
 */
final class Sink implements AutoCloseable {

    /**
     * One call that was not refused: the run's key, the delivery (event) it was for, when it arrived
     * and when its answer was written (or found its caller gone), in epoch milliseconds, and its body.
     */
    record Call(String key, String delivery, long at, long answeredAt, String body) {
    }

    private static final Pattern DELIVERY = Pattern.compile("\"delivery\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Duration delay;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private volatile long refused;

    Sink(int port) throws IOException {
        this(port, Duration.ZERO);
    }

    /** A sink that answers each call {@code delay} after it arrived (a thread per call waiting, up to 64). */
    Sink(int port, Duration delay) throws IOException {
        this.delay = delay;
        executor = Executors.newFixedThreadPool(delay.isZero() ? 4 : 64);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void down(boolean down) {
        this.down = down;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    long refused() {
        return refused;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (down) {
                refused++;
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            long at = System.currentTimeMillis();
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            Matcher matcher = DELIVERY.matcher(body);
            String delivery = matcher.find() ? matcher.group(1) : null;
            try {
                if (!delay.isZero()) {
                    Thread.sleep(delay.toMillis());
                }
                byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // Recorded whether or not the caller was still there: the call reached the downstream.
                calls.add(new Call(key, delivery, at, System.currentTimeMillis(), body));
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
