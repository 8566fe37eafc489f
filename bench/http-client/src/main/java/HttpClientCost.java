import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The JVM's CPU per call to a downstream that answers at once (nginx {@code return 200}), through
 * the JDK's HTTP client (HTTP/1.1: {@code sendAsync} with a timeout on the answer, as the http
 * connector called until bench/steps.md step 31; the same completing on the calling thread;
 * {@code send}, as it calls now; {@code send} with the client's work on its selector thread, tried
 * in step 32) and through Camel's http component (Apache HttpClient 5, a producer template), in turn.
 * Each call is a POST of a small JSON body with an {@code Idempotency-Key}, its answer read whole.
 *
 * <p>Usage: {@code java -cp … HttpClientCost <url> <calls per round> <threads> <rounds>}
 */
public class HttpClientCost {

    interface Caller {
        int call(String key, String body) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int calls = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);

        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        Caller viaJdk = (key, body) -> jdk.sendAsync(request(url, key, body), HttpResponse.BodyHandlers.ofString())
                .get(10, TimeUnit.SECONDS).statusCode();

        HttpClient jdkDirect = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        Caller viaJdkDirect = (key, body) -> jdkDirect.sendAsync(request(url, key, body),
                HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS).statusCode();
        Caller viaJdkSync = (key, body) -> jdk.send(request(url, key, body), HttpResponse.BodyHandlers.ofString())
                .statusCode();
        Caller viaJdkSyncDirect = (key, body) -> jdkDirect.send(request(url, key, body),
                HttpResponse.BodyHandlers.ofString()).statusCode();

        CamelContext camel = new DefaultCamelContext();
        camel.start();
        ProducerTemplate template = camel.createProducerTemplate();
        String endpoint = url + "?httpMethod=POST&throwExceptionOnFailure=false&followRedirects=false"
                + "&connectTimeout=5000&responseTimeout=10000&maxTotalConnections=" + Math.max(200, threads * 2)
                + "&connectionsPerRoute=" + Math.max(20, threads * 2);
        Caller viaCamel = (key, body) -> {
            Exchange answer = template.request(endpoint, exchange -> {
                exchange.getMessage().setBody(body);
                exchange.getMessage().setHeaders(Map.of(Exchange.CONTENT_TYPE, "application/json", "Idempotency-Key", key));
            });
            if (answer.getException() != null) {
                throw answer.getException();
            }
            answer.getMessage().getBody(String.class);
            return answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        };

        System.out.println("| round | client | calls | calls/s | JVM CPU per call |");
        System.out.println("|---|---|---|---|---|");
        // The first round of each warms the JIT and the connection pools; it is printed, not counted.
        for (int round = 0; round <= rounds; round++) {
            for (Map.Entry<String, Caller> client : List.of(Map.entry("JDK HttpClient, sendAsync (as the connector)", viaJdk),
                    Map.entry("JDK HttpClient, send", viaJdkSync),
                    Map.entry("JDK HttpClient, send, executor Runnable::run", viaJdkSyncDirect),
                    Map.entry("JDK HttpClient, sendAsync, executor Runnable::run", viaJdkDirect),
                    Map.entry("Camel http (HttpClient 5)", viaCamel))) {
                measure(round == 0 ? "warm-up" : String.valueOf(round), client.getKey(), client.getValue(), calls, threads);
            }
        }
        camel.stop();
    }

    /** The connector's request: a small JSON POST with an {@code Idempotency-Key}. */
    private static HttpRequest request(String url, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void measure(String round, String name, Caller caller, int calls, int threads) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long cpu = os.getProcessCpuTime();
        long began = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                while (next.getAndIncrement() < calls) {
                    String key = UUID.randomUUID().toString();
                    String body = "{\"delivery\": \"" + key + "\", \"event\": \"order-" + key.hashCode() + "\"}";
                    try {
                        if (caller.call(key, body) != 200) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        double cpuPerCall = (os.getProcessCpuTime() - cpu) / 1e3 / calls;
        pool.shutdown();
        System.out.printf("| %s | %s | %d%s | %.0f | %.1f µs |%n", round, name, calls,
                failed.get() == 0 ? "" : " (" + failed.get() + " failed)", calls / seconds, cpuPerCall);
    }
}
