package dev.switchboard.rules;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import dev.switchboard.core.Durations;
import dev.switchboard.core.Suggestions;
import dev.switchboard.core.Template;

/**
 * Reads one rule file into rules, strictly: every problem (bad YAML, an unknown key, an unknown
 * port or model, an expression that does not compile, a duplicate id) is reported with the file
 * and the line it is on. A file with any problem yields no rules.
 */
final class RuleFileParser {

    private static final Set<String> FILE_KEYS = Set.of("rules");
    private static final Set<String> RULE_KEYS = Set.of("id", "on", "source", "when", "require", "actions");
    private static final Set<String> ACTION_KEYS = Set.of("id", "port", "operation", "body", "retry");
    private static final Set<String> RETRY_KEYS = Set.of("max-attempts", "initial-delay", "max-delay");
    private static final String DEFAULT_BODY = "{{data}}";

    private final String file;
    private final Set<String> ports;
    private final Set<String> models;
    private final CamelContext camel;
    private final List<RuleLoadError> errors = new ArrayList<>();

    RuleFileParser(String file, Set<String> ports, Set<String> models, CamelContext camel) {
        this.file = file;
        this.ports = ports;
        this.models = models;
        this.camel = camel;
    }

    List<RuleLoadError> errors() {
        return errors;
    }

