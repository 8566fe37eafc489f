package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.HubProcess;
import dev.switchboard.support.HubState;
import dev.switchboard.support.RawHttp;
import dev.switchboard.support.Signing;

/**
 * The attack of issue 11 that wedged the hub, on the packaged jar with a 256 MB heap: 40 senders
 * posting 15 MB bodies for 60 s (half to the shop source, whose limit is 1 MB, half to a source
 * that does not exist; half declaring their length, half chunked so that only counting what
 * streams past can stop them), while 200,000 badly signed deliveries arrive. Liveness answers
 * throughout, every byte of the webhook body budget is given back, the heap after a full collection
 * is back where it was before, and a valid delivery is accepted right after. Then a slowloris:
 * thousands of connections that each send most of a maximal request head and never finish it
 * (8,000 of them filled a 192 MB heap and the hub never came back): the hub holds no more of them
 * than {@code quarkus.http.limits.max-connections}, and answers again once their sender goes.
 */
class FloodIT {

    static final Duration FLOOD = Duration.ofSeconds(Long.getLong("flood.seconds", 60));
    static final int BAD_SIGNATURES = Integer.getInteger("flood.bad-signatures", 200_000);
    static final int BIG = 15 << 20;
    /** The hub's {@code quarkus.http.limits.max-connections}, and three times as many slow heads. */
    static final int CONNECTION_CAP = 1000;
    static final int SLOW_HEADS = 3 * CONNECTION_CAP;
    static final byte[] BAD_BODY = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

    /** One client per kind of sender: a client's single selector thread pushing 600 MB a second would starve the others. */
    final HttpClient bigClient = client();
    final HttpClient probe = client();

