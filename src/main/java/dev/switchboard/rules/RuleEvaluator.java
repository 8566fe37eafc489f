package dev.switchboard.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.cloudevents.CloudEvent;

import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Template;

/**
 * Decides which rules an event fires: type and source, then the condition, then the required SQL
 * models, and renders each action's body. Has no effect anywhere: it only reads, so it serves
 * both the stream and a dry run.
 */
@ApplicationScoped
public class RuleEvaluator {

    @Inject
    RulesInForce repository;

    @Inject
    ModelRunner models;

    /**
     * @throws ModelRunner.ModelException when a model failed in a way a later try may not (the
     *         caller retries the event)
     */
    public Evaluation evaluate(CloudEvent event) {
        return evaluate(repository.current(), event, EventDocument.of(event), models::run);
    }

    /** How a rule's required models are run: on the hub's datasources, read-only in a backtest, not at all offline. */
    @FunctionalInterface
    public interface Models {

        /** @throws ModelRunner.ModelException as {@link ModelRunner#run} */
        Optional<Map<String, Object>> run(SqlModel model, EventDocument event);
    }

    /** What a set of rules makes of an event, with models run as given: the judgement itself, with no effect. */
    public static Evaluation evaluate(RuleSet rules, CloudEvent event, EventDocument document, Models models) {
        List<Evaluation.Match> matches = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Rule rule : rules.taking(event.getType(), event.getSource().toString())) {
            try {
                if (rule.when().isPresent() && !rule.when().get().matches(document)) {
                    continue;
                }
            } catch (RuntimeException e) {
                failures.add("rule " + rule.id() + ": condition failed: " + e.getMessage());
                continue;
            }
            Map<String, Map<String, Object>> results = new LinkedHashMap<>();
            boolean required = true;
            for (String name : rule.require()) {
                try {
                    Optional<Map<String, Object>> row = models.run(rules.models().get(name), document);
                    if (!ModelRunner.passes(row)) {
                        required = false;
                        break;
                    }
                    results.put(name, row.get());
                } catch (ModelRunner.ModelException e) {
                    if (e.isTransient()) {
                        throw e;
                    }
                    failures.add("rule " + rule.id() + ": " + e.getMessage());
                    required = false;
                    break;
                }
            }
            if (required) {
                matches.add(new Evaluation.Match(rule, results, plan(rule, document.withModels(results))));
            }
        }
        return new Evaluation(List.copyOf(matches), List.copyOf(failures));
    }

    /**
     * Renders one action of a rule in force for an event again, with its models run anew: what a
     * replay of a run whose body could not be rendered when it was planned needs.
     *
     * @throws IllegalStateException saying why it cannot: the rule or action is gone, a model
     *         failed, or the template still does not render
     */
    public String render(CloudEvent event, String ruleId, String actionId) {
        RuleSet rules = repository.current();
        Rule rule = rules.rules().stream().filter(candidate -> candidate.id().equals(ruleId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("rule '" + ruleId + "' is no longer loaded"));
        RuleAction action = rule.actions().stream().filter(candidate -> candidate.id().equals(actionId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("rule '" + ruleId + "' has no action '" + actionId
                        + "' any more"));
        EventDocument document = EventDocument.of(event);
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        try {
            for (String name : rule.require()) {
                models.run(rules.models().get(name), document).ifPresent(row -> results.put(name, row));
            }
            return action.body().render(document.withModels(results));
        } catch (ModelRunner.ModelException | Template.TemplateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static List<Evaluation.PlannedAction> plan(Rule rule, EventDocument document) {
        List<Evaluation.PlannedAction> planned = new ArrayList<>();
        for (RuleAction action : rule.actions()) {
            try {
                planned.add(new Evaluation.PlannedAction(action, action.body().render(document), null));
            } catch (Template.TemplateException e) {
                planned.add(new Evaluation.PlannedAction(action, null, e.getMessage()));
            }
        }
        return planned;
    }
}
