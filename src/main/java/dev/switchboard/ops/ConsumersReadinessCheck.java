package dev.switchboard.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.core.StartupGate;

/**
 * DOWN while the stream's consumers, the queue sources and the run dispatcher wait for rules,
 * models and port bindings to load, with the reason: a rule set that cannot load at startup keeps
 * them stopped, and an orchestrator (or a person) should see why rather than a hub that looks idle.
 */
@Readiness
@ApplicationScoped
public class ConsumersReadinessCheck implements HealthCheck {

    @Inject
    StartupGate gate;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("consumers").status(gate.isOpen());
        String reason = gate.reason();
        if (reason != null) {
            response.withData("waitingFor", reason);
        }
        return response.build();
    }
}