    @Test
    void bigBodiesBadSignaturesAndSlowHeadsNeitherWedgeTheHubNorKeepItsMemory() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "flood-").toAbsolutePath();
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        int httpPort = HubProcess.freePort();
        Map<String, String> environment = Map.of("QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "SWITCHBOARD_EMBEDDED_BROKER_PORT", Integer.toString(HubProcess.freePort()),
                "SWITCHBOARD_EMBEDDED_AMQP_PORT", Integer.toString(HubProcess.freePort()),
                "JAVA_TOOL_OPTIONS", "-Xms256m -Xmx256m");
        try (HubProcess hub = HubProcess.start(work, httpPort, environment).awaitReady(Duration.ofSeconds(120))) {
            assertEquals(202, deliver(hub), "a valid delivery before");
            long heapBefore = heapAfterFullCollection(hub);

            Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            List<String> livenessFailures = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger inARow = new AtomicInteger();
            AtomicInteger mostInARow = new AtomicInteger();
            AtomicBoolean flooding = new AtomicBoolean(true);
            ExecutorService senders = Executors.newFixedThreadPool(40 + 16 + 1);
            List<Future<?>> bigSenders = new ArrayList<>();
            List<Future<?>> badSenders = new ArrayList<>();
            byte[] big = new byte[BIG];
            Instant end = Instant.now().plus(FLOOD);
            for (int sender = 0; sender < 40; sender++) {
                String path = sender % 2 == 0 ? "/hooks/shop" : "/hooks/no-such-source";
                boolean chunked = sender % 4 >= 2;
                bigSenders.add(senders.submit(() -> {
                    while (Instant.now().isBefore(end)) {
                        count(outcomes, "big " + outcome(() -> post(bigClient, hub, path, chunked
                                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))
                                : HttpRequest.BodyPublishers.ofByteArray(big), "sha256=00")));
                    }
                    return null;
                }));
            }
            AtomicInteger badSignatures = new AtomicInteger();
            for (int sender = 0; sender < 16; sender++) {
                badSenders.add(senders.submit(() -> {
                    // A connection the hub closed is replaced, and the request counted as "closed".
                    while (badSignatures.get() < BAD_SIGNATURES) {
                        try (RawHttp connection = RawHttp.open(httpPort)) {
                            String outcome = "200";
                            while (outcome.matches("\\d+") && badSignatures.incrementAndGet() <= BAD_SIGNATURES) {
                                outcome = outcome(() -> badlySigned(connection));
                                count(outcomes, "bad signature " + outcome);
                            }
                        }
                    }
                    return null;
                }));
            }
            Future<?> liveness = senders.submit(() -> {
                while (flooding.get()) {
                    Instant asked = Instant.now();
                    String answer = outcome(() -> probe.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/q/health/live"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
                    if (!answer.equals("200")) {
                        livenessFailures.add(asked + ": " + answer);
                        mostInARow.accumulateAndGet(inARow.incrementAndGet(), Math::max);
                    } else {
                        inARow.set(0);
                    }
                    Thread.sleep(1000);
                }
                return null;
            });
            for (Future<?> done : badSenders) {
                done.get();
            }
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), end).toMillis()));
            // The flood ends on time: a big body still on its way is cut off, as a sender hanging up
            // would (waiting for it to time out was half a minute of nothing).
            bigSenders.forEach(sender -> sender.cancel(true));
            flooding.set(false);
            liveness.get();
            senders.shutdownNow();
            assertTrue(senders.awaitTermination(30, TimeUnit.SECONDS), "the senders stop");
            long stillHeld = awaitBufferedBytes(hub, Duration.ofSeconds(30));

            Map<String, Integer> seen = new TreeMap<>();
            outcomes.forEach((outcome, count) -> seen.put(outcome, count.get()));
            System.out.println("Flood outcomes: " + seen);
            int validAfter = deliver(hub);
            long heapAfter = heapAfterFullCollection(hub);
            System.out.printf("Heap after a full collection: %d MB before the flood, %d MB after; liveness"
                    + " failures %s%n", heapBefore >> 20, heapAfter >> 20, livenessFailures);
            // A probe may miss on a machine this busy; three misses in a row is what makes
            // Kubernetes restart a pod (failureThreshold), and what a wedged hub does for ever.
            assertTrue(mostInARow.get() < 3, "liveness during the flood: " + livenessFailures + "; outcomes " + seen);
            assertTrue(seen.keySet().stream().noneMatch(outcome -> outcome.endsWith(" 500")), seen.toString());
            // Senders hanging up mid-body are no error of the hub's: an ERROR line each would let
            // any stranger fill its log.
            assertEquals(List.of(), hub.output().lines().filter(line -> line.contains(" ERROR ")).limit(5).toList(),
                    "errors the flood made the hub log");
            assertEquals(BAD_SIGNATURES, seen.getOrDefault("bad signature 401", 0), seen.toString());
            assertEquals(0, stillHeld, "webhook body bytes the hub still held 30 s after the senders were gone");
            assertEquals(202, validAfter, "a valid delivery right after");
            // Tight enough to catch what issue 11 found: an Instant kept per failure, 28-48 bytes
            // each, is 5.6-9.6 MB for 200,000. After the flood the heap has measured 0-5 MB below
            // its level before (27-32 MB).
            assertTrue(heapAfter < heapBefore + (5 << 20), "heap " + (heapBefore >> 20) + " MB before, "
                    + (heapAfter >> 20) + " MB after");

            slowHeadsAreCappedAndLetGo(hub, httpPort, heapAfter);
        }
    }

    private void slowHeadsAreCappedAndLetGo(HubProcess hub, int httpPort, long heapBefore) throws Exception {
        StringBuilder head = new StringBuilder("POST /hooks/shop HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int line = 0; line < 18; line++) { // 18 KB: just under the 20K a head may have
            head.append("X-Pad-").append(line).append(": ").append("a".repeat(1000)).append("\r\n");
        }
        byte[] unfinished = head.toString().getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_HEADS; i++) {
                try {
                    SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", httpPort));
                    slow.add(socket);
                    socket.write(ByteBuffer.wrap(unfinished));
                    socket.configureBlocking(false);
                } catch (IOException closedByTheHub) {
                    // Over the cap the hub may close the connection before the head is written.
                }
            }
            Thread.sleep(2000);
            long held = slow.stream().filter(FloodIT::stillOpen).count();
            long heapHeld = heapAfterFullCollection(hub);
            System.out.printf("Slow heads: %d of %d held open by the hub; heap %d MB while they were, %d MB before%n",
                    held, SLOW_HEADS, heapHeld >> 20, heapBefore >> 20);
            assertTrue(held <= CONNECTION_CAP, held + " of " + SLOW_HEADS + " unfinished heads held, over the cap");
            // Each holds its 18 KB head: at most the cap's worth (about 20 MB), not the attacker's.
            assertTrue(heapHeld < heapBefore + (40 << 20), "heap " + (heapBefore >> 20) + " MB before the slow heads, "
                    + (heapHeld >> 20) + " MB while they were held");
        } finally {
            for (SocketChannel socket : slow) {
                socket.close();
            }
        }
        // The sender gone, the hub answers again by itself.
        hub.awaitLive(Duration.ofSeconds(10));
        assertEquals(202, deliver(hub), "a valid delivery after the slow heads");
    }

    /** Whether the hub still holds this connection open, waiting for the rest: nothing to read, not closed nor reset. */
    private static boolean stillOpen(SocketChannel socket) {
        try {
            return socket.read(ByteBuffer.allocate(1)) == 0;
        } catch (IOException reset) {
            return false;
        }
    }

    interface Call {
        Object call() throws Exception;
    }

    /** The status, or what went wrong on the wire (a refusal may close the connection mid-body). */
    private static String outcome(Call call) {
        try {
            return String.valueOf(call.call());
        } catch (java.net.http.HttpTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "closed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private static void count(Map<String, AtomicInteger> outcomes, String outcome) {
        outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static int post(HttpClient client, HubProcess hub, String path, HttpRequest.BodyPublisher body,
            String signature) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Shop-Signature", signature)
                .POST(body).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * One badly signed delivery on a kept-alive socket: the JDK's client cost the test more CPU per
     * request than the hub spent refusing it, so 200,000 of them took ~100 s on two cores.
     */
    private static int badlySigned(RawHttp connection) throws IOException {
        return connection.postHead("/hooks/shop", "Content-Type: application/json",
                "X-Shop-Signature: sha256=" + "0".repeat(64), "Content-Length: " + BAD_BODY.length)
                .write(BAD_BODY).read().status();
    }

    private int deliver(HubProcess hub) throws Exception {
        String body = "{\"id\":\"flood-" + UUID.randomUUID() + "\",\"type\":\"shop.order.created\",\"total\":5}";
        return post(probe, hub, "/hooks/shop", HttpRequest.BodyPublishers.ofString(body),
                "sha256=" + Signing.hmacHex("shop-example-secret", body));
    }

    /** Waits until the hub holds no webhook body ({@code switchboard.ingest.max-buffered}'s gauge), or gives up and says how much. */
    private long awaitBufferedBytes(HubProcess hub, Duration timeout) throws Exception {
        Instant giveUp = Instant.now().plus(timeout);
        while (true) {
            String metrics = probe.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            OptionalDouble held = HubState.metric(metrics, WebhookBodyLimitsTest.BUFFERED);
            assertTrue(held.isPresent(), WebhookBodyLimitsTest.BUFFERED + " in /q/metrics");
            long bytes = (long) held.getAsDouble();
            if (bytes == 0 || Instant.now().isAfter(giveUp)) {
                return bytes;
            }
            Thread.sleep(250);
        }
    }

    /** Heap in use right after a full collection, by jcmd, as an operator would look. */
    private static long heapAfterFullCollection(HubProcess hub) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(hub.pid()), "GC.run");
        String info = run(jcmd, Long.toString(hub.pid()), "GC.heap_info");
        // "garbage-first heap   total 262144K, used 61234K [..."
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        assertTrue(used.find(), info);
        return Long.parseLong(used.group(1)) << 10;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output;
    }
}
