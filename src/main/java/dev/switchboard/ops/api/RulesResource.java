package dev.switchboard.ops.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.SecretMask;
import dev.switchboard.rules.Condition;
import dev.switchboard.rules.Rule;
import dev.switchboard.rules.RuleAction;
import dev.switchboard.rules.RuleLoadError;
import dev.switchboard.ops.RuleWarnings;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.rules.RuleSet;
import dev.switchboard.rules.SqlModel;

/**
 * The rules, models and port bindings in force, and the problems of the latest load. Port settings
 * are shown as {@link SecretMask#setting} allows, to operators too: nobody needs a secret to read.
 */
@Path("/api/rules")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class RulesResource {

    @Inject
    RulesInForce repository;

    @Inject
    PortBindings ports;

    @Inject
    RuleWarnings warnings;

    public record ActionView(String id, String port, String operation, String body, Integer maxAttempts,
            String initialDelay, String maxDelay) {
    }

    public record RuleView(String id, String file, int line, List<String> on, String source, String when,
            List<String> require, List<ActionView> actions) {
    }

    public record ModelView(String name, String file, String datasource) {
    }

    public record PortView(String port, String connector, Map<String, String> settings, int maxAttempts) {
    }

    /**
     * {@code changedOnDisk}: files that differ from those the rules in force were loaded from (a
     * rejected reload's, or, with {@code changesWaitForOperator}, changes not applied yet).
     */
    public record RulesView(Instant loadedAt, List<RuleView> rules, List<ModelView> models, List<PortView> ports,
            List<RuleLoadError> errors, List<RuleWarnings.Warning> warnings,
            List<RulesInForce.RestartNeeded> restartNeeded, List<RulesInForce.FileChange> changedOnDisk,
            boolean changesWaitForOperator) {
    }

    @GET
    public RulesView get() {
        RuleSet set = repository.current();
        return new RulesView(set.loadedAt(), set.rules().stream().map(RulesResource::view).toList(),
                set.models().values().stream().map(RulesResource::view).toList(),
                ports.all().values().stream().map(RulesResource::view).toList(), repository.errors(),
                warnings.current(), repository.restartNeeded(), repository.changedOnDisk(),
                repository.changesWaitForOperator());
    }

    /** Loads rules and bindings from disk now instead of at the next check. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("reload")
    public RulesView reload() {
        repository.reload();
        return get();
    }

    private static RuleView view(Rule rule) {
        return new RuleView(rule.id(), rule.file(), rule.line(), rule.on(), rule.source().orElse(null),
                rule.when().map(Condition::text).orElse(null), rule.require(),
                rule.actions().stream().map(RulesResource::view).toList());
    }

    private static ActionView view(RuleAction action) {
        return new ActionView(action.id(), action.port(), action.operation().orElse(null), action.body().text(),
                action.maxAttempts().orElse(null), action.initialDelay().map(Object::toString).orElse(null),
                action.maxDelay().map(Object::toString).orElse(null));
    }

    private static ModelView view(SqlModel model) {
        return new ModelView(model.name(), model.file(), model.datasource().orElse("(hub)"));
    }

    private static PortView view(PortBinding binding) {
        Map<String, String> settings = new TreeMap<>();
        binding.settings().values().forEach((key, value) -> settings.put(key, SecretMask.setting(key, value)));
        return new PortView(binding.port(), binding.connectorName(), settings, binding.retry().maxAttempts());
    }

}
