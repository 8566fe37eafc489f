package dev.switchboard.rules;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** One rule of a rule file: which events it takes, and the actions it asks for. */
public record Rule(
        String id,
        String file,
        int line,
        List<String> on,
        Optional<String> source,
        Optional<Condition> when,
        List<String> require,
        List<RuleAction> actions) {

    /** Does this rule take events of this type from this source (before its condition)? */
    public boolean takes(String type, String eventSource) {
        return source.map(eventSource::equals).orElse(true)
                && on.stream().anyMatch(glob -> globMatches(glob, type));
    }

    /** {@code *} stands for any run of characters: {@code shop.order.*}, {@code *.created}. */
    static boolean globMatches(String glob, String type) {
        if (!glob.contains("*")) {
            return glob.equals(type);
        }
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return type.matches(regex.toString());
    }
}
