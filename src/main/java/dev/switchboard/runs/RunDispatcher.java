package dev.switchboard.runs;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.Durations;
import dev.switchboard.core.StartupGate;
import dev.switchboard.core.ThrottledWarning;

/**
 * Takes due runs from the database and executes them, up to {@code switchboard.runs.workers} at
 * a time. Every replica runs one; the claims keep them off each other's runs: a claim is a row
 * lock and an attempt number that the outcome must match, and a claim that expired is retried as
 * the next attempt.
 *
 * <p>It claims as many runs as it has free workers, in one statement, and claims again as soon as
 * a worker is free: a slow downstream holds only its own workers, never a whole batch. Workers
 * hold no database connection while they call downstream, so the workers can far outnumber the
 * pool's connections. Woken by the stream's consumer when it plans runs; otherwise it looks every
 * {@code switchboard.runs.poll-interval}, for retries that fall due and other replicas' runs.
 *
 * <p>Claims nothing before the {@link StartupGate} opens: a run claimed before the bindings have
 * loaded would find its port unbound. It only claims runs of ports bound now; when the bindings
 * change (and every half minute, for runs that fell due meanwhile, such as a replay) it lets
 * the runs of unbound ports wait and makes those of bound ports due again, and every second it
 * ends the waits that outlasted {@code switchboard.runs.unbound-grace}.
 */
@ApplicationScoped
public class RunDispatcher {

    /** This replica, as recorded in the claims it takes. */
    static final String NODE = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();

    private static final Logger LOG = Logger.getLogger(RunDispatcher.class);
    private static final Duration SETTLE_EVERY = Duration.ofSeconds(30);
    private static final Duration EXPIRE_EVERY = Duration.ofSeconds(1);

    @Inject
    RunsConfig config;

    @Inject
    RunLedger ledger;

    @Inject
    RunExecutor executor;

    @Inject
    StartupGate gate;

    @Inject
    PortBindings ports;

    @Inject
    ReplicaBeats beats;

    private final Signal work = new Signal();
    private final ThrottledWarning warning = new ThrottledWarning("Runs cannot be dispatched");
    private volatile boolean running;
    private Semaphore free;
    private ExecutorService workers;
    private Thread thread;
    private volatile Set<String> settledFor;
    private long settledAt;
    private long expiredAt;

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) StartupEvent event) {
        free = new Semaphore(config.workers());
        AtomicInteger number = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.workers(), task -> {
            Thread worker = new Thread(task, "switchboard-run-" + number.incrementAndGet());
            worker.setDaemon(true);
            return worker;
        });
        running = true;
        thread = new Thread(this::run, "switchboard-run-dispatcher");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        boolean attemptsEnded = true;
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
            workers.shutdown();
            // Attempts under way get 10 s to end. Then the replica is gone and what it left is
            // retried elsewhere at once; an attempt still under way is retried once the replica
            // has been silent for the replica timeout, as if it had been killed.
            attemptsEnded = workers.awaitTermination(10, TimeUnit.SECONDS);
        }
        beats.stop(attemptsEnded);
    }

    /** Runs were planned: look now rather than at the next poll. */
    void wakeUp() {
        work.raise();
    }

    /** Runs were made due by an operator (a replay): those of unbound ports should wait now, not at the next half minute. */
    void settleSoon() {
        settledFor = null;
        work.raise();
    }

    private void run() {
        while (running) {
            try {
                if (!gate.await(config.pollInterval())) {
                    continue;
                }
                Set<String> bound = ports.names();
                waitForBindings(bound);
                free.acquire();
                int wanted = 1 + free.drainPermits();
                List<ClaimedRun> claimed = claim(wanted, bound);
                free.release(wanted - claimed.size());
                for (ClaimedRun run : claimed) {
                    workers.execute(() -> {
                        try {
                            executor.execute(run);
                        } finally {
                            free.release();
                        }
                    });
                }
                if (claimed.size() < wanted) {
                    work.await(config.pollInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs of unbound ports wait, those of bound ports are due: at a change of the bindings, and now and then. */
    private void waitForBindings(Set<String> bound) {
        long now = System.nanoTime();
        try {
            if (!bound.equals(settledFor) || now - settledAt > SETTLE_EVERY.toNanos()) {
                int[] parkedAndReleased = ledger.settleWaiting(bound);
                if (parkedAndReleased[0] > 0 || parkedAndReleased[1] > 0) {
                    LOG.infof("Runs waiting for a port binding: %d began to wait, %d released (ports bound: %s)",
                            parkedAndReleased[0], parkedAndReleased[1], bound);
                }
                settledFor = bound;
                settledAt = now;
            }
            if (now - expiredAt > EXPIRE_EVERY.toNanos()) {
                int expired = ledger.expireWaiting(config.unboundGrace());
                if (expired > 0) {
                    LOG.warnf("%d run(s) went DEAD: their port was not bound within %s (switchboard.runs.unbound-grace)",
                            expired, Durations.format(config.unboundGrace()));
                }
                expiredAt = now;
            }
        } catch (RuntimeException e) {
            warning.log(e);
        }
    }

    private List<ClaimedRun> claim(int wanted, Set<String> bound) throws InterruptedException {
        try {
            return ledger.claim(NODE, wanted, config.claimTimeout(), bound);
        } catch (RuntimeException e) {
            warning.log(e);
            work.await(config.pollInterval());
            return List.of();
        }
    }
}
