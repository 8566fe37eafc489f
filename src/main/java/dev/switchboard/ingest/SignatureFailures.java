package dev.switchboard.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recent signature failures per source, in this replica: the input of the "signature failures
 * over a threshold" alert. Forgets what is older than the longest window asked for.
 */
@ApplicationScoped
public class SignatureFailures {

    private static final Duration KEEP = Duration.ofHours(1);

    private final Map<String, ConcurrentLinkedDeque<Instant>> failures = new ConcurrentHashMap<>();

    void record(String source) {
        ConcurrentLinkedDeque<Instant> times = failures.computeIfAbsent(source, name -> new ConcurrentLinkedDeque<>());
        times.addLast(Instant.now());
        forgetBefore(times, Instant.now().minus(KEEP));
    }

    public int within(String source, Duration window) {
        ConcurrentLinkedDeque<Instant> times = failures.get(source);
        if (times == null) {
            return 0;
        }
        Instant since = Instant.now().minus(window);
        forgetBefore(times, Instant.now().minus(KEEP));
        return (int) times.stream().filter(time -> time.isAfter(since)).count();
    }

    private static void forgetBefore(ConcurrentLinkedDeque<Instant> times, Instant limit) {
        while (!times.isEmpty() && times.peekFirst().isBefore(limit)) {
            times.pollFirst();
        }
    }
}
