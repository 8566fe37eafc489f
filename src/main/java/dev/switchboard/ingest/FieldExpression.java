package dev.switchboard.ingest;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

/**
 * Where a value of a webhook lives: {@code header:<name>}, {@code jsonpath:<path>} into the JSON
 * body, or, with neither prefix, a literal.
 */
public sealed interface FieldExpression {

    Optional<String> evaluate(WebhookRequest request, JsonNode json);

    static FieldExpression parse(String spec) {
        if (spec.startsWith("header:")) {
            return new Header(spec.substring("header:".length()).trim());
        }
        if (spec.startsWith("jsonpath:")) {
            return new JsonPathField(spec.substring("jsonpath:".length()).trim());
        }
        return new Literal(spec);
    }

    record Header(String name) implements FieldExpression {
        @Override
        public Optional<String> evaluate(WebhookRequest request, JsonNode json) {
            return Optional.ofNullable(request.header(name)).filter(value -> !value.isBlank());
        }
    }

    record Literal(String value) implements FieldExpression {
        @Override
        public Optional<String> evaluate(WebhookRequest request, JsonNode json) {
            return Optional.of(value);
        }
    }

    final class JsonPathField implements FieldExpression {

        private static final Configuration JACKSON = Configuration.builder()
                .jsonProvider(new JacksonJsonNodeJsonProvider())
                .mappingProvider(new JacksonMappingProvider())
                .build();

        private final JsonPath path;

        /** @throws IllegalArgumentException when the path does not compile */
        JsonPathField(String path) {
            try {
                this.path = JsonPath.compile(path);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid JSON path '" + path + "': " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<String> evaluate(WebhookRequest request, JsonNode json) {
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
    }
}
