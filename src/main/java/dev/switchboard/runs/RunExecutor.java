package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;

import dev.switchboard.connect.Excerpts;
import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Failures;
import dev.switchboard.core.SecretMask;
import dev.switchboard.core.Template;
import dev.switchboard.core.ThrottledWarning;
import dev.switchboard.core.Tracing;
import dev.switchboard.stream.Envelopes;

/**
 * Performs one claimed attempt of a run through its port's current binding, and records the
 * outcome. The connector is looked up at each attempt, so a rebinding applies to retries too.
 *
 * <p>No database connection is held during the downstream call: the attempt is fenced by its
 * claim (an attempt number only this claim has, see {@link AttemptFence}), and its outcome is
 * written afterwards, together with other attempts' outcomes in one transaction
 * ({@link GroupCommit}), only if that claim is still current, and written again through a
 * database outage while the claim lasts. A call that outlasts half of its claim has the claim
 * renewed ({@link AttemptsUnderWay}), so it is never made again while it is still under way. A
 * replica that dies mid-call leaves a claim that ends when the replica falls silent
 * ({@link ReplicaBeats}) or the claim expires, and the run is retried as the next attempt with
 * the same idempotency key.
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);
    private static final Duration RECORD_WAIT = Duration.ofSeconds(30);
    private static final long FIRST_RECORD_RETRY_MS = 500;
    private static final long LAST_RECORD_RETRY_MS = 5_000;
    private static final int REMEMBERED_ATTEMPTS = 65_536;

    @Inject
    RunLedger ledger;

    @Inject
    PortBindings ports;

    @Inject
    RunMetrics metrics;

    @Inject
    BatchConfig config;

    @Inject
    RunsConfig runs;

    @Inject
    AttemptsUnderWay underWay;

    @Inject
    MeterRegistry registry;

    @Inject
    Tracer tracer;

    private final AttemptFence fence = new AttemptFence(REMEMBERED_ATTEMPTS);
    private final ThrottledWarning warning = new ThrottledWarning(
            "Attempt outcomes cannot be recorded now; each is tried again while its claim lasts");
    private GroupCommit<RunLedger.Outcome, Boolean> outcomes;

    @PostConstruct
    void startRecording() {
        BatchConfig.Stage stage = config.outcomes();
        outcomes = new GroupCommit<>("outcomes", stage.size(), stage.linger(), stage.writers(), stage.size() * 16, this::write,
                registry);
    }

    @PreDestroy
    void stopRecording() {
        outcomes.stop();
    }

    /** Runs the attempt, unless a copy of it was already run here; returns once its outcome is recorded. */
    public void execute(ClaimedRun run) {
        if (!fence.begin(run.attemptKey())) {
            return;
        }
        // The claim was taken just before this worker got the run: it lasts about this long,
        // renewed by the heartbeat while the attempt is under way.
        underWay.begin(run, runs.claimTimeout());
        Optional<PortBinding> binding = ports.find(run.port());
        String connector = binding.map(PortBinding::connectorName).orElse("none");
        RunLedger.Outcome outcome;
        Span span = attemptSpan(run, connector);
        try {
            // Claims only take runs of bound ports; a binding that went since then is waited for again.
            try (Scope scope = span.makeCurrent()) {
                outcome = binding.isPresent() ? attempt(run, binding.get())
                        : ledger.unbound(run, Instant.now(), Duration.ZERO);
            }
            describe(span, outcome);
            if (!record(outcome)) {
                return;
            }
        } finally {
            span.end();
            underWay.end(run);
        }
        Duration took = Duration.ofMillis((Long) outcome.attemptRow()[3]);
        metrics.attempt(run.ruleId(), run.port(), connector,
                outcome.unbound() ? "unbound" : outcome.state().name().toLowerCase(), took);
    }

    /**
     * The span of one attempt, under its run's span: the connector's call is made inside it, and
     * the connectors that can send a {@code traceparent} downstream send this span's.
     */
    private Span attemptSpan(ClaimedRun run, String connector) {
        return tracer.spanBuilder("attempt " + run.port())
                .setParent(Tracing.of(run.traceparent()))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("switchboard.run.id", run.id().toString())
                .setAttribute("switchboard.rule", run.ruleId())
                .setAttribute("switchboard.port", run.port())
                .setAttribute("switchboard.connector", connector)
                .setAttribute("switchboard.attempt", run.attempt())
                .startSpan();
    }

    private static void describe(Span span, RunLedger.Outcome outcome) {
        String status = outcome.unbound() ? "unbound" : outcome.state().name().toLowerCase();
        span.setAttribute("switchboard.status", status);
        if (outcome.error() != null) {
            span.setAttribute("switchboard.error", outcome.error());
        }
        if (outcome.state() != RunState.SUCCEEDED) {
            Tracing.failed(span, outcome.error() != null ? outcome.error() : status);
        }
    }

    /**
     * Records the outcome, again and again through a database outage for as long as its claim
     * lasts: this replica knows what downstream answered, and a run left to its claim's expiry is
     * called again. Writing it twice is harmless (the write is fenced by the attempt number, and
     * an attempt's row is kept once), so neither a failed commit nor one whose answer was lost
     * needs telling apart.
     *
     * @return false when the outcome was given up (the hub is stopping, or the claim expired):
     *         the run is retried once its claim ends, as if this replica had died
     */
    private boolean record(RunLedger.Outcome outcome) {
        long pause = FIRST_RECORD_RETRY_MS;
        boolean textless = false;
        while (true) {
            try {
                outcomes.submit(outcome, RECORD_WAIT);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                warning.log(e);
                return false;
            } catch (Exception e) {
                if (DatabaseErrors.isBadData(e) && !textless) {
                    // Its texts are what the database refused (the state and the numbers are the
                    // hub's own): keep the outcome without them rather than call downstream again.
                    LOG.warnf("The outcome of run %s attempt %d is recorded without its error and response,"
                            + " which the database refused: %s", outcome.run().id(), outcome.run().attempt(),
                            DatabaseErrors.reason(e));
                    outcome = outcome.withoutTexts("(not kept: the database refused it: " + DatabaseErrors.reason(e) + ")");
                    textless = true;
                    continue;
                }
                warning.log(e);
                if (outcomes.stopped() || System.nanoTime() + pause * 1_000_000 - underWay.claimEnds(outcome.run()) > 0) {
                    return false;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = Math.min(2 * pause, LAST_RECORD_RETRY_MS);
        }
    }

    private List<Boolean> write(List<RunLedger.Outcome> batch) {
        QuarkusTransaction.requiringNew().run(() -> ledger.record(batch));
        return batch.stream().map(outcome -> Boolean.TRUE).toList();
    }

    private RunLedger.Outcome attempt(ClaimedRun run, PortBinding binding) {
        Instant started = Instant.now();
        Map<String, String> settings = secretsOf(binding, run.operation());
        RunLedger.Failure failure;
        try {
            if (run.body() == null) {
                // Its template failed at planning; a replay renders it again before it comes here.
                throw new ConnectorException("the run has no body: its template could not be rendered", true);
            }
            CloudEvent cloudEvent = Envelopes.deserialize(run.envelope().getBytes(StandardCharsets.UTF_8));
            Delivery delivery = binding.connector().deliver(new ActionRequest(run.port(), run.operation(),
                    run.body(), run.id().toString(), run.attempt(), binding.settings(), EventDocument.of(cloudEvent)));
            Duration took = Duration.between(started, Instant.now());
            if (cloudEvent.getTime() != null) {
                metrics.endToEnd(run.ruleId(), run.port(), Duration.between(cloudEvent.getTime().toInstant(), Instant.now()));
            }
            return ledger.succeeded(run, started, took, delivery.status(), excerpt(delivery.response(), settings));
        } catch (ConnectorException e) {
            // A connector may throw one without a message: its cause's words or class say something.
            failure = new RunLedger.Failure(errorClass(e), e.getMessage() != null ? e.getMessage() : Failures.messages(e),
                    e.status(), e.response(), e.permanent());
        } catch (Template.TemplateException | IllegalArgumentException e) {
            failure = new RunLedger.Failure(e.getClass().getName(), e.getMessage(), null, null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new RunLedger.Failure(e.getClass().getName(), "interrupted (the hub is stopping)", null, null,
                    false);
        } catch (Exception e) {
            failure = new RunLedger.Failure(e.getClass().getName(), String.valueOf(e.getMessage()), null, null, false);
        }
        // Errors quote what was called (the URL, the host), and responses may echo the request:
        // both are stored, and shown to viewers and in alerts, without the port's secrets.
        return ledger.failed(run, started, Duration.between(started, Instant.now()), new RunLedger.Failure(
                failure.errorClass(), SecretMask.text(failure.message(), settings), failure.status(),
                excerpt(failure.response(), settings), failure.permanent()));
    }

    /**
     * What to cut out of an attempt's error and response: the port's settings, and the credentials
     * its connector puts in headers, as sent (a Basic header's base64 is in no setting). A
     * downstream's error page may echo the request's headers.
     */
    private static Map<String, String> secretsOf(PortBinding binding, Optional<String> operation) {
        Map<String, String> secrets = new HashMap<>(binding.settings().values());
        Map<String, String> headers;
        try {
            headers = binding.connector().headers(binding.settings(), operation);
        } catch (RuntimeException e) {
            // A connector of a project's own that cannot say: its call, not this, reports what is wrong.
            return secrets;
        }
        headers.forEach((name, value) -> {
            if (value != null && SecretMask.isSecretKey(name)) {
                secrets.put("headers." + name, value);
                int scheme = value.indexOf(' '); // Basic, Bearer
                if (scheme > 0) {
                    secrets.put("headers." + name + ".credentials", value.substring(scheme + 1));
                }
            }
        });
        return secrets;
    }

    /** Masked before it is cut, so that no secret is left half-visible at the cut. */
    private static String excerpt(String response, Map<String, String> settings) {
        return Excerpts.of(SecretMask.text(response, settings));
    }

    /** The class of the failure's cause when a connector wrapped one, else of the failure itself. */
    private static String errorClass(ConnectorException e) {
        return Optional.ofNullable(e.getCause()).map(cause -> cause.getClass().getName())
                .orElse(e.getClass().getName());
    }
}
