package dev.switchboard.faults;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 */
final class Sink implements AutoCloseable {

    /** One call that was answered 200: the run's key and the delivery (event) it was for. */
    record Call(String key, String delivery, long at) {
    }

    private static final Pattern DELIVERY = Pattern.compile("\"delivery\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private volatile long refused;

    Sink(int port) throws IOException {
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
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            Matcher matcher = DELIVERY.matcher(body);
            calls.add(new Call(key, matcher.find() ? matcher.group(1) : null, System.currentTimeMillis()));
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
