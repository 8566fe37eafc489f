package dev.switchboard.backtest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import io.cloudevents.CloudEvent;

import dev.switchboard.core.EventDocument;
import dev.switchboard.core.SecretMask;
import dev.switchboard.rules.Evaluation;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.rules.Rule;
import dev.switchboard.rules.RuleAction;
import dev.switchboard.rules.RuleEvaluator;
import dev.switchboard.rules.RuleSet;
import dev.switchboard.rules.SqlModel;
import dev.switchboard.stream.Envelopes;

/**
 * What two rule sets made of the same events, side by side: per rule, the events each matched and
 * the actions the candidate adds, removes or plans differently (port, operation or rendered body),
 * with the first few examples of each. Fed one event at a time, so its memory does not grow with
 * the number of events. Not thread-safe.
 */
public final class Comparison {

    /** One action as planned for an event: where it would go and what it would send. */
    public record Planned(String port, String operation, String target, String body, String error) {

        /** As shown: a URL in the target masked as everywhere else ({@link SecretMask}), though compared whole. */
        Planned shown() {
            return new Planned(port, operation, SecretMask.text(target), body, error);
        }
    }

    /** Where an action on a port would go for an event (see {@code Connector#target}); empty when the port says it all. */
    @FunctionalInterface
    public interface Targets {
        Optional<String> target(String port, EventDocument event);

        Targets NONE = (port, event) -> Optional.empty();
    }

    /** An event on which the two sets disagree about one action; {@code before} or {@code after} is null when absent. */
    public record Example(String event, String change, String action, Planned before, Planned after) {
    }

    /** One rule's figures. {@code usesModels}: its outcome depended on SQL models, which read today's data. */
    public record RuleDiff(String rule, boolean inBefore, boolean inAfter, boolean usesModels, long matchedBefore,
            long matchedAfter, long added, long removed, long changed, List<Example> examples) {
    }

    /** The whole comparison; {@code failures} are events a set could not judge (a condition or model error). */
    public record Report(long events, long unreadable, long failuresBefore, long failuresAfter, long changes,
            List<RuleDiff> rules) {
    }

    private static final class Tally {
        boolean inBefore;
        boolean inAfter;
        boolean usesModels;
        long matchedBefore;
        long matchedAfter;
        long added;
        long removed;
        long changed;
        final List<Example> examples = new ArrayList<>();
    }

    private final RuleSet before;
    /** Rules written the same in both sets, with the same models: judged once for both. */
    private final RuleSet shared;
    private final RuleSet changedBefore;
    private final RuleSet changedAfter;
    private final int examplesPerChange;
    private final Map<String, Tally> tallies = new TreeMap<>();
    private long events;
    private long unreadable;
    private long failuresBefore;
    private long failuresAfter;

    private final Targets targets;

    public Comparison(RuleSet before, RuleSet after, int examplesPerChange, Targets targets) {
        this.targets = targets;
        this.before = before;
        this.examplesPerChange = examplesPerChange;
        Map<String, String> written = new LinkedHashMap<>();
        before.rules().forEach(rule -> written.put(rule.id(), definition(rule, before)));
        List<Rule> same = after.rules().stream()
                .filter(rule -> definition(rule, after).equals(written.get(rule.id()))).toList();
        List<String> sameIds = same.stream().map(Rule::id).toList();
        this.shared = new RuleSet(same, before.models(), before.loadedAt());
        this.changedBefore = new RuleSet(before.rules().stream().filter(rule -> !sameIds.contains(rule.id())).toList(),
                before.models(), before.loadedAt());
        this.changedAfter = new RuleSet(after.rules().stream().filter(rule -> !sameIds.contains(rule.id())).toList(),
                after.models(), after.loadedAt());
        for (Rule rule : before.rules()) {
            Tally tally = tally(rule.id());
            tally.inBefore = true;
            tally.usesModels |= !rule.require().isEmpty();
        }
        for (Rule rule : after.rules()) {
            Tally tally = tally(rule.id());
            tally.inAfter = true;
            tally.usesModels |= !rule.require().isEmpty();
        }
    }

    /**
     * Judges one recorded envelope (a CloudEvent in JSON) by both sets and adds the outcome. A model
     * that fails, even for a moment, fails this event's judgement: a backtest does not wait and retry.
     */
    public void judge(String envelope, RuleEvaluator.Models models) {
        read(envelope).ifPresent(read -> {
            // A rule change usually touches a few rules: the rest are judged once and count for both sides.
            Evaluation common = evaluate(shared, read.event(), read.document(), models);
            add(read.event().getId(), read.document(),
                    merge(common, evaluate(changedBefore, read.event(), read.document(), models)),
                    merge(common, evaluate(changedAfter, read.event(), read.document(), models)));
        });
    }

    private record Read(CloudEvent event, EventDocument document) {
    }

    /** The envelope as rules see it; empty, and counted, when it is not a CloudEvent at all. */
    private Optional<Read> read(String envelope) {
        try {
            CloudEvent event = Envelopes.deserialize(envelope.getBytes(StandardCharsets.UTF_8));
            return Optional.of(new Read(event, EventDocument.of(event)));
        } catch (RuntimeException unreadable) {
            this.unreadable++;
            return Optional.empty();
        }
    }

