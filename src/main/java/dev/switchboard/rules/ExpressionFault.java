package dev.switchboard.rules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;

/**
 * Where an expression (a condition's JSON path, jq or simple) goes wrong, shown as a person reads
 * it: the expression on a line of its own and a caret under the fault. A bracket that is never
 * closed is found first and named, since the languages' own parsers report it somewhere else
 * (JSON path: "Could not parse token starting at position 6. Expected ?, ', 0-9, *" for a
 * missing {@code )}).
 */
final class ExpressionFault {

    private ExpressionFault() {
    }

    /** The expression with a caret under {@code position} (0-based), indented under the message. */
    static String caret(String expression, int position) {
        int at = Math.max(0, Math.min(position, expression.length()));
        return "\n    " + expression + "\n    " + " ".repeat(at) + "^";
    }

    /** "( at position 8 is never closed", with the caret, or empty when every bracket is closed in order. */
    static java.util.Optional<String> unbalanced(String expression) {
        Deque<Integer> open = new ArrayDeque<>();
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                open.push(i);
            } else if (c == ')' || c == ']' || c == '}') {
                if (open.isEmpty()) {
                    return java.util.Optional.of("'" + c + "' at position " + i + " closes nothing that is open"
                            + caret(expression, i));
                }
                if (closing(expression.charAt(open.peek())) != c) {
                    // "$.data[?(@.total > 5]": the ']' is fine, the '(' before it was left open.
                    int at = open.peek();
                    return java.util.Optional.of("'" + expression.charAt(at) + "' at position " + at
                            + " is never closed (add '" + closing(expression.charAt(at)) + "' before the '" + c
                            + "' at position " + i + ")" + caret(expression, i));
                }
                open.pop();
            }
        }
        if (open.isEmpty()) {
            return java.util.Optional.empty();
        }
        int at = open.peek();
        return java.util.Optional.of("'" + expression.charAt(at) + "' at position " + at + " is never closed (add '"
                + closing(expression.charAt(at)) + "')" + caret(expression, at));
    }

    private static final java.util.regex.Pattern POSITION = java.util.regex.Pattern.compile(
            "(?i)(?:position|index|column)\\s+(\\d+)");

    /** The first "position N" / "index N" / "column N" a parser's message names, 0-based. */
    static OptionalInt position(String message, boolean oneBased) {
        java.util.regex.Matcher matcher = POSITION.matcher(message == null ? "" : message);
        if (!matcher.find()) {
            return OptionalInt.empty();
        }
        int value = Integer.parseInt(matcher.group(1));
        return OptionalInt.of(oneBased ? Math.max(0, value - 1) : value);
    }

    private static char closing(char opening) {
        return switch (opening) {
            case '(' -> ')';
            case '[' -> ']';
            default -> '}';
        };
    }
}
