package dev.switchboard.ops;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Suggestions;
import dev.switchboard.ingest.QueueSources;
import dev.switchboard.ingest.SourcesConfig.Destination;
import dev.switchboard.ingest.SourcesInForce;
import dev.switchboard.ops.alerts.AlertSettings;
import dev.switchboard.routes.UserRoutes;
import dev.switchboard.rules.AlertsRule;
import dev.switchboard.rules.Condition;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.rules.Rule;
import dev.switchboard.rules.RuleAction;
import dev.switchboard.rules.RulesLoaded;
import dev.switchboard.rules.SqlModel;
import dev.switchboard.runs.EventLog;
import dev.switchboard.stream.Envelopes;

/**
 * What a loaded rule set gets wrong that only the hub's records can tell, as warnings (the rules
 * stay in force): a rule or an expectation taking a source that nothing sends (an expectation on a
 * misspelt source opens a false incident later), and a condition reading a field that none of the
 * recent events of its type had, each with the closest name that exists; and an action that sends
 * to the queue a source of the rule reads, a loop; and a model whose statement the database says
 * cannot run. Not errors: a
 * user route may publish under any source, and a field may be new with the next sender's release.
 * Checked at every reload that takes effect.
 */
@ApplicationScoped
public class RuleWarnings {

    private static final Logger LOG = Logger.getLogger(RuleWarnings.class);

    /** How many recent events of a type stand for "the events of its type": enough to see optional fields. */
    static final int SAMPLE = 200;

    @Inject
    SourcesInForce sources;

    @Inject
    UserRoutes routes;

    @Inject
    EventLog events;

    @Inject
    QueueSources queues;

    @Inject
    ModelRunner modelRunner;

    @Inject
    PortBindings ports;

    @Inject
    AlertSettings alerts;

    private volatile List<Warning> warnings = List.of();