    private static Evaluation merge(Evaluation a, Evaluation b) {
        List<Evaluation.Match> matches = new ArrayList<>(a.matches());
        matches.addAll(b.matches());
        List<String> failures = new ArrayList<>(a.failures());
        failures.addAll(b.failures());
        return new Evaluation(matches, failures);
    }

    /** What a rule does, where it is written left aside; with the SQL of the models it requires. */
    private static String definition(Rule rule, RuleSet set) {
        StringBuilder text = new StringBuilder().append(rule.on()).append('|').append(rule.source()).append('|')
                .append(rule.when().map(condition -> condition.text()).orElse("")).append('|');
        for (String model : rule.require()) {
            SqlModel sql = set.models().get(model);
            text.append(model).append('=').append(sql == null ? "" : sql.datasource() + ":" + sql.query())
                    .append('|');
        }
        for (RuleAction action : rule.actions()) {
            text.append(action.id()).append(',').append(action.port()).append(',').append(action.operation())
                    .append(',').append(action.body().text()).append('|');
        }
        return text.toString();
    }

    /**
     * Judges an envelope by the first set alone and counts its matches: a plain evaluation loop,
     * the baseline a backtest's rate is measured against.
     */
    public void judgeOnce(String envelope, RuleEvaluator.Models models) {
        read(envelope).ifPresent(read -> {
            events++;
            evaluate(before, read.event(), read.document(), models).matches()
                    .forEach(match -> tally(match.rule().id()).matchedBefore++);
        });
    }

    private static Evaluation evaluate(RuleSet rules, CloudEvent event, EventDocument document,
            RuleEvaluator.Models models) {
        try {
            return RuleEvaluator.evaluate(rules, event, document, models);
        } catch (ModelRunner.ModelException e) {
            return new Evaluation(List.of(), List.of(e.getMessage()));
        }
    }

    /** Adds one event's two judgements. */
    void add(String eventId, EventDocument document, Evaluation before, Evaluation after) {
        events++;
        failuresBefore += before.failures().isEmpty() ? 0 : 1;
        failuresAfter += after.failures().isEmpty() ? 0 : 1;
        Map<String, Map<String, Planned>> planBefore = plans(before, document);
        Map<String, Map<String, Planned>> planAfter = plans(after, document);
        planBefore.keySet().forEach(rule -> tally(rule).matchedBefore++);
        planAfter.keySet().forEach(rule -> tally(rule).matchedAfter++);
        Map<String, Map<String, Planned>> rules = new TreeMap<>(planBefore);
        planAfter.forEach(rules::putIfAbsent);
        for (String rule : rules.keySet()) {
            Map<String, Planned> was = planBefore.getOrDefault(rule, Map.of());
            Map<String, Planned> now = planAfter.getOrDefault(rule, Map.of());
            Map<String, Planned> actions = new TreeMap<>(was);
            now.forEach(actions::putIfAbsent);
            Tally tally = tally(rule);
            for (String action : actions.keySet()) {
                Planned a = was.get(action);
                Planned b = now.get(action);
                String change = a == null ? "added" : b == null ? "removed" : Objects.equals(a, b) ? null : "changed";
                if (change == null) {
                    continue;
                }
                switch (change) {
                    case "added" -> tally.added++;
                    case "removed" -> tally.removed++;
                    default -> tally.changed++;
                }
                if (tally.examples.stream().filter(example -> example.change().equals(change)).count() < examplesPerChange) {
                    tally.examples.add(new Example(eventId, change, action, a == null ? null : a.shown(),
                            b == null ? null : b.shown()));
                }
            }
        }
    }

    public long events() {
        return events;
    }

    public Report report() {
        List<RuleDiff> rules = new ArrayList<>();
        long changes = 0;
        for (Map.Entry<String, Tally> entry : tallies.entrySet()) {
            Tally t = entry.getValue();
            changes += t.added + t.removed + t.changed;
            rules.add(new RuleDiff(entry.getKey(), t.inBefore, t.inAfter, t.usesModels, t.matchedBefore,
                    t.matchedAfter, t.added, t.removed, t.changed, List.copyOf(t.examples)));
        }
        return new Report(events, unreadable, failuresBefore, failuresAfter, changes, List.copyOf(rules));
    }

    private Tally tally(String rule) {
        return tallies.computeIfAbsent(rule, id -> new Tally());
    }

    private Map<String, Map<String, Planned>> plans(Evaluation evaluation, EventDocument document) {
        Map<String, Map<String, Planned>> plans = new LinkedHashMap<>();
        for (Evaluation.Match match : evaluation.matches()) {
            Map<String, Planned> actions = new LinkedHashMap<>();
            for (Evaluation.PlannedAction action : match.actions()) {
                String port = action.action().port();
                actions.put(action.action().id(), new Planned(port, action.action().operation().orElse(null),
                        targets.target(port, document).orElse(null), action.body(), action.error()));
            }
            plans.put(match.rule().id(), actions);
        }
        return plans;
    }
}
