package dev.switchboard.ingest;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import dev.switchboard.core.Suggestions;

/**
 * Where a value of an incoming message lives: {@code header:<name>} (a webhook's HTTP header),
 * {@code property:<name>} (a queue message's property), {@code jsonpath:<path>} into the JSON
 * body, or, with no prefix, a literal.
 */
public sealed interface FieldExpression {

    /**
     * @param attributes the message's named attributes (HTTP headers or message properties), null when absent
     * @param json the body as JSON, or null when it is not JSON
     */
    Optional<String> evaluate(UnaryOperator<String> attributes, JsonNode json);

    static FieldExpression parse(String spec) {
        for (String prefix : Attribute.PREFIXES) {
            if (spec.startsWith(prefix + ":")) {
                return new Attribute(prefix, spec.substring(prefix.length() + 1).trim());
            }
        }
        if (spec.startsWith("jsonpath:")) {
            return new JsonPathField(spec.substring("jsonpath:".length()).trim());
        }
        // A misspelt prefix (jsonpth:$.id) taken as a literal would be every message's value: the
        // same id for all, or a type no rule names.
        int colon = spec.indexOf(':');
        if (colon > 0) {
            Suggestions.closest(spec.substring(0, colon), KNOWN_PREFIXES).ifPresent(meant -> {
                throw new IllegalArgumentException("'" + spec + "' starts with no prefix it knows: did you mean '"
                        + meant + ":'? (as written it would be the same for every message)");
            });
        }
        return new Literal(spec);
    }

    /** Every prefix a value may start with. */
    List<String> KNOWN_PREFIXES = List.of("header", "property", "jsonpath");

    /**
     * A named attribute of the transport message: {@code header} for webhooks, {@code property} for
     * queue messages. Which prefix a source may use is checked where its kind is known.
     */
    record Attribute(String prefix, String name) implements FieldExpression {

        static final List<String> PREFIXES = List.of("header", "property");

        @Override
        public Optional<String> evaluate(UnaryOperator<String> attributes, JsonNode json) {
            return Optional.ofNullable(attributes.apply(name)).filter(value -> !value.isBlank());
        }

        @Override
        public String toString() {
            return prefix + ":" + name;
        }
    }

    record Literal(String value) implements FieldExpression {
        @Override
        public Optional<String> evaluate(UnaryOperator<String> attributes, JsonNode json) {
            return Optional.of(value);
        }
    }

    final class JsonPathField implements FieldExpression {

        private static final Configuration JACKSON = Configuration.builder()
                .jsonProvider(new JacksonJsonNodeJsonProvider())
                .mappingProvider(new JacksonMappingProvider())
                .build();

        private final String spec;
        private final JsonPath path;

        /** @throws IllegalArgumentException when the path does not compile */
        JsonPathField(String path) {
            this.spec = "jsonpath:" + path;
            try {
                this.path = JsonPath.compile(path);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid JSON path '" + path + "': " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<String> evaluate(UnaryOperator<String> attributes, JsonNode json) {
            if (json == null) {
                return Optional.empty();
            }
            try {
                JsonNode value = JsonPath.using(JACKSON).parse(json).read(path);
                return value == null || value.isNull() || value.isContainerNode() ? Optional.empty()
                        : Optional.of(value.asText()).filter(text -> !text.isBlank());
            } catch (PathNotFoundException e) {
                return Optional.empty();
            }
        }

        /** The same path written the same way: a reload that leaves a source's path alone leaves the source alone. */
        @Override
        public boolean equals(Object other) {
            return other instanceof JsonPathField field && field.spec.equals(spec);
        }

        @Override
        public int hashCode() {
            return spec.hashCode();
        }

        @Override
        public String toString() {
            return spec;
        }
    }
}
