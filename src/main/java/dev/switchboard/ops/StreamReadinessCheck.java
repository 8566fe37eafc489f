package dev.switchboard.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.runs.StreamConsumer;

/**
 * Ready while at least one of this replica's stream consumers is connected to the broker. With
 * the broker away webhooks are still accepted (they wait in the outbox), but nothing is acted on:
 * an orchestrator should know, without restarting the process for it.
 */
@Readiness
@ApplicationScoped
public class StreamReadinessCheck implements HealthCheck {

    @Inject
    StreamConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        int connected = consumer.connectedConsumers();
        return HealthCheckResponse.named("stream")
                .status(connected > 0 || consumer.configuredConsumers() == 0)
                .withData("connectedConsumers", connected)
                .withData("consumers", consumer.configuredConsumers())
                .build();
    }
}