    /** Where and what, as a rejected reload's problems are shown. */
    public record Warning(String file, int line, String reason) {

        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + reason;
        }
    }

    /** The warnings of the rules in force. */
    public List<Warning> current() {
        return warnings;
    }

    void onLoaded(@Observes RulesLoaded loaded) {
        List<Warning> found = new ArrayList<>();
        // Rules of one type share its sample: read once per type and source, not once per rule.
        Map<String, List<EventDocument>> samples = new HashMap<>();
        try {
            for (Rule rule : loaded.rules().rules()) {
                unknownSource(rule).ifPresent(found::add);
                found.addAll(loops(rule));
                rule.when().ifPresent(condition -> found.addAll(absentFields(rule, condition, samples)));
            }
            alerts.current().expectations().forEach((name, expectation) ->
                    expectation.source().flatMap(this::unknownSource).ifPresent(unknown -> {
                        String setting = "switchboard.expectations." + name + ".source";
                        found.add(new Warning(OperatorConfigSourceProvider.file().toString(),
                                OperatorConfigSourceProvider.lineOf(setting), "expectation '" + name + "' counts events"
                                + " from source " + unknown));
                    }));
        } catch (RuntimeException e) {
            // The records are a help here, not a must: a database away leaves the rules unwarned.
            LOG.debugf(e, "Rules not checked against the recorded events");
        }
        found.addAll(modelMistakes(loaded.rules().models().values()));
        found.stream().filter(warning -> !warnings.contains(warning))
                .forEach(warning -> LOG.warnf("Warning: %s", warning));
        warnings = List.copyOf(found);
    }

    private Optional<Warning> unknownSource(Rule rule) {
        return rule.source().flatMap(this::unknownSource).map(unknown -> new Warning(rule.file(), rule.line(),
                "rule '" + rule.id() + "' takes events from source " + unknown));
    }

    /**
     * The models whose statement the database says can never run (a syntax error, a table or
     * column that is not there), at their file's line: otherwise found only when an event needs
     * the model, and then every such event FAILED. A database that cannot be asked leaves its
     * models unchecked, without waiting for it model after model.
     */
    private List<Warning> modelMistakes(Collection<SqlModel> models) {
        List<Warning> found = new ArrayList<>();
        Set<Optional<String>> unreachable = new HashSet<>();
        for (SqlModel model : models) {
            if (unreachable.contains(model.datasource())) {
                continue;
            }
            try {
                modelRunner.mistake(model).ifPresent(mistake -> found.add(new Warning(model.file(), mistake.line(),
                        mistake.reason())));
            } catch (RuntimeException e) {
                unreachable.add(model.datasource());
                LOG.debugf(e, "Models of %s not checked", model.datasource().orElse("the hub's database"));
            }
        }
        return found;
    }

    /**
     * The actions that send through a jms port to the queue a source of the rule's reads: each
     * message sent comes back as an event the rule can take again, without end unless its
     * condition stops it. A warning: the condition may well stop it.
     */
    private List<Warning> loops(Rule rule) {
        List<Warning> found = new ArrayList<>();
        for (RuleAction action : rule.actions()) {
            Optional<String> address = ports.find(action.port())
                    .filter(binding -> binding.connectorName().equals("jms"))
                    .flatMap(binding -> binding.settings().get("address"));
            address.ifPresent(queue -> queues.all().values().stream()
                    .filter(source -> source.destination() == Destination.QUEUE && source.address().equals(queue))
                    .filter(source -> rule.source().map(source.name()::equals).orElse(true))
                    .forEach(source -> found.add(new Warning(rule.file(), action.line(), "rule '" + rule.id()
                            + "' sends through port '" + action.port() + "' to queue '" + queue + "', which source '"
                            + source.name() + "' reads: every message it sends comes back as an event this rule"
                            + " takes, without end unless its condition stops it"))));
        }
        return found;
    }

    /** {@code 'source', which is no …}, with the closest name that is, when nothing sends as {@code source}. */
    private Optional<String> unknownSource(String source) {
        Set<String> known = new TreeSet<>(sources.kinds().keySet());
        routes.routes().forEach(route -> known.add(route.id()));
        known.add(AlertsRule.SOURCE);
        if (known.contains(source) || events.hasSource(source)) {
            return Optional.empty();
        }
        return Optional.of("'" + source + "', which is no configured source or route and has sent no event"
                + Suggestions.hint(source, known));
    }

    /**
     * The fields the condition reads that none of the latest events of each of its types had. A type
     * with no recorded event says nothing either way; a glob ({@code shop.*}) is not sampled.
     */
    private List<Warning> absentFields(Rule rule, Condition condition, Map<String, List<EventDocument>> samples) {
        List<Warning> found = new ArrayList<>();
        // A model's columns are not the event's: they are checked when the model runs.
        List<String> fields = condition.fields().stream().filter(field -> !field.startsWith("models.")).toList();
        if (fields.isEmpty()) {
            return found;
        }
        for (String type : rule.on()) {
            if (type.contains("*")) {
                continue;
            }
            List<EventDocument> sample = samples.computeIfAbsent(type + "\n" + rule.source().orElse(""),
                    key -> events.latest(type, rule.source(), SAMPLE).stream().map(envelope ->
                            EventDocument.of(Envelopes.deserialize(envelope.getBytes(StandardCharsets.UTF_8)))).toList());
            if (sample.isEmpty()) {
                continue;
            }
            for (String field : fields) {
                if (sample.stream().noneMatch(document -> document.lookup(field).isPresent())) {
                    Set<String> paths = new TreeSet<>();
                    sample.forEach(document -> paths(document.asMap(), "", paths));
                    found.add(new Warning(rule.file(), rule.line(), "rule '" + rule.id() + "' reads " + field
                            + ", which none of the last " + sample.size() + " '" + type + "' events had"
                            + Suggestions.hint(field, paths)));
                }
            }
        }
        return found;
    }

    /** Every path to a value under {@code value}, a few levels deep: the names a misspelt field is compared with. */
    private static void paths(Object value, String prefix, Set<String> into) {
        if (!(value instanceof Map<?, ?> map) || prefix.chars().filter(c -> c == '.').count() > 4) {
            return;
        }
        map.forEach((key, child) -> {
            String path = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
            into.add(path);
            paths(child, path, into);
        });
    }
}
