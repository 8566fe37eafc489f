package dev.switchboard.ops.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.SecretMask;
import dev.switchboard.core.Suggestions;
import dev.switchboard.ingest.Problem;
import dev.switchboard.rules.Evaluation;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.rules.RuleEvaluator;
import dev.switchboard.rules.Verdict;

/**
 * A dry run: what the rules in force make of an event, explained rule by rule, and for each action
 * that would run, where it would go (the rendered URL), with which headers and body. Nothing is
 * stored and no connector is called; the SQL models do run, which is why only operators may ask.
 * Shared by {@code POST /api/events/dry-run} and the dashboard's dry-run page.
 */
@ApplicationScoped
public class DryRuns {

    @Inject
    RuleEvaluator evaluator;

    @Inject
    PortBindings ports;

    /**
     * @param target where the call would go, masked as everywhere else; null when the port's
     *        settings alone say it
     * @param headers as the connector would send them, secrets masked
     */
    public record DryRunAction(String id, String port, String operation, String target, Map<String, String> headers,
            String body, String error) {
    }

    public record DryRunMatch(String rule, Map<String, Map<String, Object>> models, List<DryRunAction> actions) {
    }

    /** Why one rule did or did not fire: {@code outcome} as {@link Verdict.Outcome}, {@code reason} in words. */
    public record DryRunRule(String rule, String file, int line, Verdict.Outcome outcome, String reason,
            Map<String, Map<String, Object>> models, List<DryRunAction> actions) {
    }

    /** The event's content type as given; JSON when it says none. */
    private static String contentType(JsonNode body) {
        return body.hasNonNull("datacontenttype") ? body.get("datacontenttype").asText() : "application/json";
    }

    /**
     * The data as CloudEvents' JSON format carries it: {@code data_base64} for bytes (a recorded
     * event's text body), {@code data} as JSON when the content type is JSON, else as its text.
     * An event without data has none (JSON null), not an empty text that is no JSON.
     */
    private static byte[] data(JsonNode body) {
        if (body.hasNonNull("data_base64")) {
            try {
                return Base64.getDecoder().decode(body.get("data_base64").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("data_base64 is not base64: " + e.getMessage());
            }
        }
        JsonNode data = body.get("data");
        // Read as the rules will read it (EventDocument): JSON, or the text itself.
        if (data != null && data.isTextual() && !EventDocument.isJson(contentType(body))) {
            return data.asText().getBytes(StandardCharsets.UTF_8);
        }
        return (data == null ? "null" : data.toString()).getBytes(StandardCharsets.UTF_8);
    }

    private static OffsetDateTime time(JsonNode value) {
        try {
            return OffsetDateTime.parse(value.asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("time must be an RFC 3339 time such as 2026-12-05T10:00:00Z, not '"
                    + value.asText() + "'");
        }
    }

    /** {@code matches} and {@code failures} as before; {@code rules}: every loaded rule's verdict. */
    public record DryRun(List<DryRunMatch> matches, List<String> failures, List<DryRunRule> rules) {
    }

    /** The attributes of a CloudEvent in JSON; any other field is an extension, which rules do not read. */
    private static final Set<String> ATTRIBUTES = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "data", "data_base64");

    /** How CloudEvents names an extension attribute. */
    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,20}");

    /**
     * @param body a CloudEvent in JSON: {@code source}, {@code type}, {@code data}; {@code id},
     *        {@code subject} and {@code time} optional, as rules read them
     * @throws IllegalArgumentException when the body is no such event, or has a field that is
     *         neither an attribute nor an extension, or is a misspelt attribute ({@code dat}: the
     *         rules would have judged an event without data, and said so as if it were the event)
     * @throws Problem 503 when a model's database cannot be reached
     */
    public DryRun of(JsonNode body) {
        if (body == null || !body.path("type").isTextual() || !body.path("source").isTextual()) {
            throw new IllegalArgumentException("a dry run needs a CloudEvent with at least 'source', 'type' and 'data'");
        }
        body.fieldNames().forEachRemaining(field -> {
            String hint = ATTRIBUTES.contains(field) ? "" : Suggestions.hint(field, ATTRIBUTES);
            if (!hint.isEmpty() || !ATTRIBUTES.contains(field) && !EXTENSION.matcher(field).matches()) {
                throw new IllegalArgumentException("unknown field '" + field + "'" + hint + ": a CloudEvent has "
                        + String.join(", ", new TreeSet<>(ATTRIBUTES)) + ", and extensions named in lower-case letters"
                        + " and digits");
            }
        });
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(body.path("id").asText(UUID.randomUUID().toString()))
                .withSource(URI.create(body.path("source").asText()))
                .withType(body.path("type").asText())
                .withTime(body.hasNonNull("time") ? time(body.get("time")) : OffsetDateTime.now())
                .withDataContentType(contentType(body))
                .withData(data(body));
        if (body.hasNonNull("subject")) {
            builder.withSubject(body.get("subject").asText());
        }
        CloudEvent event = builder.build();
        List<Verdict> verdicts;
        try {
            verdicts = evaluator.explain(event);
        } catch (ModelRunner.ModelException e) {
            throw new Problem(503, "unavailable", "Service unavailable", e.getMessage());
        }
        EventDocument document = EventDocument.of(event);
        Evaluation evaluation = Evaluation.of(verdicts);
        return new DryRun(
                evaluation.matches().stream().map(match -> new DryRunMatch(match.rule().id(), match.models(),
                        actions(match.actions(), document.withModels(match.models())))).toList(),
                evaluation.failures(),
                verdicts.stream().map(verdict -> new DryRunRule(verdict.rule().id(), verdict.rule().file(),
                        verdict.rule().line(), verdict.outcome(), verdict.reason(), verdict.models(),
                        actions(verdict.actions(), document.withModels(verdict.models())))).toList());
    }

    private List<DryRunAction> actions(List<Evaluation.PlannedAction> planned, EventDocument document) {
        return planned.stream().map(action -> {
            String port = action.action().port();
            Optional<String> operation = action.action().operation();
            Optional<PortBinding> binding = ports.find(port);
            String target = binding.isEmpty() ? "port '" + port + "' is not bound"
                    : binding.get().connector().target(binding.get().settings(), document).map(SecretMask::text).orElse(null);
            Map<String, String> headers = new LinkedHashMap<>();
            binding.ifPresent(bound -> bound.connector().headers(bound.settings(), operation)
                    .forEach((name, value) -> headers.put(name, SecretMask.setting(name, value))));
            return new DryRunAction(action.action().id(), port, operation.orElse(null), target, headers,
                    action.body(), action.error());
        }).toList();
    }
}
