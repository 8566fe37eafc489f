package dev.switchboard.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.switchboard.support.Signing;

/**
 * Senders posting signed webhooks at a modest rate, each retrying its delivery (the same body and
 * id) until the hub answers 202 or 200, as a real sender does; every acknowledged delivery id is kept.
 *
 * <p>Given several replicas' URLs it spreads deliveries over them in turn, as a load balancer does,
 * and sends a refused, cut or unavailable ({@code 503}) request again to the next replica. It counts
 * every {@code 202} per delivery: a delivery answered {@code 202} twice was accepted twice.
 */
final class Load {

    static final String TYPE = "fault.order.created";

    private final List<String> urls;
    private final AtomicInteger nextReplica = new AtomicInteger();
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final String secret;
    private final String prefix;
    private final int senders;
    private final double perSecond;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong refusedIo = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    /** What ended a sender early (a valid delivery refused): stop() throws it, it must not die unseen. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;

    Load(String url, String secret, String prefix, int senders, double perSecond) {
        this(List.of(url), secret, prefix, senders, perSecond);
    }

    Load(List<String> urls, String secret, String prefix, int senders, double perSecond) {
        this.urls = List.copyOf(urls);
        this.secret = secret;
        this.prefix = prefix;
        this.senders = senders;
        this.perSecond = perSecond;
    }

    static String body(String id, String type) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"total\":12.5,\"customer\":{\"email\":\"a@example.com\"}}";
    }

    Load start() {
        long pauseMillis = Math.max(1, Math.round(senders * 1000 / perSecond));
        for (int i = 0; i < senders; i++) {
            Thread thread = new Thread(() -> {
                try {
                    while (!stopping) {
                        String id = prefix + "-" + sequence.incrementAndGet();
                        deliver(id, body(id, TYPE));
                        sleep(pauseMillis);
                    }
                } catch (Throwable e) {
                    failed(e);
                }
            }, prefix + "-sender-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return this;
    }

    /** Stops taking new deliveries and waits until every sender's current one is acknowledged. */
    void stop(Duration timeout) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                throw new AssertionError("a sender could not get its delivery acknowledged within " + timeout);
            }
        }
        rethrowFailure();
    }

    /** Keeps the first failure of a thread sending for this load (a sender, or a caller's own). */
    void failed(Throwable e) {
        failure.compareAndSet(null, e);
    }

    /** Throws what ended a sending thread early, if anything did. */
    void rethrowFailure() {
        Throwable e = failure.get();
        if (e != null) {
            throw new AssertionError("a sending thread failed: " + e.getMessage(), e);
        }
    }

    /** Sends one delivery until it is acknowledged, starting at the next replica in turn; returns the acknowledging status. */
    int deliver(String id, String body) {
        return deliver(id, body, Math.floorMod(nextReplica.getAndIncrement(), urls.size()));
    }

    /** Sends one delivery until it is acknowledged, first to the given replica, then to the next ones. */
    int deliver(String id, String body, int firstReplica) {
        int replica = firstReplica;
        for (int tries = 1; ; tries++) {
            int status = send(replica, id, body);
            if (status == 202 || status == 200) {
                acknowledged.add(id);
                return status;
            }
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                throw new AssertionError("a valid delivery " + id + " was refused with " + status);
            }
            replica = (replica + 1) % urls.size();
            // Every replica tried once: they are all away, wait before the next round.
            if (tries % urls.size() == 0) {
                sleep(250);
            }
        }
    }

    /** One attempt at one replica, counting a 202; -1 when it could not be reached or did not answer. */
    int send(int replica, String id, String body) {
        int status = send(urls.get(replica), body);
        if (status == 202) {
            accepted.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
        }
        return status;
    }

    /** How many times each delivery was answered 202. */
    Map<String, Integer> accepted() {
        Map<String, Integer> counts = new HashMap<>();
        accepted.forEach((id, count) -> counts.put(id, count.get()));
        return counts;
    }

    int replicas() {
        return urls.size();
    }

    /** One attempt; -1 when the hub could not be reached or did not answer. */
    private int send(String url, String body) {
        attempts.incrementAndGet();
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Signature", Signing.hmacHex(secret, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 503) {
                unavailable.incrementAndGet();
            }
            return response.statusCode();
        } catch (IOException e) {
            refusedIo.incrementAndGet();
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Sends raw bytes (for bodies that are not valid UTF-8), signed over those bytes. */
    int sendBytes(byte[] body) {
        attempts.incrementAndGet();
        try {
            String signature = java.util.HexFormat.of().formatHex(
                    Signing.hmac(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), body));
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(urls.get(0)))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    void acknowledged(String id) {
        acknowledged.add(id);
    }

    long attempts() {
        return attempts.get();
    }

    String stats() {
        return attempts.get() + " attempts, " + unavailable.get() + " answered 503, " + refusedIo.get()
                + " unreachable/no answer";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
