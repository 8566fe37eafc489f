package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;

/**
 * What strangers and broken senders put on the wire, 20,000 times over every webhook source and
 * signature scheme, written byte by byte on a socket (an HTTP client library would refuse to send
 * most of it): odd methods, paths that climb out of {@code /hooks}, content types, huge and
 * malformed headers, bodies in chunks and in chunks no parser can follow, timestamps past any
 * calendar, invalid UTF-8, lone surrogates, NUL, numbers with a thousand digits, nesting a
 * thousand deep, ids and types too long to index, bodies over the limit. Half of them are signed correctly, so the hub gets past the signature into parsing
 * and storing. Every one is answered 2xx or a specific 4xx: a 5xx means some input was taken for
 * an outage. Seeded, so a failure names the request that can be sent again ({@code -Dfuzz.seed}).
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class WebhookFuzzTest {

    static final int REQUESTS = Integer.getInteger("fuzz.requests", 20_000);
    static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    static final byte[] SECRET = HubTestProfile.FUZZ_SECRET.getBytes(StandardCharsets.UTF_8);
    static final byte[] STANDARD_KEY = Base64.getDecoder().decode(HubTestProfile.STANDARD_SECRET.substring("whsec_".length()));

    @TestHTTPResource("/")
    URL hub;

    @Test
    void noInputAStrangerCanSendIsAnsweredWithA5xx() throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
        long descriptorsBefore = openDescriptors();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        // The hub runs in this JVM: what it logs at ERROR while strangers send is seen here.
        CapturedLog log = CapturedLog.open();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int sender = 0; sender < 8; sender++) {
                int first = sender;
                work.add(senders.submit(() -> {
                    for (int i = first; i < REQUESTS; i += 8) {
                        Probe probe = probe(new Random(SEED * 31 + i), i);
                        int status = send(probe.request());
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        if (status >= 500 && serverErrors.size() < 20) {
                            serverErrors.add(status + " for #" + i + ": " + probe.description());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> done : work) {
                done.get();
            }
        } finally {
            senders.shutdownNow();
            log.close();
        }
        Map<Integer, Integer> seen = new TreeMap<>();
        statuses.forEach((status, count) -> seen.put(status, count.get()));
        System.out.println("Fuzz pass, seed " + SEED + ": " + seen);

        assertEquals(List.of(), serverErrors, "statuses seen: " + seen);
        assertEquals(REQUESTS, seen.values().stream().mapToInt(Integer::intValue).sum());
        // Refused input is the sender's mistake, answered and counted: an ERROR line for each
        // (there were 521, one per id with a NUL) lets a stranger write the hub's log and page its operators.
        assertEquals(List.of(), log.errors().stream().limit(5).map(CapturedLog.Line::toString).toList(),
                "what the hub logged at ERROR");
        // Not a pass that only ever met the signature check: every stage refused something.
        for (int expected : new int[] {202, 200, 400, 401, 404, 405, 413, 415, 422}) {
            assertTrue(seen.containsKey(expected), expected + " never seen: " + seen);
        }
        // Nothing held per request: a socket kept for every request (a DNS lookup per request
        // did that once) slows every answer and ends in "Too many open files".
        long descriptorsAfter = openDescriptors();
        assertTrue(descriptorsAfter - descriptorsBefore < 500,
                "open file descriptors grew from " + descriptorsBefore + " to " + descriptorsAfter);
        // And the hub still takes a valid delivery right after.
        String body = "{\"id\":\"after-" + UUID.randomUUID() + "\",\"type\":\"fuzz.after\"}";
        assertEquals(202, send(request("POST", "/hooks/fuzz-open", Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8))));
    }

    record Probe(String description, byte[] request) {
    }

    private Probe probe(Random random, int index) {
        String source = pick(random, "fuzz-open", "fuzz-hmac", "fuzz-github", "fuzz-stripe", "fuzz-standard");
        String method = random.nextInt(10) < 8 ? "POST"
                : pick(random, "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "P\u00d6ST");
        String path = random.nextInt(100) < 85 ? "/hooks/" + source : oddPath(random, source);
        Body body = body(random, index);
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = random.nextInt(10) < 7 ? "application/json" : pick(random, "text/plain",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1",
                "", "application/json\u0001", "*/*", "application/" + "x".repeat(3000));
        headers.put("Content-Type", contentType);
        boolean signed = random.nextBoolean();
        String delivery = random.nextInt(10) < 8 ? UUID.randomUUID().toString() : oddText(random);
        long now = System.currentTimeMillis() / 1000;
        String timestamp = random.nextInt(10) < 7 ? Long.toString(now)
                : pick(random, "99999999999999999", "-99999999999999999", "1e20", "abc", "", "0", "-1",
                        "9223372036854775807", "\u0661\u0662\u0663", Long.toString(now + 86_400));
        byte[] raw = body.bytes();
        switch (source) {
            case "fuzz-hmac" -> {
                headers.put("X-Delivery", delivery);
                headers.put("X-Signature", signed ? "sha256=" + hex(Signing.hmac(SECRET, raw)) : oddSignature(random));
            }
            case "fuzz-github" -> {
                headers.put("X-GitHub-Delivery", delivery);
                headers.put("X-GitHub-Event", random.nextBoolean() ? "push" : oddText(random));
                headers.put("X-Hub-Signature-256", signed ? "sha256=" + hex(Signing.hmac(SECRET, raw)) : oddSignature(random));
            }
            case "fuzz-stripe" -> headers.put("Stripe-Signature", signed
                    ? "t=" + timestamp + ",v1=" + hex(Signing.hmac(SECRET, concat(timestamp + ".", raw)))
                    : "t=" + timestamp + ",v1=" + oddSignature(random));
            case "fuzz-standard" -> {
                headers.put("webhook-id", delivery);
                headers.put("webhook-timestamp", timestamp);
                headers.put("webhook-signature", signed ? "v1," + Base64.getEncoder().encodeToString(
                        Signing.hmac(STANDARD_KEY, concat(delivery + "." + timestamp + ".", raw))) : oddSignature(random));
            }
            default -> {
            }
        }
        int extra = random.nextInt(20);
        if (extra == 0) {
            headers.put("X-Huge", "h".repeat(20_000 + random.nextInt(40_000)));
        } else if (extra == 1) {
            for (int i = 0; i < 150; i++) {
                headers.put("X-Many-" + i, "v");
            }
        } else if (extra == 2) {
            headers.put("X-Bytes", new String(new byte[] {(byte) 0xc3, 0x28, (byte) 0xff, 0x00}, StandardCharsets.ISO_8859_1));
        } else if (extra == 3) {
            headers.put("Camel-Http-Uri", "http://169.254.169.254/latest");
            headers.put("CamelHttpPath", "/../../api/events");
        }
        Framing framing = framing(random);
        String description = method + " " + path + " [" + body.kind() + ", " + raw.length + " bytes " + framing
                + ", " + (signed ? "signed" : "unsigned") + ", content-type " + abbreviate(contentType) + ", extra " + extra + "]";
        return new Probe(description, request(method, path, headers, raw, framing));
    }

    record Body(String kind, byte[] bytes) {
    }

    /** The bodies that break parsers and databases, and sometimes a valid one. */
    private static Body body(Random random, int index) {
        String id = "fuzz-" + index + "-" + Long.toHexString(random.nextLong());
        return switch (random.nextInt(18)) {
            case 0 -> json("valid", "{\"id\":\"" + id + "\",\"type\":\"fuzz.order\",\"total\":12}");
            case 1 -> json("escaped NUL", "{\"id\":\"" + id + "\\u0000\",\"type\":\"fuzz\\u0000type\"}");
            case 2 -> json("lone surrogate", "{\"id\":\"" + id + "\",\"type\":\"fuzz.\\ud800\",\"x\":\"\\udc00\"}");
            case 3 -> new Body("invalid UTF-8", concat("{\"id\":\"" + id + "\",\"type\":\"fuzz.",
                    new byte[] {(byte) 0xc3, 0x28, (byte) 0xff, (byte) 0xfe, '"', '}'}));
            case 4 -> new Body("raw NUL", concat("{\"id\":\"" + id + "\",\"type\":\"fuzz.", new byte[] {0, '"', '}'}));
            case 5 -> json("huge number", "{\"id\":\"" + id + "\",\"type\":\"fuzz.n\",\"total\":1" + "0".repeat(2000)
                    + ",\"e\":1e999999999,\"neg\":-1e-999999999}");
            case 6 -> json("deep nesting", "{\"id\":\"" + id + "\",\"type\":\"fuzz.deep\",\"x\":" + "[".repeat(5000)
                    + "]".repeat(5000) + "}");
            case 7 -> json("type too long to index", "{\"id\":\"" + id + "\",\"type\":\"" + "t".repeat(3000 + random.nextInt(20_000)) + "\"}");
            case 8 -> json("id too long to index", "{\"id\":\"" + "i".repeat(3000 + random.nextInt(20_000)) + "\",\"type\":\"fuzz\"}");
            case 9 -> json("not JSON", "id=" + id + "&type=fuzz");
            case 10 -> json("empty", "");
            case 11 -> json("array", "[1,2,{\"id\":\"" + id + "\"}]");
            case 12 -> json("type not a string", "{\"id\":{\"a\":1},\"type\":[1,2]}");
            case 13 -> json("over max-body", "{\"id\":\"" + id + "\",\"type\":\"fuzz\",\"pad\":\"" + "p".repeat(70_000) + "\"}");
            case 14 -> json("duplicate keys", "{\"id\":\"" + id + "\",\"id\":\"other\",\"type\":\"a\",\"type\":\"b\"}");
            case 15 -> json("unterminated", "{\"id\":\"" + id + "\",\"type\":\"fuzz");
            case 16 -> json("control characters", "{\"id\":\"" + id + "\",\"type\":\"fuzz\u0001\u001f\"}");
            default -> {
                byte[] noise = new byte[random.nextInt(2048)];
                random.nextBytes(noise);
                yield new Body("random bytes", noise);
            }
        };
    }

    private static Body json(String kind, String text) {
        return new Body(kind, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String oddPath(Random random, String source) {
        return pick(random, "/hooks/../api/events", "/hooks/%2e%2e/%2e%2e/api/events", "/hooks/" + source + "/../../api/runs",
                "/hooks/" + source + "%00", "/hooks/" + "a".repeat(3000), "/hooks/" + source + "?x=%ff%fe&y=\u00e9",
                "/hooks//" + source, "/hooks/" + source.toUpperCase(), "/hooks/" + source + "/", "/hooks/",
                "/hooks/nobody-" + random.nextInt(1000), "/hooks/%c0%ae%c0%ae/api", "/hooks/" + source + ";jsessionid=1",
                "/hooks/" + source + "#frag");
    }

    private static String oddSignature(Random random) {
        return pick(random, "", "sha256=", "sha256=zz", "sha256=" + "0".repeat(64), "v1,", "v1,!!!!", "t=,v1=",
                "sha256=" + "f".repeat(10_000), "\u00e9\u00e9", "v1=00,v1=00,v1=00", ",,,,", "sha1=abc");
    }

    private static String oddText(Random random) {
        return pick(random, "", " ", "x".repeat(5000), "\u00e9t\u00e9", "../../etc/passwd", "%00", "a\tb", "\u00ff\u00fe");
    }

    /**
     * How the body is framed: mostly by its length; else in chunks, and sometimes in chunks a parser
     * must refuse (a size that is no number, negative or past any buffer, data longer than its size),
     * or with both a length and chunks, the ambiguity request smuggling lives on. None leaves the
     * hub waiting for bytes that will not come: each is refused or read to its end.
     */
    enum Framing {
        LENGTH, CHUNKED, SIZE_NOT_A_NUMBER, SIZE_NEGATIVE, SIZE_HUGE, DATA_OVER_SIZE, LENGTH_AND_CHUNKED;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    private static Framing framing(Random random) {
        int pick = random.nextInt(20);
        return pick < 18 ? Framing.LENGTH : pick < 19 ? Framing.CHUNKED
                : Framing.values()[2 + random.nextInt(Framing.values().length - 2)];
    }

    /** An HTTP/1.1 request as bytes, written as given: no client library in between to refuse it. */
    private static byte[] request(String method, String path, Map<String, String> headers, byte[] body) {
        return request(method, path, headers, body, Framing.LENGTH);
    }

    private static byte[] request(String method, String path, Map<String, String> headers, byte[] body, Framing framing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (framing == Framing.LENGTH || framing == Framing.LENGTH_AND_CHUNKED) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (framing != Framing.LENGTH) {
            head.append("Transfer-Encoding: chunked\r\n");
        }
        out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        switch (framing) {
            case LENGTH -> out.writeBytes(body);
            case SIZE_NOT_A_NUMBER -> out.writeBytes(("zz\r\n" + new String(body, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            case SIZE_NEGATIVE -> out.writeBytes("-5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            case SIZE_HUGE -> out.writeBytes("ffffffffffffffffff\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            case DATA_OVER_SIZE -> {
                out.writeBytes("1\r\n".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(body);
                out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            default -> {
                // Chunks of a few sizes, then the last, empty one.
                for (int from = 0, size = 1; from < body.length; from += size, size = size * 7 % 4093 + 1) {
                    int length = Math.min(size, body.length - from);
                    out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, from, length);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    /**
     * The status of the answer; 0 when the server closed the connection without one (it may,
     * for a request line or headers it cannot parse), which is not a 5xx.
     */
    private int send(byte[] request) throws IOException {
        try (Socket socket = new Socket(hub.getHost(), hub.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException closedWhileSending) {
                // A server that refuses early (413, 431) may close before the body is written.
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n' && line.length() < 200) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length > 1 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer in 30 s", e);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Hub and test share this JVM, so its descriptors are the hub's sockets, files and pipes. */
    private static long openDescriptors() throws IOException {
        try (var descriptors = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return descriptors.count();
        }
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private static byte[] concat(String prefix, byte[] rest) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
