package dev.switchboard.rules;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.support.DefaultExchange;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;

import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Failures;

/**
 * A rule's {@code when:}, written {@code simple:...}, {@code jsonpath:...} or {@code jq:...} and
 * evaluated by that Camel language over the event ({@code id}, {@code type}, {@code source},
 * {@code subject}, {@code time}, {@code data}): the body of the exchange it sees.
 * A JSON path matches when it selects something; simple and jq when they evaluate to true.
 */
public final class Condition {

    private final String text;
    private final String language;
    private final Predicate predicate;
    private final CamelContext camel;

    private Condition(String text, String language, Predicate predicate, CamelContext camel) {
        this.text = text;
        this.language = language;
        this.predicate = predicate;
        this.camel = camel;
    }

    /** @throws IllegalArgumentException when the prefix is unknown or the expression does not compile */
    public static Condition parse(String text, CamelContext camel) {
        int colon = text.indexOf(':');
        String language = colon < 0 ? "" : text.substring(0, colon).trim();
        String expression = colon < 0 ? "" : text.substring(colon + 1).trim();
        if (!language.equals("simple") && !language.equals("jsonpath") && !language.equals("jq")) {
            throw new IllegalArgumentException("a condition starts with simple:, jsonpath: or jq:, not '" + text + "'");
        }
        if (expression.isEmpty()) {
            throw new IllegalArgumentException("the " + language + " condition is empty");
        }
        try {
            if (language.equals("jsonpath")) {
                JsonPath.compile(expression);
            }
            Predicate predicate = camel.resolveLanguage(language).createPredicate(expression);
            predicate.init(camel);
            return new Condition(text, language, predicate, camel);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid JSON path: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid " + language + " expression: " + Failures.root(e).getMessage(),
                    e);
        }
    }

    public boolean matches(EventDocument event) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(language.equals("jq")
                ? event.asTree() : event.asMap());
        return predicate.matches(exchange);
    }

    public String text() {
        return text;
    }
}
