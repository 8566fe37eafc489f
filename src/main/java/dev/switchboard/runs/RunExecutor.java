package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.cloudevents.CloudEvent;

import dev.switchboard.connect.ActionRequest;
import dev.switchboard.connect.ConnectorException;
import dev.switchboard.connect.Delivery;
import dev.switchboard.connect.Excerpts;
import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.ops.HubMetrics;
import dev.switchboard.rules.EventDocument;
import dev.switchboard.rules.Template;
import dev.switchboard.stream.Envelopes;

/**
 * Performs one claimed attempt of a run through its port's current binding, and records the
 * outcome. The connector is looked up at each attempt, so a rebinding applies to retries too.
 */
@ApplicationScoped
public class RunExecutor {

    @Inject
    RunLedger ledger;

    @Inject
    PortBindings ports;

    @Inject
    HubMetrics metrics;

    public void execute(ClaimedRun run) {
        Instant started = Instant.now();
        RunLedger.Failure failure;
        String connector = ports.find(run.port()).map(PortBinding::connectorName).orElse("none");
        try {
            PortBinding binding = ports.find(run.port()).orElseThrow(() -> new ConnectorException(
                    "port '" + run.port() + "' is not bound", true));
            if (run.body() == null) {
                // Its template failed at planning; a replay renders it again before it comes here.
                throw new ConnectorException("the run has no body: its template could not be rendered", true);
            }
            CloudEvent cloudEvent = Envelopes.deserialize(run.envelope().getBytes(StandardCharsets.UTF_8));
            Delivery delivery = binding.connector().deliver(new ActionRequest(run.port(), run.operation(),
                    run.body(), run.id().toString(), run.attempt(), binding.settings(), EventDocument.of(cloudEvent)));
            Duration took = Duration.between(started, Instant.now());
            ledger.succeeded(run, started, took, delivery.status(), Excerpts.of(delivery.response()));
            metrics.attempt(run.ruleId(), run.port(), connector, "succeeded", took);
            if (cloudEvent.getTime() != null) {
                metrics.endToEnd(run.ruleId(), run.port(), Duration.between(cloudEvent.getTime().toInstant(), Instant.now()));
            }
            return;
        } catch (ConnectorException e) {
            failure = new RunLedger.Failure(errorClass(e), e.getMessage(), e.status(), Excerpts.of(e.response()),
                    e.permanent());
        } catch (Template.TemplateException | IllegalArgumentException e) {
            failure = new RunLedger.Failure(e.getClass().getName(), e.getMessage(), null, null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new RunLedger.Failure(e.getClass().getName(), "interrupted (the hub is stopping)", null, null,
                    false);
        } catch (Exception e) {
            failure = new RunLedger.Failure(e.getClass().getName(), String.valueOf(e.getMessage()), null, null, false);
        }
        Duration took = Duration.between(started, Instant.now());
        RunState state = ledger.failed(run, started, took, failure);
        metrics.attempt(run.ruleId(), run.port(), connector, state.name().toLowerCase(), took);
    }

    /** The class of the failure's cause when a connector wrapped one, else of the failure itself. */
    private static String errorClass(ConnectorException e) {
        return Optional.ofNullable(e.getCause()).map(cause -> cause.getClass().getName())
                .orElse(e.getClass().getName());
    }
}