    List<Rule> parse(String text) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            error(e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1,
                    "invalid YAML: " + e.getProblem() + yamlHint(e, text));
            return List.of();
        } catch (YAMLException e) {
            // The parser's own limits (nesting, aliases, size) say no mark: the file is named all the same.
            error(0, "invalid YAML: " + e.getMessage());
            return List.of();
        }
        if (root == null) {
            return List.of();
        }
        Map<String, Node> top = mapping(root, FILE_KEYS, "the file");
        List<Rule> rules = new ArrayList<>();
        if (top != null && top.containsKey("rules")) {
            Set<String> ids = new HashSet<>();
            for (Node item : sequence(top.get("rules"), "rules")) {
                Rule rule = rule(item);
                if (rule != null && !ids.add(rule.id())) {
                    error(rule.line(), "duplicate rule id '" + rule.id() + "'");
                } else if (rule != null) {
                    rules.add(rule);
                }
            }
        }
        return errors.isEmpty() ? rules : List.of();
    }

    private Rule rule(Node node) {
        int errorsBefore = errors.size();
        Map<String, Node> keys = mapping(node, RULE_KEYS, "a rule");
        if (keys == null) {
            return null;
        }
        String id = requiredScalar(keys, "id", node);
        List<String> on = keys.containsKey("on") ? scalars(keys.get("on"), "on") : missing(node, "on");
        Optional<String> source = Optional.ofNullable(keys.get("source")).map(n -> scalar(n, "source"));
        Optional<Condition> when = Optional.ofNullable(keys.get("when"))
                .map(n -> compile(n, text -> Condition.parse(text, camel)));
        List<String> require = keys.containsKey("require") ? scalars(keys.get("require"), "require") : List.of();
        Node requireNode = keys.get("require");
        require.stream().filter(model -> !models.contains(model)).forEach(model -> error(line(requireNode),
                "unknown model '" + model + "'" + Suggestions.hint(model, models) + " (no rules/models/" + model
                        + ".sql)"));
        List<RuleAction> actions = new ArrayList<>();
        if (!keys.containsKey("actions")) {
            error(line(node), "a rule needs 'actions'");
        } else {
            Set<String> actionIds = new HashSet<>();
            for (Node item : sequence(keys.get("actions"), "actions")) {
                RuleAction action = action(item, require);
                if (action != null && !actionIds.add(action.id())) {
                    error(action.line(), "duplicate action id '" + action.id() + "' in rule '" + id + "'");
                } else if (action != null) {
                    actions.add(action);
                }
            }
        }
        if (errors.size() > errorsBefore || id == null) {
            return null;
        }
        return new Rule(id, file, line(node), on, source, when, require, List.copyOf(actions));
    }

    private RuleAction action(Node node, List<String> required) {
        int errorsBefore = errors.size();
        Map<String, Node> keys = mapping(node, ACTION_KEYS, "an action");
        if (keys == null) {
            return null;
        }
        String id = requiredScalar(keys, "id", node);
        String port = requiredScalar(keys, "port", node);
        if (port != null && !ports.contains(port)) {
            error(line(keys.get("port")), "unknown port '" + port + "'" + Suggestions.hint(port, ports)
                    + " (bind it with switchboard.ports." + port + ".connector)");
        }
        Optional<String> operation = Optional.ofNullable(keys.get("operation")).map(n -> scalar(n, "operation"));
        Template body = keys.containsKey("body") ? compile(keys.get("body"), Template::parse) : Template.parse(DEFAULT_BODY);
        if (body != null) {
            body.paths().stream()
                    .filter(path -> path.startsWith("models."))
                    .map(path -> path.split("\\.")[1])
                    .filter(model -> !required.contains(model))
                    .forEach(model -> error(line(keys.get("body")),
                            "the body uses models." + model + " but the rule does not require it"));
        }
        Optional<Integer> maxAttempts = Optional.empty();
        Optional<Duration> initialDelay = Optional.empty();
        Optional<Duration> maxDelay = Optional.empty();
        if (keys.containsKey("retry")) {
            Map<String, Node> retry = mapping(keys.get("retry"), RETRY_KEYS, "retry");
            if (retry != null) {
                maxAttempts = Optional.ofNullable(retry.get("max-attempts")).map(n -> compile(n, Integer::valueOf));
                initialDelay = Optional.ofNullable(retry.get("initial-delay")).map(n -> compile(n, Durations::parse));
                maxDelay = Optional.ofNullable(retry.get("max-delay")).map(n -> compile(n, Durations::parse));
                checkRetry(retry, maxAttempts, initialDelay, maxDelay);
            }
        }
        if (errors.size() > errorsBefore || id == null) {
            return null;
        }
        return new RuleAction(id, line(node), port, operation, body, maxAttempts, initialDelay, maxDelay);
    }

    /**
     * A budget that cannot work stops the rule here, with its line, rather than inside the stream's
     * transaction for every event it matches.
     */
    private void checkRetry(Map<String, Node> retry, Optional<Integer> maxAttempts, Optional<Duration> initialDelay,
            Optional<Duration> maxDelay) {
        maxAttempts.filter(attempts -> attempts < 1).ifPresent(attempts ->
                error(line(retry.get("max-attempts")), "retry max-attempts must be at least 1, not " + attempts));
        // A negative delay is no duration to Durations.parse: refused where it was read.
        if (initialDelay.isPresent() && maxDelay.isPresent() && initialDelay.get().compareTo(maxDelay.get()) > 0) {
            error(line(retry.get("initial-delay")), "retry initial-delay (" + Durations.format(initialDelay.get())
                    + ") is longer than max-delay (" + Durations.format(maxDelay.get()) + ")");
        }
    }

    /** The keys of a mapping node, reporting unknown and repeated keys. */
    private Map<String, Node> mapping(Node node, Set<String> allowed, String what) {
        if (!(node instanceof MappingNode mapping)) {
            error(line(node), what + " must be a mapping");
            return null;
        }
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
            if (key == null || !allowed.contains(key)) {
                error(line(tuple.getKeyNode()), "unknown key '" + key + "' in " + what
                        + (key == null ? "" : Suggestions.hint(key, allowed)) + " (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            } else if (keys.put(key, tuple.getValueNode()) != null) {
                error(line(tuple.getKeyNode()), "key '" + key + "' appears twice in " + what);
            }
        }
        return keys;
    }

    private List<Node> sequence(Node node, String what) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        error(line(node), "'" + what + "' must be a list");
        return List.of();
    }

    private String requiredScalar(Map<String, Node> keys, String key, Node owner) {
        if (!keys.containsKey(key)) {
            error(line(owner), "missing '" + key + "'");
            return null;
        }
        String value = scalar(keys.get(key), key);
        if (value != null && value.isBlank()) {
            error(line(keys.get(key)), "'" + key + "' is empty");
            return null;
        }
        return value;
    }

    private String scalar(Node node, String what) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        error(line(node), "'" + what + "' must be a single value");
        return null;
    }

    /** A single value or a list of values. */
    private List<String> scalars(Node node, String what) {
        if (node instanceof ScalarNode scalar) {
            return List.of(scalar.getValue());
        }
        List<String> values = new ArrayList<>();
        for (Node item : sequence(node, what)) {
            String value = scalar(item, what);
            if (value != null) {
                values.add(value);
            }
        }
        return List.copyOf(values);
    }

    private <T> List<T> missing(Node owner, String key) {
        error(line(owner), "missing '" + key + "'");
        return List.of();
    }

    private <T> T compile(Node node, Function<String, T> compiler) {
        String text = scalar(node, "value");
        if (text == null) {
            return null;
        }
        try {
            return compiler.apply(text);
        } catch (IllegalArgumentException e) {
            error(line(node), e.getMessage());
            return null;
        }
    }

    private void error(int line, String reason) {
        errors.add(new RuleLoadError(file, line, reason));
    }

    private static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /**
     * A plain hint for the YAML slips people make in rule files, since the parser's words
     * ("expected <block end>, but found '<block mapping start>'") name its state, not the fix.
     */
    static String yamlHint(MarkedYAMLException e, String text) {
        String problem = String.valueOf(e.getProblem()) + " " + String.valueOf(e.getContext());
        int line = e.getProblemMark() == null ? -1 : e.getProblemMark().getLine();
        String[] lines = text.split("\n", -1);
        boolean tabs = line >= 0 && line < lines.length && lines[line].contains("\t") || problem.contains("\\t");
        if (tabs) {
            return "; hint: YAML indents with spaces, and this line has a tab";
        }
        if (problem.contains("mapping values are not allowed")) {
            return "; hint: a value with ': ' in it must be quoted, e.g. subject: \"Order: big\"";
        }
        if (problem.contains("<block end>") || problem.contains("could not find expected ':'")
                || problem.contains("did not find expected key") || problem.contains("did not find expected '-'")) {
            return "; hint: check this line's indentation against the lines above: keys of one rule start in the"
                    + " same column, and each rule of the list starts with '- '";
        }
        if (problem.contains("expected ',' or '}'") || problem.contains("expected ',' or ']'")) {
            return "; hint: a '{' or '[' opened on this line or above is not closed, or an item in it has an unquoted"
                    + " ':' or ','";
        }
        if (problem.contains("unexpected end of stream") || problem.contains("found unexpected end")) {
            return "; hint: a quote opened on this line or above is not closed";
        }
        return "";
    }
}
