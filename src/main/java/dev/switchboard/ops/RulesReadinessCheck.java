package dev.switchboard.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.rules.RuleRepository;
import dev.switchboard.rules.RuleSet;
import dev.switchboard.rules.RulesConfig;

/**
 * Ready once a rule set has been loaded. A later load error keeps the last valid set running, so
 * it only makes the hub unready when {@code switchboard.rules.errors-make-unready=true}.
 */
@Readiness
@ApplicationScoped
public class RulesReadinessCheck implements HealthCheck {

    @Inject
    RuleRepository repository;

    @Inject
    RulesConfig config;

    @Override
    public HealthCheckResponse call() {
        RuleSet current = repository.current();
        boolean loaded = current != RuleSet.EMPTY;
        boolean errors = !repository.errors().isEmpty();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("rules")
                .status(loaded && !(errors && config.errorsMakeUnready()))
                .withData("rules", current.rules().size())
                .withData("loadErrors", repository.errors().size());
        if (current.loadedAt() != null) {
            response.withData("loadedAt", current.loadedAt().toString());
        }
        return response.build();
    }
}
