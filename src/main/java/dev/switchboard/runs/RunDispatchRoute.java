package dev.switchboard.runs;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionManager;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Takes due runs from the database and executes them, {@code switchboard.runs.workers} at a
 * time. Every replica runs this route; the claims keep them off each other's runs: a claim is a
 * row lock and an attempt number that the outcome must match, and a claim that expired is retried
 * as the next attempt.
 *
 * <p>Each claimed attempt passes Camel's idempotent consumer keyed by (run, attempt), in one
 * database transaction with the attempt's outcome: an attempt handed out twice (a redelivered
 * dispatch, two workers given one claim) calls downstream once. A second copy waits on the first
 * copy's uncommitted key and is then dropped; if the first rolled back (the hub died mid-call),
 * nothing of it stays, and the claim's expiry retries the run as the next attempt, under a new key.
 */
@ApplicationScoped
public class RunDispatchRoute extends RouteBuilder {

    /** This replica, as recorded in the claims it takes. */
    static final String NODE = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();

    /** One claimed attempt: in, a {@link ClaimedRun}. */
    static final String ATTEMPT = "direct:switchboard-run-attempt";
    private static final String ATTEMPT_KEY = "SwitchboardAttemptKey";

    @Inject
    RunsConfig config;

    @Inject
    RunLedger ledger;

    @Inject
    RunExecutor executor;

    @Inject
    TransactionManager transactions;

    private final ThrottledWarning warning = new ThrottledWarning("Runs cannot be dispatched");

    @Override
    public void configure() {
        ExecutorService workers = getContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "switchboard-run", config.workers());
        // Claim a batch, execute it, and claim again at once while there is work: the timer only
        // sets how soon an idle replica notices new runs.
        from("timer:switchboard-runs?delay=1000&period=" + config.pollInterval().toMillis())
                .routeId("run-dispatcher")
                // Only here: in the attempt's own route, a handled failure would commit what it wrote.
                .onException(Exception.class).handled(true).process(warning::log).end()
                .process(this::claim)
                .loopDoWhile(exchange -> !exchange.getMessage().getBody(List.class).isEmpty())
                    .split(body()).parallelProcessing().executorService(workers)
                        .to(ATTEMPT)
                    .end()
                    .process(this::claim)
                .end();

        from(ATTEMPT).routeId("run-attempt")
                .process(exchange -> {
                    // The transaction spans the downstream call: it must outlive any call the claim does.
                    transactions.setTransactionTimeout((int) Math.max(1, config.claimTimeout().toSeconds()));
                    exchange.getMessage().setHeader(ATTEMPT_KEY,
                            exchange.getMessage().getBody(ClaimedRun.class).attemptKey());
                })
                .transacted("PROPAGATION_REQUIRES_NEW")
                // A failed attempt rolls its key back with everything else it wrote.
                .idempotentConsumer(header(ATTEMPT_KEY)).idempotentRepository("runAttempts").removeOnFailure(false)
                    .process(exchange -> executor.execute(exchange.getMessage().getBody(ClaimedRun.class)))
                .end();
    }

    private void claim(Exchange exchange) {
        exchange.getMessage().setBody(ledger.claim(NODE, config.workers(), config.claimTimeout()));
    }
}
