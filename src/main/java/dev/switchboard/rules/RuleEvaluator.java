package dev.switchboard.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.cloudevents.CloudEvent;

/**
 * Decides which rules an event fires: type and source, then the condition, then the required SQL
 * models, and renders each action's body. Has no effect anywhere: it only reads, so it serves
 * both the stream and a dry run.
 */
@ApplicationScoped
public class RuleEvaluator {

    @Inject
    RuleRepository repository;

    @Inject
    ModelRunner models;

    /**
     * @throws ModelRunner.ModelException when a model failed in a way a later try may not (the
     *         caller retries the event)
     */
    public Evaluation evaluate(CloudEvent event) {
        RuleSet rules = repository.current();
        EventDocument document = EventDocument.of(event);
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
