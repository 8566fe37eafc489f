package dev.switchboard.runs;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.jboss.logging.Logger;

/**
 * Takes due runs from the database and executes them, {@code switchboard.runs.workers} at a
 * time. Every replica runs this route; the claims keep them off each other's runs: a claim is a
 * row lock and an attempt number that the outcome must match, so an attempt is executed by the
 * replica that claimed it, once, and a claim that expired is retried as the next attempt.
 */
@ApplicationScoped
public class RunDispatchRoute extends RouteBuilder {

    /** This replica, as recorded in the claims it takes. */
    static final String NODE = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();

    private static final Logger LOG = Logger.getLogger(RunDispatchRoute.class);
    private static final long WARNING_INTERVAL_MS = 30_000;

    @Inject
    RunsConfig config;

    @Inject
    RunLedger ledger;

    @Inject
    RunExecutor executor;

    /** When the last "cannot dispatch" warning was logged: an outage warns every 30 s, not every poll. */
    private final AtomicLong lastWarning = new AtomicLong();

    @Override
    public void configure() {
        onException(Exception.class).handled(true).process(exchange -> {
            long now = System.currentTimeMillis();
            long last = lastWarning.get();
            if (now - last > WARNING_INTERVAL_MS && lastWarning.compareAndSet(last, now)) {
                Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                LOG.warnf("Runs cannot be dispatched (will keep trying): %s", error.getMessage());
            }
        });
        ExecutorService workers = getContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "switchboard-run", config.workers());
        // Claim a batch, execute it, and claim again at once while there is work: the timer only
        // sets how soon an idle replica notices new runs.
        from("timer:switchboard-runs?delay=1000&period=" + config.pollInterval().toMillis())
                .routeId("run-dispatcher")
                .process(this::claim)
                .loopDoWhile(exchange -> !exchange.getMessage().getBody(List.class).isEmpty())
                    .split(body()).parallelProcessing().executorService(workers)
                        .process(exchange -> executor.execute(exchange.getMessage().getBody(ClaimedRun.class)))
                    .end()
                    .process(this::claim)
                .end();
    }

    private void claim(Exchange exchange) {
        exchange.getMessage().setBody(ledger.claim(NODE, config.workers(), config.claimTimeout()));
    }
}
