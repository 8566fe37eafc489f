package dev.switchboard.rules;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.support.DefaultExchange;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;

import dev.switchboard.core.EventDocument;

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
            throw new IllegalArgumentException("invalid JSON path: " + ExpressionFault.unbalanced(expression)
                    .orElseGet(() -> e.getMessage() + ExpressionFault.position(e.getMessage(), false).stream()
                            .mapToObj(at -> ExpressionFault.caret(expression, at)).findFirst().orElse("")), e);
        } catch (RuntimeException e) {
            String reason = rootMessage(e);
            throw new IllegalArgumentException("invalid " + language + " expression: " + ExpressionFault.unbalanced(expression)
                    .orElseGet(() -> reason + ExpressionFault.position(reason, language.equals("jq")).stream()
                            .mapToObj(at -> ExpressionFault.caret(expression, at)).findFirst().orElse("")), e);
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

    /** {@code $.data[?(@.total > 1)]}: {@code $} paths, and {@code @} paths relative to the path they filter. */
    private static final Pattern JSONPATH_FIELD = Pattern.compile("([$@])((?:\\.[A-Za-z_][\\w-]*)+)(\\s*\\[\\s*\\?)?");
    /** {@code .data.total} in jq, not after a name, a bracket or a quote ({@code $x.y}, {@code "a.b"}). */
    private static final Pattern JQ_FIELD = Pattern.compile("(?<![\\w\\])}\"$.])\\.([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)");
    /** {@code ${body[data][total]}} in simple. */
    private static final Pattern SIMPLE_FIELD = Pattern.compile("\\$\\{body((?:\\[[^\\]\\[}]+\\])+)");

    /**
     * The event's fields this condition names, as dotted paths from the event ({@code data.total}),
     * read off the expression's text, best effort: what a dry run shows beside a condition that is
     * false, so that a misspelt field ({@code @.amout}) is seen to be absent.
     */
    public List<String> fields() {
        String expression = text.substring(text.indexOf(':') + 1);
        Set<String> fields = new LinkedHashSet<>();
        switch (language) {
            case "jsonpath" -> {
                String filtered = "";
                Matcher matcher = JSONPATH_FIELD.matcher(expression);
                while (matcher.find()) {
                    String path = matcher.group(2).substring(1);
                    if (matcher.group(1).equals("@")) {
                        fields.add(filtered.isEmpty() ? path : filtered + "." + path);
                    } else if (matcher.group(3) != null) {
                        filtered = path;
                    } else {
                        fields.add(path);
                    }
                }
            }
            case "jq" -> JQ_FIELD.matcher(expression).results().forEach(match -> fields.add(match.group(1)));
            default -> SIMPLE_FIELD.matcher(expression).results().forEach(match -> fields.add(
                    match.group(1).substring(1, match.group(1).length() - 1).replace("][", ".")));
        }
        return List.copyOf(fields);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
