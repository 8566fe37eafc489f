package dev.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * A text with {@code {{path}}} placeholders over an {@link EventDocument}. In a JSON template
 * (one starting with <code>{</code> or <code>[</code>) a string value is inserted JSON-escaped and an
 * object or list as JSON, and the result must be valid JSON; a missing path is an error, never
 * an empty string.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    private final String text;
    private final boolean json;
    private final List<String> paths;
    /** The text around the placeholders: {@code literals[i]} comes before {@code paths[i]}, the last after all. */
    private final List<String> literals;

    private Template(String text) {
        this.text = text;
        String trimmed = text.trim();
        // "{{" opens a placeholder, not a JSON object
        this.json = (trimmed.startsWith("{") && !trimmed.startsWith("{{")) || trimmed.startsWith("[");
        List<String> found = new ArrayList<>();
        List<String> between = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        int end = 0;
        while (matcher.find()) {
            between.add(text.substring(end, matcher.start()));
            found.add(matcher.group(1));
            end = matcher.end();
        }
        between.add(text.substring(end));
        this.paths = List.copyOf(found);
        this.literals = List.copyOf(between);
    }

    /** @throws IllegalArgumentException when a placeholder is not closed or not a path */
    public static Template parse(String text) {
        String withoutPlaceholders = PLACEHOLDER.matcher(text).replaceAll("");
        if (withoutPlaceholders.contains("{{") || withoutPlaceholders.contains("}}")) {
            throw new IllegalArgumentException("template has a '{{' or '}}' that is not a {{path}} placeholder");
        }
        return new Template(text);
    }

    /** The paths this template reads, for checking them against the rule. */
    public List<String> paths() {
        return paths;
    }

    public String text() {
        return text;
    }

    /** @throws TemplateException when a path is absent or a JSON template renders invalid JSON */
    public String render(EventDocument event) {
        return render(event, UnaryOperator.identity());
    }

    /**
     * Renders with each inserted value passed through {@code escape} (such as percent-encoding for
     * a part of a URL), so that a value cannot leave the place it is inserted in.
     *
     * @throws TemplateException when a path is absent, {@code escape} refuses a value, or a JSON
     *         template renders invalid JSON
     */
    public String render(EventDocument event, UnaryOperator<String> escape) {
        // Split once when parsed, not matched again for every event: rules render on the hot path.
        StringBuilder out = new StringBuilder(text.length() + 64).append(literals.get(0));
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            Object value = event.lookup(path)
                    .orElseThrow(() -> new TemplateException("template path '" + path + "' is absent from the event"));
            out.append(escape.apply(format(value))).append(literals.get(i + 1));
        }
        String rendered = out.toString();
        if (json) {
            checkJson(rendered);
        }
        return rendered;
    }

    /** Reads the rendered text token by token, building nothing: only whether it is one valid JSON value. */
    private static void checkJson(String rendered) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(rendered)) {
            if (parser.nextToken() == null) {
                throw new TemplateException("the rendered body is not valid JSON: it is empty");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new TemplateException("the rendered body is not valid JSON: more follows the first value");
            }
        } catch (JsonProcessingException e) {
            throw new TemplateException("the rendered body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new TemplateException("the rendered body could not be read: " + e.getMessage());
        }
    }

    private String format(Object value) {
        try {
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                return Json.MAPPER.writeValueAsString(value);
            }
        } catch (JsonProcessingException e) {
            throw new TemplateException("cannot write a value as JSON: " + e.getOriginalMessage());
        }
        String text = String.valueOf(value);
        return json && value instanceof String ? new String(JsonStringEncoder.getInstance().quoteAsString(text)) : text;
    }

    /** A template that cannot be rendered for this event: a permanent error of that run. */
    public static class TemplateException extends RuntimeException {
        public TemplateException(String message) {
            super(message);
        }
    }
}
