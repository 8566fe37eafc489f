package dev.switchboard.ops;

import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.rules.RuleSet;
import dev.switchboard.rules.RulesConfig;

/**
 * Ready once a rule set has been loaded. A later rejected reload keeps the last valid set running,
 * so it leaves the check UP with a warning and the problems, each as {@code file:line: reason}:
 * every replica reads the same files, and going DOWN would take them all out of service at once
 * (webhooks refused) for a mistake that stops nothing already running. With
 * {@code switchboard.rules.errors-make-unready=true} it is DOWN instead.
 */
@Readiness
@ApplicationScoped
public class RulesReadinessCheck implements HealthCheck {

    @Inject
    RulesInForce repository;

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
        if (errors) {
            response.withData("rejected", repository.errors().stream().map(Object::toString)
                    .collect(Collectors.joining("; ")));
        }
        if (errors && loaded) {
            response.withData("warning", "The latest reload was rejected; the previous " + current.rules().size()
                    + " rule(s), models and port bindings stay active until the files are fixed");
        }
        return response.build();
    }
}
