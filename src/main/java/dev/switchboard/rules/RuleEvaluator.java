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
        List<Verdict> verdicts = new ArrayList<>();
        for (Rule rule : rules.taking(event.getType(), event.getSource().toString())) {
            verdicts.add(judge(rule, rules, document, models));
        }
        return Evaluation.of(verdicts);
    }

    /** {@link #explain(RuleSet, CloudEvent, EventDocument, Models)} by the rules in force, models run on the hub. */
    public List<Verdict> explain(CloudEvent event) {
        return explain(repository.current(), event, EventDocument.of(event), models::run);
    }

    /**
     * Every rule of the set and why it did or did not fire for this event: what a dry run shows.
     * The same judgement as {@link #evaluate}, with the rules that do not take the event's type or
     * source kept, and a condition that is false explained by the fields it names.
     */
    public static List<Verdict> explain(RuleSet rules, CloudEvent event, EventDocument document, Models models) {
        List<Verdict> verdicts = new ArrayList<>();
        String type = event.getType();
        String source = event.getSource().toString();
        for (Rule rule : rules.rules()) {
            if (rule.on().stream().noneMatch(glob -> Rule.globMatches(glob, type))) {
                verdicts.add(Verdict.no(rule, Verdict.Outcome.OTHER_TYPE, "takes " + String.join(", ", rule.on())
                        + ", not " + type, Map.of()));
            } else if (!rule.takes(type, source)) {
                verdicts.add(Verdict.no(rule, Verdict.Outcome.OTHER_SOURCE, "takes source " + rule.source().orElse("")
                        + ", not " + source, Map.of()));
            } else {
                Verdict verdict = judge(rule, rules, document, models);
                verdicts.add(verdict.outcome() == Verdict.Outcome.CONDITION_FALSE
                        ? Verdict.no(rule, verdict.outcome(), rule.when().get().text() + " is false"
                                + fieldsOf(rule.when().get(), document), Map.of())
                        : verdict);
            }
        }
        return verdicts;
    }

    /** One rule that takes the event's type and source: its condition, then its models, then its actions. */
    private static Verdict judge(Rule rule, RuleSet rules, EventDocument document, Models models) {
        try {
            if (rule.when().isPresent() && !rule.when().get().matches(document)) {
                // No words here: the stream judges every event by every rule of its type, and most
                // conditions are false; only a dry run's explain() says why, and it words it there.
                return Verdict.no(rule, Verdict.Outcome.CONDITION_FALSE, "", Map.of());
            }
        } catch (RuntimeException e) {
            return Verdict.no(rule, Verdict.Outcome.CONDITION_FAILED, "condition failed: " + e.getMessage(), Map.of());
        } catch (StackOverflowError e) {
            // A jq condition may recurse without end (def f: f; f). Unwound here, it is this rule's
            // failure, not an Error that stops the stream consumer judging the event's neighbours.
            return Verdict.no(rule, Verdict.Outcome.CONDITION_FAILED, "condition failed: it recursed too deep", Map.of());
        }
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        for (String name : rule.require()) {
            try {
                Optional<Map<String, Object>> row = models.run(rules.models().get(name), document);
                if (!ModelRunner.passes(row)) {
                    return Verdict.no(rule, Verdict.Outcome.MODEL_SAID_NO, "model " + name + " said no: "
                            + row.map(columns -> "its first column is " + columns.values().stream().findFirst()
                                    .map(String::valueOf).orElse("absent")).orElse("no row"), results);
                }
                results.put(name, row.get());
            } catch (ModelRunner.ModelException e) {
                if (e.isTransient()) {
                    throw e;
                }
                return Verdict.no(rule, Verdict.Outcome.MODEL_FAILED, e.getMessage(), results);
            }
        }
        return new Verdict(rule, Verdict.Outcome.MATCHED, "", results, plan(rule, document.withModels(results)));
    }

    /** ": data.total = 12, data.amout is absent": the fields a false condition names, as the event has them. */
    private static String fieldsOf(Condition condition, EventDocument document) {
        List<String> shown = new ArrayList<>();
        for (String field : condition.fields()) {
            shown.add(document.lookup(field).map(value -> field + " = " + abbreviated(String.valueOf(value)))
                    .orElse(field + " is absent"));
        }
        return shown.isEmpty() ? "" : ": " + String.join(", ", shown);
    }

    private static String abbreviated(String value) {
        return value.length() <= 80 ? value : value.substring(0, 79) + "…";
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
