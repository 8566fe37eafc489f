package dev.switchboard.core;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;

/**
 * An event as rules see it: the CloudEvent's {@code id}, {@code type}, {@code source},
 * {@code subject}, {@code time} and {@code data} (parsed when JSON), plus the results of the SQL
 * models a rule required, under {@code models.NAME.column}. Paths are dotted, list items by index.
 */
public final class EventDocument {

    private final Map<String, Object> root;

    private EventDocument(Map<String, Object> root) {
        this.root = root;
    }

    public static EventDocument of(CloudEvent event) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("id", event.getId());
        root.put("type", event.getType());
        root.put("source", event.getSource().toString());
        root.put("subject", event.getSubject());
        root.put("time", event.getTime() == null ? null : event.getTime().toString());
        root.put("data", data(event));
        return new EventDocument(root);
    }

    /** The same event with model results added under {@code models}. */
    public EventDocument withModels(Map<String, Map<String, Object>> models) {
        Map<String, Object> copy = new LinkedHashMap<>(root);
        copy.put("models", models);
        return new EventDocument(copy);
    }

    public Map<String, Object> asMap() {
        return root;
    }

    /** The document as a Jackson tree, for languages that read one (jq). */
    public JsonNode asTree() {
        return Json.MAPPER.valueToTree(root);
    }

    /** The value at a dotted path; empty when any step of it is absent. */
    public Optional<Object> lookup(String path) {
        Object current = root;
        for (String step : path.split("\\.")) {
            if (current instanceof Map<?, ?> map && map.containsKey(step)) {
                current = map.get(step);
            } else if (current instanceof List<?> list && index(step) >= 0 && index(step) < list.size()) {
                current = list.get(index(step));
            } else {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(current);
    }

    /** A list index written as digits; -1 for anything else (no regular expression: every lookup passes here). */
    private static int index(String step) {
        if (step.isEmpty() || step.length() > 9) {
            return -1;
        }
        for (int i = 0; i < step.length(); i++) {
            if (step.charAt(i) < '0' || step.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(step);
    }

    /** Whether data of this content type is read as JSON (else as text). */
    public static boolean isJson(String contentType) {
        return contentType != null && (contentType.startsWith("application/json") || contentType.contains("+json"));
    }

    private static Object data(CloudEvent event) {
        if (event.getData() == null) {
            return null;
        }
        byte[] bytes = event.getData().toBytes();
        if (isJson(event.getDataContentType())) {
            try {
                return Json.MAPPER.readValue(bytes, new TypeReference<Object>() {
                });
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("The event's data is not the JSON its content type says", e);
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
