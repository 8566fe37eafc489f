package dev.switchboard.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Globs compiled once: every event is matched against every rule's globs. */
    private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();

    /** {@code *} stands for any run of characters: {@code shop.order.*}, {@code *.created}. */
    static boolean globMatches(String glob, String type) {
        if (!glob.contains("*")) {
            return glob.equals(type);
        }
        return GLOBS.computeIfAbsent(glob, Rule::compile).matcher(type).matches();
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
